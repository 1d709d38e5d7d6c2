#pragma once
// A run without meta-learning: the lifetimes of an experiment on a pool of threads (each is
// independent and seeded from the experiment seed, so the thread count never changes a number),
// and everything they leave in the run directory.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/config/experiment.hpp"
#include "core/engine/lifetime.hpp"
#include "core/run/run_options.hpp"
#include "core/run/run_outcome.hpp"
#include "core/support/progress.hpp"

namespace neohebb::core {

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

// How another rank's lifetime reaches rank 0 (cluster/distributed_for.hpp).
nlohmann::json to_wire(const LifetimeResult& r);
void from_wire(const nlohmann::json& j, LifetimeResult& r);

// Runs every lifetime of the experiment (no files written). In an MPI job each rank runs its
// share and only rank 0 receives them all; the others' results hold their own lifetimes only.
std::vector<LifetimeResult> run_lifetimes(const Experiment& e, const Setup<sdk::Real>& setup,
                                          int threads, Reporter& reporter);

// Runs the lifetimes and writes the run directory. With `resume` (an interrupted plain run's
// directory) the run starts again there from its experiment.toml: a plain run keeps no state
// between lifetimes, and the same seeds give the same numbers.
RunOutcome run_plain(const Experiment& e, const RunOptions& options, Reporter& reporter,
                     const std::filesystem::path& resume = {});

// The learning curve as CSV (lifetime,trial,condition,reward,correct,baseline,plastic), without
// the lifetimes that diverged.
std::string learning_curve_csv(const std::vector<LifetimeResult>& results);

}  // namespace neohebb::core
