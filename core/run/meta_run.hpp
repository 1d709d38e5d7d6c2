#pragma once
// A meta-learning run ([meta] steps > 0): meta-steps with a checkpoint after each, written
// atomically into the run's partial directory, so that an interrupted run resumes where it
// stopped and ends with the same numbers as an uninterrupted one; then the held-out evaluation.
#include <filesystem>

#include "core/config/experiment.hpp"
#include "core/run/run_options.hpp"
#include "core/run/run_outcome.hpp"
#include "core/support/progress.hpp"

namespace neohebb::core {

// A new run, or the continuation of the interrupted one in `resume` (its run or partial path).
RunOutcome run_meta(const Experiment& e, const RunOptions& options, Reporter& reporter,
                    const std::filesystem::path& resume = {});

}  // namespace neohebb::core
