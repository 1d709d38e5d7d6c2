#include "core/meta/gradient_engine.hpp"

#include <algorithm>
#include <cmath>

namespace neohebb::core {

namespace {
// Measured by scripts/bench_meta_gradient.sh (T = 100, degree-5 trace, N = 50-200): forward
// mode adds 1.3-2.3 primal trials per direction (more at larger N); the adjoint's pull-back
// through a trial costs 2.0-2.7 primal trials, whatever P.
constexpr double kForwardPerDirection = 1.7;
constexpr double kPullBack = 2.2;
}  // namespace

int checkpoint_interval(int checkpoint_every, std::int64_t trials) {
  if (checkpoint_every > 0) return checkpoint_every;
  return std::max(1, static_cast<int>(std::lround(std::sqrt(static_cast<double>(trials)))));
}

GradientShape gradient_shape(const Setup<sdk::Real>& setup, int checkpoint_every) {
  return {.directions = static_cast<std::size_t>(setup.tangent_directions()),
          .size = setup.network.size,
          .steps = setup.layout.steps,
          .trials = setup.trials,
          .checkpoint_every = checkpoint_interval(checkpoint_every, setup.trials),
          .carried_average = !setup.eligibility.reset_average};
}

double forward_mode_cost(const GradientShape& g) {
  return 1.0 + kForwardPerDirection * static_cast<double>(g.directions);
}

// The forward sweep, each trial of a stretch but its first run again to rebuild the stretch,
// the replay that keeps the trajectory, and the pull-back.
double adjoint_cost(const GradientShape& g) {
  const double c = std::max(1, g.checkpoint_every);
  return 1.0 + (1.0 - 1.0 / c) + 1.0 + kPullBack;
}

bool use_adjoint(GradientEngine engine, const GradientShape& g) {
  switch (engine) {
    case GradientEngine::Forward:
      return false;
    case GradientEngine::Adjoint:
      return true;
    case GradientEngine::Auto:
      break;
  }
  return adjoint_cost(g) < forward_mode_cost(g);
}

double adjoint_memory_doubles(const GradientShape& g) {
  const double c = std::max(1, g.checkpoint_every), H = std::max<double>(1, double(g.trials));
  const double N = g.size, per_start = N * N + (g.carried_average ? N : 0);
  return (std::ceil(H / c) + std::min(c, H) - 1) * per_start;
}

double forward_mode_memory_doubles(const GradientShape& g) {
  const double N = g.size;
  return static_cast<double>(g.directions) * N * (3 * N + g.steps);
}

}  // namespace neohebb::core
