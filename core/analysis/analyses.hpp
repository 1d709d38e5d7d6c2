#pragma once
// Analyses of trained networks: `neohebb analyze RUN_DIR` and the [analysis] table at the end of
// `neohebb run`. Per lifetime k the results go to analysis/lifetime_{k:03}/<analysis>/<array>.npy,
// and the scalars of every analysis to analysis/summary.json:
//   {"conditions": [...], "lifetimes": {"lifetime_000": {"<analysis>": {name: value}}}}.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "core/config/experiment.hpp"
#include "core/engine/network.hpp"
#include "core/engine/setup.hpp"
#include "core/support/progress.hpp"

namespace neohebb::core {

// Writes one file at a path relative to the run directory.
using FileWriter = std::function<void(const std::string& relative, const std::string& bytes)>;

// The analyses to run for `names`, with the ones they depend on added, each after what it reads.
// Throws ConfigError for a name that is not an installed analysis (with a suggestion).
std::vector<std::string> analysis_order(const Experiment& e, const std::vector<std::string>& names);

// One trained network to analyse; a network that is absent (a lifetime that diverged) is noted in
// the summary and skipped.
struct AnalysedNetwork {
  std::int64_t lifetime = 0;  // its index: seeds the test trials
  std::string label;          // "lifetime_000"
  NetworkWeights weights;
  std::string skipped;  // why it is not analysed; empty: it is
};

// Records test trials of every network and runs `names` (in analysis_order) on it, networks on
// up to `threads` threads (0: default_threads()); writes the arrays and summary.json under
// analysis/ through `write`, which must accept calls from several threads. Each analysis's time is
// told to `reporter`.
void run_analyses(const Experiment& e, const Setup<sdk::Real>& setup,
                  const std::vector<AnalysedNetwork>& networks,
                  const std::vector<std::string>& names, const FileWriter& write, int threads,
                  Reporter& reporter);

// The final networks of a run's lifetimes (a lifetime whose weights are not finite is skipped).
std::vector<AnalysedNetwork> analysed_networks(const std::vector<NetworkWeights>& finals);

}  // namespace neohebb::core
