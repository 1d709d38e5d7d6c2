#pragma once
// Which engine computes a lifetime's meta-gradient ([meta] gradient), from a cost model of each
// in primal trials, and the memory each keeps per lifetime in flight (docs/performance.md,
// "Meta-gradients: forward mode against the adjoint").
#include <cstddef>
#include <cstdint>

#include "core/config/sections.hpp"
#include "core/engine/setup.hpp"

namespace neohebb::core {

// The shape of one lifetime's meta-gradient, all the cost and memory models need.
struct GradientShape {
  std::size_t directions = 0;    // P, the learnable coefficients
  int size = 0;                  // N
  int steps = 0;                 // T
  std::int64_t trials = 0;       // H
  int checkpoint_every = 1;      // c, as checkpoint_interval resolves it
  bool carried_average = false;  // [eligibility] reset_average = false: checkpoints keep xbar
};

// The checkpoint interval in trials: [meta] checkpoint_every, or round(sqrt(H)) for 0.
int checkpoint_interval(int checkpoint_every, std::int64_t trials);

// The shape of an experiment's lifetimes, with its [meta] checkpoint_every resolved.
GradientShape gradient_shape(const Setup<sdk::Real>& setup, int checkpoint_every);

// Cost per trial in primal trials (T and N scale both engines alike, as N^2 T).
double forward_mode_cost(const GradientShape& g);
double adjoint_cost(const GradientShape& g);

// Whether [meta] gradient selects reverse mode: "auto" takes the cheaper by the model above.
bool use_adjoint(GradientEngine engine, const GradientShape& g);

// Doubles kept for the backward sweep of one lifetime: its checkpoints (every c-th trial's
// start) and, while a stretch is swept, the starts of its other c - 1 trials. At most
// 2 sqrt(H) (N^2 + N) with the default c; the N x N workspaces of a trial are not counted.
double adjoint_memory_doubles(const GradientShape& g);

// Doubles of forward mode's tangents of one lifetime: dW/dtheta, the two eligibility tangents
// and the tangent of W r at every step, P N (3 N + T).
double forward_mode_memory_doubles(const GradientShape& g);

}  // namespace neohebb::core
