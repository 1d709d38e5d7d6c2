// The meta-learning curve: the meta-objective, and the reward and fraction correct of the first
// and last tenth of each lifetime (meta-batch means), against meta-step; with [meta] validation,
// the objective and late fraction correct of the fixed validation lifetimes beside them.
#include <cmath>
#include <memory>

#include <fmt/format.h>

#include "csv_table.hpp"
#include "figures.hpp"

namespace neohebb::plots {
namespace fs = std::filesystem;

namespace {

struct MetaCurves {
  std::string title;
  std::vector<double> step, objective, reward_early, reward_late, correct_early, correct_late;
  std::vector<double> validation_step, validation_objective, validation_correct;  // may be empty
};

// The rows with a value in `column` (meta_metrics.csv leaves a cell empty when it was not
// measured at that step: the batch columns of row 0, the validation columns between
// validations).
void measured(const CsvTable& table, const std::string& column, std::vector<double>& step,
              std::vector<double>& value) {
  const auto steps = table.numbers("meta_step");
  const auto values = table.numbers_or_nan(column);
  for (std::size_t r = 0; r < steps.size(); ++r)
    if (!std::isnan(values[r])) step.push_back(steps[r]), value.push_back(values[r]);
}

void draw(Canvas& canvas, const MetaCurves& m) {
  const Range x = finite_range({&m.step, &m.validation_step}, 0.02);
  const bool validated = !m.validation_step.empty();
  const Rgb validation = category_color(2);
  // Meta-steps are whole numbers: with few of them PLplot would tick at 1.2, 1.4, ...
  const double tick = m.step.size() <= 10 ? 1.0 : 0.0;
  const Rgb early = category_color(0), late = category_color(3);
  const auto with_markers = [&](const std::vector<double>& y, Rgb c) {
    canvas.line(m.step, y, c, 2.5);
    if (m.step.size() <= 60) canvas.points(m.step, y, c, "●", 0.6);
  };
  canvas.title(m.title);

  std::vector<LegendEntry> legend = {{"meta-objective J (batch)", kBlack, 1, 2.5, "●", 0.6},
                                     {"early: first tenth of the trials", early, 1, 2.5, "●", 0.6},
                                     {"late: last tenth of the trials", late, 1, 2.5, "●", 0.6}};
  if (validated) legend.push_back({"validation (fixed lifetimes)", validation, 1, 2.5, "■", 0.7});
  canvas.legend_strip(legend, {0.12, 0.97, 0.86, 0.945}, 0.8, 2);
  canvas.panel({0.12, 0.97, 0.62, 0.85}, x,
               finite_range({&m.objective, &m.validation_objective}, 0.08),
               {"", "objective J", "", false, false, false, tick});
  with_markers(m.objective, kBlack);
  const auto validation_curve = [&](const std::vector<double>& y) {
    canvas.line(m.validation_step, y, validation, 2.5);
    canvas.points(m.validation_step, y, validation, "■", 0.7);
  };
  if (validated) validation_curve(m.validation_objective);

  canvas.panel({0.12, 0.97, 0.36, 0.59}, x, finite_range({&m.reward_early, &m.reward_late}, 0.08),
               {"", "reward", "", false, false, false, tick});
  with_markers(m.reward_early, early);
  with_markers(m.reward_late, late);

  canvas.panel({0.12, 0.97, 0.09, 0.32}, x, {-0.03, 1.03},
               {"meta-step", "fraction correct", "", false, false, true, tick});
  with_markers(m.correct_early, early);
  with_markers(m.correct_late, late);
  if (validated) validation_curve(m.validation_correct);
}

// The validation objective against the CPU seconds spent so far (meta_timing.csv): estimators
// compared at equal compute.
struct CpuCurve {
  std::string title;
  std::vector<double> cpu_seconds, objective;
};

void draw_cpu(Canvas& canvas, const CpuCurve& m) {
  canvas.title(m.title);
  canvas.panel({0.12, 0.97, 0.12, 0.9}, finite_range({&m.cpu_seconds}, 0.03),
               finite_range({&m.objective}, 0.08),
               {"CPU seconds (all threads, cumulative)", "validation objective J", ""});
  const Rgb c = category_color(2);
  canvas.line(m.cpu_seconds, m.objective, c, 2.5);
  canvas.points(m.cpu_seconds, m.objective, c, "■", 0.7);
}

void plan_cpu_curve(const fs::path& run, const CsvTable& metrics, Plan& plan) {
  if (!metrics.has("validation_objective") || !fs::exists(run / "meta_timing.csv")) return;
  const CsvTable timing(run / "meta_timing.csv");
  std::vector<double> steps, values;
  measured(metrics, "validation_objective", steps, values);
  const auto timed_steps = timing.numbers("meta_step");
  const auto cumulative = timing.numbers("cumulative_cpu_seconds");
  auto m = std::make_shared<CpuCurve>();
  for (std::size_t i = 0; i < steps.size(); ++i)
    for (std::size_t r = 0; r < timed_steps.size(); ++r)
      if (timed_steps[r] == steps[i]) {
        m->cpu_seconds.push_back(cumulative[r]);
        m->objective.push_back(values[i]);
      }
  if (m->objective.empty()) return;
  m->title = fmt::format("Validation objective against compute: {}", run_title(run));
  plan.figures.push_back({"meta_learning_cpu", 1200, 700, [m](Canvas& c) { draw_cpu(c, *m); }});
}

// Multi-task runs ([meta] tasks): each task's batch objective and late fraction correct, and its
// validation's, one colour per task.
struct TaskCurve {
  std::string name;
  std::vector<double> step, objective, correct, validation_step, validation_objective,
      validation_correct;
};
struct TaskCurves {
  std::string title;
  std::vector<TaskCurve> tasks;
};

void draw_tasks(Canvas& canvas, const TaskCurves& m) {
  std::vector<const std::vector<double>*> steps, objectives;
  for (const auto& t : m.tasks) {
    steps.insert(steps.end(), {&t.step, &t.validation_step});
    objectives.insert(objectives.end(), {&t.objective, &t.validation_objective});
  }
  const Range x = finite_range(steps, 0.02);
  canvas.title(m.title);
  std::vector<LegendEntry> legend;
  for (std::size_t i = 0; i < m.tasks.size(); ++i)
    legend.push_back({literal_text(m.tasks[i].name), category_color(int(i)), 1, 2.5, "●", 0.6});
  legend.push_back({"line: batch; squares: validation", kBlack, 1, 0, "■", 0.7});
  canvas.legend_strip(legend, {0.12, 0.97, 0.86, 0.945}, 0.8, 2);
  const auto curves = [&](bool objective) {
    for (std::size_t i = 0; i < m.tasks.size(); ++i) {
      const TaskCurve& t = m.tasks[i];
      const Rgb c = category_color(int(i));
      canvas.line(t.step, objective ? t.objective : t.correct, c, 2.0);
      const auto& v = objective ? t.validation_objective : t.validation_correct;
      canvas.points(t.validation_step, v, c, "■", 0.7);
    }
  };
  canvas.panel({0.12, 0.97, 0.47, 0.84}, x, finite_range(objectives, 0.08),
               {"", "objective J of the task", "", false, false, false});
  curves(true);
  canvas.panel({0.12, 0.97, 0.09, 0.43}, x, {-0.03, 1.03},
               {"meta-step", "fraction correct, last tenth", "", false, false, true});
  curves(false);
}

void plan_task_curves(const fs::path& run, const CsvTable& table, Plan& plan) {
  auto m = std::make_shared<TaskCurves>();
  const std::string prefix = "objective_";
  for (const auto& column : table.header()) {
    if (column.rfind(prefix, 0) != 0) continue;
    TaskCurve t;
    t.name = column.substr(prefix.size());
    std::vector<double> same;
    measured(table, column, t.step, t.objective);
    measured(table, "correct_late_" + t.name, same, t.correct);
    same.clear();
    measured(table, "validation_objective_" + t.name, t.validation_step, t.validation_objective);
    measured(table, "validation_correct_late_" + t.name, same, t.validation_correct);
    m->tasks.push_back(std::move(t));
  }
  if (m->tasks.empty()) return;
  m->title = fmt::format("Meta-learning per task: {}", run_title(run));
  plan.figures.push_back({"meta_learning_tasks", 1200, 900, [m](Canvas& c) { draw_tasks(c, *m); }});
}

}  // namespace

void plan_meta_learning_curve(const fs::path& run, Plan& plan) {
  const fs::path file = run / "meta_metrics.csv";
  if (!fs::exists(file)) {
    plan.skipped.push_back(
        "meta_learning_curve: no meta_metrics.csv (written by meta-learning runs)");
    return;
  }
  const CsvTable table(file);
  if (table.rows() == 0) {
    plan.skipped.push_back("meta_learning_curve: meta_metrics.csv has no meta-step yet");
    return;
  }
  auto m = std::make_shared<MetaCurves>();
  std::vector<double> same_steps;  // the batch columns share the objective's rows
  measured(table, "objective", m->step, m->objective);
  measured(table, "reward_early", same_steps, m->reward_early);
  measured(table, "reward_late", same_steps, m->reward_late);
  measured(table, "correct_early", same_steps, m->correct_early);
  measured(table, "correct_late", same_steps, m->correct_late);
  if (table.has("validation_objective")) {  // absent in runs made before it existed
    std::vector<double> validation_steps;
    measured(table, "validation_objective", m->validation_step, m->validation_objective);
    measured(table, "validation_correct_late", validation_steps, m->validation_correct);
  }
  m->title = fmt::format("Meta-learning curve: {}  (means over each meta-batch)", run_title(run));
  plan.figures.push_back({"meta_learning_curve", 1200, 1000, [m](Canvas& c) { draw(c, *m); }});
  plan_cpu_curve(run, table, plan);
  plan_task_curves(run, table, plan);
}

}  // namespace neohebb::plots
