#include "core/meta/adjoint_gradient.hpp"

#include <algorithm>
#include <cmath>

namespace neohebb::core {

namespace {
LifetimeOptions adjoint_options(const std::vector<int>* forced_actions) {
  LifetimeOptions o;
  o.adjoint = true;
  o.forced_actions = forced_actions;
  return o;
}
}  // namespace

AdjointLifetime::AdjointLifetime(const Setup<sdk::Real>& setup, std::uint64_t seed,
                                 const Eigen::MatrixXd& theta, int checkpoint_every,
                                 const std::vector<int>* forced_actions)
    : setup_(setup),
      every_(std::max(1, checkpoint_every)),
      life_(setup, seed, theta, adjoint_options(forced_actions)) {}

TrialRecord AdjointLifetime::run_trial() {
  if (trials_ % every_ == 0) checkpoints_.push_back(life_.save());
  ++trials_;
  return life_.run_trial();
}

// Trials [first, end) of one stretch: run again from its checkpoint keeping each trial's start,
// then each replayed and swept, last first.
void AdjointLifetime::sweep_stretch(std::int64_t first, std::int64_t end,
                                    const std::vector<double>& c, AdjointState& a) {
  life_.restore(checkpoints_[static_cast<std::size_t>(first / every_)]);
  std::vector<LifetimeCheckpoint> starts;
  for (std::int64_t h = first; h < end; ++h) {
    starts.push_back(life_.save());
    if (h + 1 < end) life_.run_trial();
  }
  for (std::int64_t h = end - 1; h >= first; --h) {
    life_.restore(starts[static_cast<std::size_t>(h - first)]);
    life_.replay_trial();
    life_.adjoint_trial(a, c[static_cast<std::size_t>(h)]);
  }
}

Eigen::VectorXd AdjointLifetime::gradient(const std::vector<double>& c) {
  const auto N = static_cast<Eigen::Index>(setup_.network.size);
  AdjointState a;
  a.W.setZero(N, N);
  a.xbar.setZero(N);
  a.theta.setZero(setup_.trace->pre_terms(), setup_.trace->post_terms());
  if (!checkpoints_.empty()) a.rule.assign(checkpoints_.front().rule_state.size(), 0.0);
  // Trials after the last one with a weight contribute nothing: the sweep starts there.
  std::int64_t last = std::min<std::int64_t>(trials_, static_cast<std::int64_t>(c.size())) - 1;
  while (last >= 0 && c[static_cast<std::size_t>(last)] == 0) --last;
  for (std::int64_t first = last >= 0 ? last / every_ * every_ : -1; first >= 0; first -= every_)
    sweep_stretch(first, std::min<std::int64_t>(first + every_, last + 1), c, a);
  Eigen::VectorXd g(static_cast<Eigen::Index>(setup_.directions.size()));
  for (std::size_t p = 0; p < setup_.directions.size(); ++p)
    g(static_cast<Eigen::Index>(p)) =
        a.theta(setup_.directions[p].first, setup_.directions[p].second);
  return g;
}

int checkpoint_interval(int checkpoint_every, std::int64_t trials) {
  if (checkpoint_every > 0) return checkpoint_every;
  return std::max(1, static_cast<int>(std::lround(std::sqrt(static_cast<double>(trials)))));
}

// Forward mode's cost grows by about one primal trial per coefficient; reverse mode costs about
// four primal trials whatever P (the forward sweep, the stretch run again, the replay, the
// sweep). Measured, the two are even near P = 3 (docs/meta-learning.md).
bool use_adjoint(GradientEngine engine, std::size_t directions) {
  switch (engine) {
    case GradientEngine::Forward:
      return false;
    case GradientEngine::Adjoint:
      return true;
    case GradientEngine::Auto:
      break;
  }
  return directions > 2;
}

}  // namespace neohebb::core
