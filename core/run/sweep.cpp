#include "core/run/sweep.hpp"

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/cluster/cluster.hpp"
#include "core/cluster/wire.hpp"
#include "core/config/document.hpp"
#include "core/config/resolved_experiment.hpp"
#include "core/engine/setup.hpp"
#include "core/io/directory_lock.hpp"
#include "core/io/run_directory.hpp"
#include "core/io/run_info.hpp"
#include "core/meta/meta_learner.hpp"
#include "core/run/meta_run.hpp"
#include "core/run/run_experiment.hpp"
#include "core/support/errors.hpp"
#include "core/support/interrupt.hpp"
#include "core/support/parallel.hpp"

namespace neohebb::core {
namespace fs = std::filesystem;

int SweepOutcome::count(SweepPoint::Status s) const {
  return static_cast<int>(
      std::count_if(points.begin(), points.end(), [&](const auto& p) { return p.status == s; }));
}

namespace {

using Status = SweepPoint::Status;

struct PlannedPoint {
  SweepPoint point;
  Experiment experiment;
  std::int64_t work = 0;  // trials it runs in all: the unit of the sweep's progress
};

std::int64_t work_of(const Experiment& e) {
  if (e.meta.steps > 0)
    return (std::int64_t(e.meta.steps) * e.meta.batch + 2 * std::int64_t(e.meta.evaluate)) *
           e.experiment.trials;
  return std::int64_t(e.experiment.lifetimes) * e.experiment.trials;
}

// "point_003 (rule.eta = 0.1, base = a.toml)": how messages name a point.
std::string describe(const SweepPoint& p, const std::vector<SweepAxis>& axes) {
  std::string values;
  for (std::size_t a = 0; a < axes.size(); ++a)
    values += fmt::format("{}{} = {}", a ? ", " : "", axes[a].name, p.values[a]);
  return fmt::format("{} ({})", p.name, values);
}

// The grid of the sweep, refused when it has no axis or more than kMaxSweepPoints points.
std::vector<SweepAxis> checked_grid(const ExperimentSource& source) {
  std::vector<SweepAxis> axes = sweep_grid(source);
  if (axes.empty())
    throw ConfigError(
        {fmt::format("{}: no grid to sweep: give --grid section.key=v1,v2,... or "
                     "write a [sweep.grid] table",
                     source.file.string())});
  std::size_t points = 1;
  for (const auto& a : axes) {
    points = points > kMaxSweepPoints ? points : points * a.values.size();
  }
  if (points > kMaxSweepPoints)
    throw ConfigError(
        {fmt::format("{}: the grid has more than {} points; split it into several "
                     "sweeps",
                     source.file.string(), kMaxSweepPoints)});
  return axes;
}

// Every point loaded and checked as `neohebb validate` would, before anything runs.
std::vector<PlannedPoint> plan(const ExperimentSource& source, const std::vector<SweepAxis>& axes,
                               PluginRegistry& registry) {
  std::vector<PlannedPoint> out;
  std::vector<std::string> errors;
  const auto points = grid_points(axes);
  for (std::size_t i = 0; i < points.size() && !interrupted(); ++i) {
    SweepPoint p{fmt::format("point_{:03}", i), {}, Status::Pending, "", std::nullopt};
    for (std::size_t a = 0; a < axes.size(); ++a)
      p.values.push_back(axes[a].values[points[i][a]].label);
    ExperimentSource point_source = source;
    point_source.point = points[i];
    try {
      Experiment pe = load_experiment(point_source, registry);
      if (pe.meta.steps > 0) check_meta(pe, make_setup<sdk::Real>(pe));
      const std::int64_t work = work_of(pe);
      out.push_back({std::move(p), std::move(pe), work});
    } catch (const ConfigError& err) {
      for (const auto& m : err.messages())
        errors.push_back(fmt::format("{}: {}", describe(p, axes), m));
    }
  }
  if (!errors.empty()) throw ConfigError(errors);
  if (interrupted()) throw RunError("interrupted while checking the points of the sweep");
  return out;
}

nlohmann::json definition(const ExperimentSource& source, const std::vector<SweepAxis>& grid) {
  nlohmann::json axes = nlohmann::json::array();
  for (const auto& axis : grid) {
    nlohmann::json values = nlohmann::json::array();
    for (const auto& v : axis.values) values.push_back(v.label);
    axes.push_back({{"name", axis.name}, {"values", values}});
  }
  return {{"format", 1},
          {"experiment", fs::absolute(source.file).lexically_normal().string()},
          {"overrides", source.overrides},
          {"grid", source.grid},
          {"axes", axes}};
}

// The sweep directory: created with its sweep.json, or found holding this very sweep.
void open_sweep_directory(const fs::path& dir, const nlohmann::json& def) {
  std::error_code ec;
  const fs::path file = dir / "sweep.json";
  if (fs::exists(dir, ec)) {
    std::ifstream in(file);
    const auto found = nlohmann::json::parse(in, nullptr, false);
    if (!in || found.is_discarded())
      throw RunError(
          fmt::format("{}: exists and is not a sweep directory (no sweep.json); choose "
                      "another --out",
                      dir.string()));
    if (found != def)
      throw RunError(fmt::format(
          "{}: holds another sweep (its sweep.json names another experiment, overrides or "
          "grid); choose another --out, or remove it to start again",
          dir.string()));
    return;
  }
  fs::create_directories(dir, ec);
  if (ec)
    throw RunError(
        fmt::format("{}: cannot create the sweep directory ({})", dir.string(), ec.message()));
  write_file_atomically(file, def.dump(2) + "\n");
}

// Whether `resolved_file` (a run's experiment.toml) resolves `e`, its first line (the comment
// naming the file) aside.
// With [meta] tasks, each task's resolved experiment beside it (tasks/<task>.toml) too.
bool same_experiment(const fs::path& resolved_file, const Experiment& e) {
  std::ifstream in(resolved_file, std::ios::binary);
  if (!in) return false;
  const std::string written(std::istreambuf_iterator<char>(in), {});
  const std::string now = resolved_toml(e);
  const auto body = [](const std::string& s) { return s.substr(std::min(s.find('\n'), s.size())); };
  if (body(written) != body(now)) return false;
  for (std::size_t k = 0; k < e.tasks.size() && e.meta.steps > 0; ++k)
    if (!same_experiment(resolved_file.parent_path() / task_file(e.task_labels[k]), e.tasks[k]))
      return false;
  return true;
}

// A point's complete run directory, read back; refused if it ran another experiment.
void take_complete_point(PlannedPoint& p, const fs::path& run_dir) {
  if (!same_experiment(run_dir / "experiment.toml", p.experiment))
    throw RunError(fmt::format(
        "{}: was run with another experiment than this sweep's point (experiment.toml differs: "
        "did a file of the experiment change?); remove it to run the point again",
        run_dir.string()));
  p.point.outcome = read_run_outcome(run_dir);
  p.point.status = Status::Done;
}

// Progress of the whole sweep, in trials: the points done and what the running ones report.
class SweepProgress {
 public:
  SweepProgress(Reporter& reporter, std::string label, const std::vector<PlannedPoint>& points)
      : reporter_(reporter), label_(std::move(label)) {
    for (const auto& p : points) {
      total_ += p.work;
      if (p.point.status == Status::Done) done_ += p.work;
    }
  }
  void running(std::size_t i, std::int64_t done, std::int64_t work) {
    std::lock_guard<std::mutex> lock(mutex_);
    running_[i] = std::min(done, work);
    report_locked(false);
  }
  void finished(std::size_t i, std::int64_t work) {
    std::lock_guard<std::mutex> lock(mutex_);
    running_.erase(i);
    done_ += work;
  }
  void report(bool finished) {
    std::lock_guard<std::mutex> lock(mutex_);
    report_locked(finished);
  }
  Reporter& reporter() { return reporter_; }

 private:
  void report_locked(bool finished) {
    std::int64_t done = done_;
    for (const auto& [i, d] : running_) done += d;
    reporter_.progress({label_, done, std::max<std::int64_t>(total_, 1), finished});
  }
  Reporter& reporter_;
  std::string label_;
  std::mutex mutex_;
  std::int64_t total_ = 0, done_ = 0;
  std::map<std::size_t, std::int64_t> running_;
};

// What one point's run reports: its progress into the sweep's, its events named after it.
class PointReporter final : public Reporter {
 public:
  PointReporter(SweepProgress& sweep, std::size_t index, const PlannedPoint& p)
      : sweep_(sweep), index_(index), point_(p) {}
  void progress(const ProgressUpdate& u) override {
    if (!u.finished) sweep_.running(index_, u.done, point_.work);
  }
  void note(const std::string& message) override {
    sweep_.reporter().note(point_.point.name + ": " + message);
  }

 private:
  SweepProgress& sweep_;
  std::size_t index_;
  const PlannedPoint& point_;
};

// Whether a point's unfinished run in `paths` is an interrupted meta-learning run of the same
// experiment, to resume from its checkpoint; anything else unfinished is removed.
bool resumable_point(const PlannedPoint& p, const RunPaths& paths) {
  std::error_code ec;
  if (!fs::exists(paths.partial, ec)) return false;
  if (p.experiment.meta.steps > 0 &&
      same_experiment(paths.partial / "experiment.toml", p.experiment))
    return true;
  fs::remove_all(paths.partial, ec);
  if (ec)
    throw RunError(fmt::format("{}: cannot remove the unfinished run ({})", paths.partial.string(),
                               ec.message()));
  return false;
}

// Runs a point into `run_dir`, resumed when it can be (rank 0 looks; every rank follows).
RunOutcome run_point(const PlannedPoint& p, const fs::path& run_dir, const RunOptions& options,
                     Reporter& reporter) {
  const RunPaths paths = RunPaths::of(run_dir);
  Cluster& cluster = Cluster::world();
  const bool resume =
      cluster.broadcast(cluster.root() && resumable_point(p, paths) ? "resume" : "") == "resume";
  return resume ? run_meta(p.experiment, options, reporter, paths.run)
                : run_experiment(p.experiment, options, reporter);
}

SweepOutcome outcome_of(const fs::path& dir, const std::vector<SweepAxis>& axes,
                        const std::vector<PlannedPoint>& planned) {
  SweepOutcome out{dir, {}, {}};
  for (const auto& axis : axes) out.axes.push_back(axis.name);
  for (const auto& p : planned) out.points.push_back(p.point);
  return out;
}

// The points still to run; those with a complete run directory are read back.
std::vector<std::size_t> pending_points(std::vector<PlannedPoint>& planned, const fs::path& dir) {
  std::vector<std::size_t> pending;
  std::error_code ec;
  for (std::size_t i = 0; i < planned.size(); ++i) {
    const fs::path run_dir = dir / planned[i].point.name;
    if (fs::exists(run_dir, ec))
      take_complete_point(planned[i], run_dir);
    else
      pending.push_back(i);
  }
  return pending;
}

// Runs point `i` into its directory under `dir`: how it went (a failure is recorded, not thrown).
SweepPoint attempt_point(const PlannedPoint& p, std::size_t i, RunOptions o, const fs::path& dir,
                         SweepProgress& progress) {
  PointReporter point_reporter(progress, i, p);
  o.out = dir / p.point.name;
  SweepPoint result = p.point;
  try {
    RunOutcome r = run_point(p, o.out, o, point_reporter);
    if (r.complete) result.status = Status::Done, result.outcome = std::move(r);
  } catch (const std::exception& err) {
    if (!interrupted()) result.status = Status::Failed, result.error = err.what();
  }
  return result;
}

// An MPI job's sweep: one point after another, each sharing its lifetimes over every rank with
// the threads given (points side by side would need a writer per point). Rank 0 writes the
// points' runs and sweep.csv, and decides how each point went: a rank still inside a point that
// failed on rank 0 alone leaves it at end_part.
void run_points_in_turn(std::vector<PlannedPoint>& planned, const std::vector<std::size_t>& pending,
                        const RunOptions& options, const fs::path& dir, SweepProgress& progress,
                        const std::function<void(std::size_t, SweepPoint)>& record) {
  Cluster& cluster = Cluster::world();
  for (std::size_t i : pending) {
    if (cluster.any(interrupted())) break;
    SweepPoint result = planned[i].point;
    bool ended = false;  // by rank 0, while this rank was inside the point
    try {
      result = attempt_point(planned[i], i, options, dir, progress);
    } catch (const PartEnded&) {
      ended = true;
    }
    try {
      if (!ended) cluster.end_part();
    } catch (const OutOfStep& stray) {  // this rank failed alone in the point: say how
      throw OutOfStep(result.error.empty() ? stray.why() : result.name + ": " + result.error);
    }
    record(i, std::move(result));
  }
}

}  // namespace

std::size_t validate_sweep(const ExperimentSource& source, PluginRegistry& registry) {
  return plan(source, checked_grid(source), registry).size();
}

SweepOutcome run_sweep(const ExperimentSource& source, PluginRegistry& registry,
                       const SweepOptions& options, Reporter& reporter) {
  const std::vector<SweepAxis> axes = checked_grid(source);
  std::vector<PlannedPoint> planned = plan(source, axes, registry);
  const std::string name = planned.front().experiment.name();
  const fs::path dir = options.out.empty() ? default_run_directory(name, "sweep") : options.out;
  Cluster& cluster = Cluster::world();
  std::optional<DirectoryLock> lock;  // rank 0's: the other ranks never touch the directory
  std::vector<std::size_t> pending;
  if (cluster.root()) {
    open_sweep_directory(dir, definition(source, axes));
    lock.emplace(dir);
    pending = pending_points(planned, dir);
  }
  pending = unpack(cluster.broadcast(pack(pending))).get<std::vector<std::size_t>>();

  // One process: points side by side, the thread budget shared; MPI: points in turn, each over
  // every rank with the threads given.
  const int budget = options.threads > 0 ? options.threads : default_threads();
  const int side_by_side =
      cluster.distributed() ? 1
                            : std::max(1, std::min<int>(budget, static_cast<int>(pending.size())));
  RunOptions point_options;
  point_options.threads =
      cluster.distributed() ? options.threads : std::max(1, budget / side_by_side);
  point_options.command_line = options.command_line;
  SweepProgress progress(reporter, "sweep " + name, planned);
  std::mutex table;  // guards the points' status and sweep.csv
  const auto write_table = [&] {
    if (cluster.root())
      write_file_atomically(dir / "sweep.csv", sweep_csv(outcome_of(dir, axes, planned)));
  };
  const auto record = [&](std::size_t i, SweepPoint result) {
    if (result.status == Status::Failed)
      reporter.note(fmt::format("{} failed: {}", result.name, result.error));
    progress.finished(i, result.status == Status::Pending ? 0 : planned[i].work);
    std::lock_guard<std::mutex> lock_table(table);
    planned[i].point = std::move(result);
    write_table();
  };
  write_table();
  std::vector<std::exception_ptr> errors;
  if (cluster.distributed())
    run_points_in_turn(planned, pending, point_options, dir, progress, record);
  else
    errors = parallel_for(
        static_cast<int>(pending.size()), side_by_side,
        [&](int job) {
          const std::size_t i = pending[static_cast<std::size_t>(job)];
          record(i, attempt_point(planned[i], i, point_options, dir, progress));
        },
        [&] { return !interrupted(); });
  rethrow_first(errors);
  progress.report(true);
  return outcome_of(dir, axes, planned);
}

namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string number(double v) {
  return fmt::format("{:.17g}", v);
}
std::string number(const std::optional<double>& v) {
  return v ? number(*v) : "";
}

constexpr const char* kFigures =
    "lifetimes,diverged,reward_first_tenth,reward_last_tenth,correct_last_tenth,"
    "correct_last_tenth_sd,meta_steps,objective_first,objective_last,correct_late_first,"
    "correct_late_last,held_out_initial_reward,held_out_learned_reward,"
    "held_out_initial_correct,held_out_learned_correct";

std::string figures(const std::optional<RunOutcome>& o) {
  if (o && o->plain) {
    const auto& s = *o->plain;
    return fmt::format("{},{},{},{},{},{},,,,,,,,,", s.lifetimes, s.diverged,
                       number(s.reward_first_tenth), number(s.reward_last_tenth),
                       number(s.correct_last_tenth), number(s.correct_last_tenth_sd));
  }
  if (o && o->meta) {
    const auto& s = *o->meta;
    const HeldOutMeans none;
    const HeldOutMeans& i = s.held_out_initial ? *s.held_out_initial : none;
    const HeldOutMeans& l = s.held_out_learned ? *s.held_out_learned : none;
    return fmt::format(",,,,,,{},{},{},{},{},{},{},{},{}", s.steps_done, number(s.objective_first),
                       number(s.objective_last), number(s.correct_late_first),
                       number(s.correct_late_last), number(i.mean_reward), number(l.mean_reward),
                       number(i.correct_late), number(l.correct_late));
  }
  return ",,,,,,,,,,,,,,";
}

const char* status_name(Status s) {
  switch (s) {
    case Status::Done:
      return "done";
    case Status::Failed:
      return "failed";
    case Status::Pending:
      return "pending";
  }
  return "?";
}

}  // namespace

std::string sweep_csv(const SweepOutcome& s) {
  std::string out = "point,status";
  for (const auto& a : s.axes) out += fmt::format(",{}", csv_field(a));
  out += fmt::format(",{},error\n", kFigures);
  for (const auto& p : s.points) {
    out += fmt::format("{},{}", p.name, status_name(p.status));
    for (const auto& v : p.values) out += fmt::format(",{}", csv_field(v));
    out += fmt::format(",{},{}\n", figures(p.outcome), csv_field(p.error));
  }
  return out;
}

}  // namespace neohebb::core
