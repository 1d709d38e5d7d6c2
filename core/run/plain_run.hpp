#pragma once
// `neohebb run`: the lifetimes of an experiment on a pool of threads (each lifetime is
// independent and seeded from the experiment seed, so the thread count never changes a number),
// and everything they leave in the run directory.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config/experiment.hpp"
#include "core/engine/lifetime.hpp"

namespace neohebb::core {

struct RunOptions {
  std::filesystem::path out;  // run directory; empty: runs/<name>-<date>-<time>
  bool overwrite = false;
  int threads = 0;  // 0: one per core, at most one per lifetime
  bool quiet = false;
  std::string command_line;
  int stop_after = 0;  // meta-learning: stop (resumable) after this many meta-steps; 0 = never
};

struct LifetimeResult {
  std::vector<TrialRecord> trials;
  Eigen::MatrixXd final_W;
  NetworkWeights initial;
  // [experiment] on_divergence = "skip": the trial at which the lifetime diverged (-1: it did
  // not) and why; such a lifetime is recorded as diverged and left out of every mean.
  std::int64_t diverged_trial = -1;
  std::string divergence;
  bool diverged() const { return diverged_trial >= 0; }
};

// Runs every lifetime of the experiment (no files written).
std::vector<LifetimeResult> run_lifetimes(const Experiment& e, const Setup<sdk::Real>& setup,
                                          int threads, bool quiet);

// Runs and writes the run directory; returns its path. Prints a short summary to stdout.
// Meta-learning experiments ([meta] steps > 0) go to run_meta_learning.
std::filesystem::path run_experiment(const Experiment& e, const RunOptions& options);

// Meta-learning, new or resumed (`resume`: the interrupted run's directory, else empty).
std::filesystem::path run_meta_learning(const Experiment& e, const RunOptions& options,
                                        const std::filesystem::path& resume = {});

// run.json's description of the plugins the experiment uses.
nlohmann::json plugins_json(const Experiment& e);
std::string host_name();

// Local time formatted with strftime, for default directory names.
std::string timestamp(const char* format);

// The learning curve as CSV (lifetime,trial,condition,reward,correct,baseline,plastic), without
// the lifetimes that diverged.
std::string learning_curve_csv(const std::vector<LifetimeResult>& results);

}  // namespace neohebb::core
