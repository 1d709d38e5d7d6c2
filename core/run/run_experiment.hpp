#pragma once
// `neohebb run`: a run without meta-learning or a meta-learning run, as the experiment says, and
// the continuation of an interrupted one.
#include <filesystem>
#include <string>
#include <vector>

#include "core/config/experiment.hpp"
#include "core/run/run_options.hpp"
#include "core/run/run_outcome.hpp"
#include "core/support/progress.hpp"

namespace neohebb::core {

// (A file that describes a sweep is refused: config/experiment_source.hpp, refuse_sweep_file.)
RunOutcome run_experiment(const Experiment& e, const RunOptions& options, Reporter& reporter);

// The experiment of the interrupted run in `dir` (its run or partial path): the resolved
// experiment.toml in its partial directory, with `overrides` applied. An override may change
// only what does not change the numbers already computed ([meta] steps and evaluate, the name);
// any other throws RunError naming it.
Experiment interrupted_experiment(const std::filesystem::path& dir,
                                  const std::vector<std::string>& overrides,
                                  PluginRegistry& registry);

// Continues the interrupted run in `dir`; `e` is interrupted_experiment(dir, ...). A
// meta-learning run continues from its last checkpoint, a plain run starts again.
RunOutcome resume_experiment(const Experiment& e, const std::filesystem::path& dir,
                             const RunOptions& options, Reporter& reporter);

}  // namespace neohebb::core
