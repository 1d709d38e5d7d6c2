#pragma once
// `neohebb sweep`: one run per point of a grid (config/sweep_grid.hpp), in a sweep directory
//   DIR/sweep.json    what the sweep is: the experiment, its overrides, the axes and points
//   DIR/point_NNN/    each point's run directory, as `neohebb run` writes it
//   DIR/sweep.csv     one row per point: its values on each axis, its status and its figures
// Points run side by side within the thread budget; the numbers never depend on it. Started
// again, a sweep skips the points that are complete, resumes an interrupted meta-learning point
// from its checkpoint and redoes any other unfinished point. A point that fails is recorded
// with its error, and the others go on.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/config/experiment.hpp"
#include "core/run/run_outcome.hpp"
#include "core/support/progress.hpp"

namespace neohebb::core {

struct SweepOptions {
  std::filesystem::path out;  // the sweep directory; empty: runs/<name>-sweep-<date>-<time>
  int threads = 0;  // the budget for all points together (per rank under MPI); 0: default_threads()
  std::string command_line;  // recorded in each point's run.json
};

struct SweepPoint {
  std::string name;                 // point_000, ...
  std::vector<std::string> values;  // its value on each axis, as sweep.csv shows it
  enum class Status { Pending, Done, Failed } status = Status::Pending;
  std::string error;                  // why it failed
  std::optional<RunOutcome> outcome;  // when done
};

struct SweepOutcome {
  std::filesystem::path directory;
  std::vector<std::string> axes;
  std::vector<SweepPoint> points;
  int count(SweepPoint::Status s) const;
};

// At most this many points: a larger grid is most likely a mistake, and would be slow to check.
inline constexpr std::size_t kMaxSweepPoints = 10000;

// Runs (or finishes) the sweep of `source` (its file's [sweep] table and source.grid). Every
// point's experiment is loaded and validated before any runs: an invalid point is a ConfigError
// naming it. Interrupted (Ctrl-C), it returns with the unfinished points pending. The sweep
// directory is locked while it runs: a second process is refused.
SweepOutcome run_sweep(const ExperimentSource& source, PluginRegistry& registry,
                       const SweepOptions& options, Reporter& reporter);

// Loads and validates every point of the sweep, as `neohebb validate` does for one experiment;
// returns how many there are. Throws ConfigError naming every invalid point.
std::size_t validate_sweep(const ExperimentSource& source, PluginRegistry& registry);

// sweep.csv: point,status,<one column per axis>,<the figures of a plain or meta run>,error.
std::string sweep_csv(const SweepOutcome& s);

}  // namespace neohebb::core
