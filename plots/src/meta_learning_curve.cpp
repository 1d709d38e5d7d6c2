// The meta-learning curve: the meta-objective, and the reward and fraction correct of the first
// and last tenth of each lifetime (meta-batch means), against meta-step.
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
};

void draw(Canvas& canvas, const MetaCurves& m) {
  const Range x = finite_range({&m.step}, 0.02);
  // Meta-steps are whole numbers: with few of them PLplot would tick at 1.2, 1.4, ...
  const double tick = m.step.size() <= 10 ? 1.0 : 0.0;
  const Rgb early = category_color(0), late = category_color(3);
  const auto with_markers = [&](const std::vector<double>& y, Rgb c) {
    canvas.line(m.step, y, c, 2.5);
    if (m.step.size() <= 60) canvas.points(m.step, y, c, "●", 0.6);
  };
  canvas.title(m.title);

  canvas.legend_strip({{"meta-objective J", kBlack, 1, 2.5, "●", 0.6},
                       {"early: first tenth of the trials", early, 1, 2.5, "●", 0.6},
                       {"late: last tenth of the trials", late, 1, 2.5, "●", 0.6}},
                      {0.12, 0.97, 0.86, 0.945}, 0.8, 2);
  canvas.panel({0.12, 0.97, 0.62, 0.85}, x, finite_range({&m.objective}, 0.08),
               {"", "objective J", "", false, false, false, tick});
  with_markers(m.objective, kBlack);

  canvas.panel({0.12, 0.97, 0.36, 0.59}, x, finite_range({&m.reward_early, &m.reward_late}, 0.08),
               {"", "reward", "", false, false, false, tick});
  with_markers(m.reward_early, early);
  with_markers(m.reward_late, late);

  canvas.panel({0.12, 0.97, 0.09, 0.32}, x, {-0.03, 1.03},
               {"meta-step", "fraction correct", "", false, false, true, tick});
  with_markers(m.correct_early, early);
  with_markers(m.correct_late, late);
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
  m->step = table.numbers("meta_step");
  m->objective = table.numbers("objective");
  m->reward_early = table.numbers("reward_early");
  m->reward_late = table.numbers("reward_late");
  m->correct_early = table.numbers("correct_early");
  m->correct_late = table.numbers("correct_late");
  m->title = fmt::format("Meta-learning curve: {}  (means over each meta-batch)", run_title(run));
  plan.figures.push_back({"meta_learning_curve", 1200, 1000, [m](Canvas& c) { draw(c, *m); }});
}

}  // namespace neohebb::plots
