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
                                 const std::vector<int>* forced_actions,
                                 std::optional<double> tau_e, const std::vector<double>& rule)
    : setup_(setup),
      every_(std::max(1, checkpoint_every)),
      life_(setup, seed, theta, tau_e.value_or(setup.eligibility.tau_e), rule,
            adjoint_options(forced_actions)) {}

void AdjointLifetime::hold(const LifetimeCheckpoint& c) {
  held_ += static_cast<std::size_t>(c.W.size() + c.xbar.size()) + c.rule_state.size();
  peak_ = std::max(peak_, held_);
}

TrialRecord AdjointLifetime::run_trial() {
  if (trials_ % every_ == 0) {
    checkpoints_.push_back(life_.save());
    hold(checkpoints_.back());
  }
  ++trials_;
  return life_.run_trial();
}

// Trials [first, end) of one stretch: run again from its checkpoint keeping each later trial's
// start, then each replayed and swept, last first. The stretch's first trial starts from the
// checkpoint itself, so a stretch keeps c - 1 starts besides the checkpoints.
void AdjointLifetime::sweep_stretch(std::int64_t first, std::int64_t end,
                                    const std::vector<double>& c, AdjointState& a) {
  const LifetimeCheckpoint& checkpoint = checkpoints_[static_cast<std::size_t>(first / every_)];
  life_.restore(checkpoint);
  std::vector<LifetimeCheckpoint> starts;  // of trials first + 1 .. end - 1
  const std::size_t held_before = held_;
  for (std::int64_t h = first + 1; h < end; ++h) {
    life_.run_trial();
    starts.push_back(life_.save());
    hold(starts.back());
  }
  for (std::int64_t h = end - 1; h >= first; --h) {
    life_.restore(h == first ? checkpoint : starts[static_cast<std::size_t>(h - first - 1)]);
    life_.replay_trial();
    life_.adjoint_trial(a, c[static_cast<std::size_t>(h)]);
  }
  held_ = held_before;
}

TraceGradient AdjointLifetime::trace_gradient(const std::vector<double>& c) {
  const auto N = static_cast<Eigen::Index>(setup_.network.size);
  AdjointState a;
  a.W.setZero(N, N);
  a.xbar.setZero(N);
  a.theta.setZero(setup_.trace->pre_terms(), setup_.trace->post_terms());
  a.rule_parameters.assign(setup_.rule_parameters.size(), 0.0);
  if (!checkpoints_.empty()) a.rule.assign(checkpoints_.front().rule_state.size(), 0.0);
  // Trials after the last one with a weight contribute nothing: the sweep starts there.
  std::int64_t last = std::min<std::int64_t>(trials_, static_cast<std::int64_t>(c.size())) - 1;
  while (last >= 0 && c[static_cast<std::size_t>(last)] == 0) --last;
  for (std::int64_t first = last >= 0 ? last / every_ * every_ : -1; first >= 0; first -= every_)
    sweep_stretch(first, std::min<std::int64_t>(first + every_, last + 1), c, a);
  return {std::move(a.theta), a.log_tau_e, std::move(a.rule_parameters)};
}

Eigen::VectorXd AdjointLifetime::gradient(const std::vector<double>& c) {
  const TraceGradient all = trace_gradient(c);
  Eigen::VectorXd g(setup_.tangent_directions());
  for (std::size_t p = 0; p < setup_.directions.size(); ++p)
    g(static_cast<Eigen::Index>(p)) =
        all.theta(setup_.directions[p].first, setup_.directions[p].second);
  Eigen::Index next = static_cast<Eigen::Index>(setup_.directions.size());
  if (setup_.learn_tau_e) g(next++) = all.log_tau_e;
  for (double r : all.rule) g(next++) = r;
  return g;
}

}  // namespace neohebb::core
