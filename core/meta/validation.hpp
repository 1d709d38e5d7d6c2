#pragma once
// Readable progress for meta-learning: the current theta evaluated on a fixed set of validation
// lifetimes (common random numbers: the same networks, trials and kicks every time), so that two
// points of the curve differ only by theta; and the gradient's signal-to-noise ratio per
// coefficient across a meta-batch.
#include <cstdint>
#include <functional>
#include <vector>

#include <Eigen/Core>

#include "core/config/sections.hpp"
#include "core/engine/setup.hpp"

namespace neohebb::core {

struct ValidationResult {
  int lifetimes = 0, diverged = 0;
  double objective = 0;     // the meta-objective sum_h w_h R_h, mean over those not diverged
  double correct_late = 0;  // fraction correct over the last tenth, mean over the same
  // Multi-task: each task's (objective and correct_late as above, NaN when all diverged); then
  // `objective` is the mean over tasks of (J - chance) / (best - chance) and `correct_late` the
  // mean over tasks.
  std::vector<double> task_objective, task_correct_late;
};

// One lifetime with theta, no derivatives: the meta-objective sum_h w_h R_h (R as it drives
// plasticity: the task's reward, or the policy's) and the fraction correct in its last tenth.
// Throws DivergenceError when it diverges.
struct LifetimeScore {
  double objective = 0, correct_late = 0;
};
LifetimeScore score_lifetime(const Setup<sdk::Real>& setup, const std::vector<double>& weights,
                             const TraceParameters& trace, std::uint64_t seed);

// The seed of validation lifetime `index`: a stream of its own, apart from the meta-batches'
// (meta_lifetime_seed) and the held-out lifetimes' (lifetime_seed).
std::uint64_t validation_lifetime_seed(std::uint64_t experiment_seed, int index);

// [meta] validation lifetimes with theta on `threads` threads, reduced in lifetime order.
ValidationResult validate_theta(const Setup<sdk::Real>& setup, const MetaSection& meta,
                                const TraceParameters& trace, int threads,
                                const std::function<bool()>& keep_going = {});

// Whether the state after `step` meta-steps is validated.
bool validation_due(const MetaSection& meta, int step);

// Per coefficient, mean / standard deviation of the lifetimes' gradients (signed: the mean's
// sign); the mean over a batch of n has sqrt(n) times this ratio. Empty for fewer than two
// gradients; 0 where the gradients do not vary (all zero, as in a warm-up).
Eigen::VectorXd gradient_snr(const std::vector<Eigen::VectorXd>& gradients);

}  // namespace neohebb::core
