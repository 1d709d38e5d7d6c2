#pragma once
// The checkpoint of a meta-learning run (checkpoint.json): everything a resumed run needs, with
// the fingerprint of the experiment that shaped it. Reading one checks every field against that
// experiment before anything is used, so a checkpoint that was cut short, edited, or written by
// another experiment is a clear error, never a crash or a wrong result.
#include <cstdint>
#include <string>

#include <Eigen/Core>

#include "core/config/experiment.hpp"
#include "core/engine/setup.hpp"
#include "core/meta/meta_learner.hpp"

namespace neohebb::core {

// What an experiment fixes about its checkpoints.
struct CheckpointShape {
  Eigen::Index theta_rows = 0, theta_cols = 0;  // the trace's coefficient matrix
  Eigen::Index directions = 0;                  // learnable coefficients (Adam moments, steps)
  Eigen::Index rule_parameters = 0;             // of them, the rule's own ([meta] learn_rule)
  int steps = 0;                                // [meta] steps: the most a checkpoint has done
  int batch = 0;                                // lifetimes per meta-step
  std::int64_t trials = 0;                      // REINFORCE baseline entries
  std::string optimizer;
  std::string fingerprint;  // of everything else in the experiment that changes the result
};

CheckpointShape checkpoint_shape(const Experiment& e, const Setup<sdk::Real>& setup);

// The part of an experiment a checkpoint depends on, as a short hex string: the resolved
// experiment without what may change on resume ([meta] steps and evaluate) or does not change
// the numbers (the name, the file names).
std::string experiment_fingerprint(const Experiment& e);

std::string checkpoint_json(const MetaState& s, const CheckpointShape& shape);

// Throws RunError naming the field and what is wrong with it. Without `expected` (reading a
// finished run's summary) only the checkpoint's own consistency is checked.
MetaState parse_checkpoint(const std::string& json, const CheckpointShape* expected);

}  // namespace neohebb::core
