#include "neohebb/core/lifetime.hpp"

#include <cmath>
#include <random>

#include <fmt/format.h>

#include "neohebb/core/errors.hpp"
#include "neohebb/core/seeding.hpp"

namespace neohebb::core {

template <class S>
Lifetime<S>::Lifetime(const Setup<S>& setup, std::uint64_t seed, const sdk::Mat<S>& theta)
    : setup_(setup),
      seed_(seed),
      N_(setup.network.size),
      T_(setup.layout.steps),
      K_(setup.trace->pre_terms()),
      first_trace_step_(setup.eligibility.start_step) {
  sdk::Rng net_rng(stream_seed(seed, Stream::Network));
  initial_ = initial_weights(setup.network, setup.layout.inputs, setup.layout.outputs, net_rng);
  W_ = initial_.W.cast<S>();
  W_in_ = initial_.W_in.cast<S>();
  W_out_ = initial_.W_out.cast<S>();
  theta_t_ = theta.transpose();
  rule_ = setup.make_rule();
  rule_->begin_lifetime(setup.layout.conditions, 0);

  const int M = T_ - first_trace_step_;
  const double dt = setup.neuron->dt();
  const double lambda =
      std::isinf(setup.eligibility.tau_e) ? 1.0 : 1.0 - dt / setup.eligibility.tau_e;
  const double c = setup.eligibility.scale_by_dt ? dt : 1.0;
  trace_weight_.resize(static_cast<std::size_t>(T_));
  for (int t = 0; t < T_; ++t)
    trace_weight_[static_cast<std::size_t>(t)] = c * std::pow(lambda, T_ - 1 - t);

  for (auto* v : {&x_, &x_next_, &xbar_, &r_, &d_, &current_}) v->setZero(N_);
  drive_.setZero(N_, T_);
  pre_stack_.setZero(N_, M * K_);
  post_stack_.setZero(N_, M * K_);
  post_basis_.setZero(N_, setup.trace->post_terms());
  e_.setZero(N_, N_);
  mu_.setZero(N_, N_);
  z_.setZero(setup.layout.outputs, T_);
}

// Perturbations are rare (p ~ 0.003 per unit and step), so the gaps between them are drawn from
// the geometric distribution over the flattened (step, unit) index instead of one draw per unit.
template <class S>
void Lifetime<S>::draw_kicks(sdk::Rng& rng) {
  kicks_.clear();
  const auto& ex = setup_.exploration;
  if (ex.probability <= 0 || ex.amplitude <= 0 || ex.start_step >= T_) return;
  const std::int64_t slots = std::int64_t(T_ - ex.start_step) * N_;
  std::geometric_distribution<std::int64_t> gap(ex.probability);
  for (std::int64_t k = ex.probability >= 1 ? 0 : gap(rng.engine()); k < slots;
       k += 1 + (ex.probability >= 1 ? 0 : gap(rng.engine()))) {
    const double v =
        ex.normal ? ex.amplitude * rng.normal() : rng.uniform(-ex.amplitude, ex.amplitude);
    kicks_.push_back({ex.start_step + static_cast<int>(k / N_), static_cast<int>(k % N_), v});
  }
}

template <class S>
void Lifetime<S>::clamp(sdk::Vec<S>& x) const {
  const auto& net = setup_.network;
  for (std::size_t i = 0; i < net.clamped_units.size(); ++i)
    x(net.clamped_units[i]) = S(net.clamped_values[i]);
}

template <class S>
void Lifetime<S>::initial_state(sdk::Rng& rng) {
  const double a = setup_.network.initial_state;
  for (int i = 0; i < N_; ++i) x_(i) = a > 0 ? S(rng.uniform(-a, a)) : S(0);
  clamp(x_);
  if (setup_.eligibility.reset_average || trial_ == 0) xbar_ = x_;
}

// The primal trial: Euler steps of the network, the running average, and the trace factors of
// every accumulated step stacked side by side for one product at the end.
template <class S>
void Lifetime<S>::integrate() {
  const auto& el = setup_.eligibility;
  const double beta = el.average_beta;
  const auto& neuron = *setup_.neuron;
  const auto& trace = *setup_.trace;
  setup_.neuron->rate(x_, r_);
  std::size_t next_kick = 0;
  for (int t = 0; t < T_; ++t) {
    current_.noalias() = W_ * r_;
    current_ += drive_.col(t);
    for (; next_kick < kicks_.size() && kicks_[next_kick].step == t; ++next_kick)
      current_(kicks_[next_kick].unit) += kicks_[next_kick].value;
    neuron.step(x_, current_, x_next_);
    clamp(x_next_);
    if (el.deviation_before_average) {
      d_ = xbar_ - x_next_;
      xbar_ = beta * xbar_ + (1.0 - beta) * x_next_;
    } else {
      xbar_ = beta * xbar_ + (1.0 - beta) * x_next_;
      d_ = xbar_ - x_next_;
    }
    if (t >= first_trace_step_) {
      const Eigen::Index col = Eigen::Index(t - first_trace_step_) * K_;
      trace.pre_basis(r_, pre_stack_.middleCols(col, K_));  // the rate that drove this step
      trace.post_basis(d_, post_basis_);
      post_stack_.middleCols(col, K_).noalias() =
          (S(trace_weight_[static_cast<std::size_t>(t)]) * post_basis_) * theta_t_;
    }
    x_.swap(x_next_);
    neuron.rate(x_, r_);
    z_.col(t).noalias() = W_out_ * r_;
  }
}

template <class S>
TrialRecord Lifetime<S>::run_trial() {
  sdk::Rng task_rng(stream_seed(seed_, Stream::Task, trial_));
  sdk::Rng init_rng(stream_seed(seed_, Stream::InitialState, trial_));
  sdk::Rng explore_rng(stream_seed(seed_, Stream::Exploration, trial_));
  setup_.task->make_trial(trial_, task_rng, spec_);
  if constexpr (sdk::is_complex_v<S>)
    drive_ = (initial_.W_in * spec_.input).template cast<S>();
  else
    drive_.noalias() = initial_.W_in * spec_.input;
  draw_kicks(explore_rng);
  initial_state(init_rng);
  integrate();
  e_.noalias() = post_stack_ * pre_stack_.transpose();

  const sdk::TrialOutcome<S> outcome{trial_, spec_.condition, setup_.task->reward(spec_, z_)};
  TrialRecord rec{trial_,
                  spec_.condition,
                  sdk::real_part(outcome.reward),
                  setup_.task->correct(spec_, z_),
                  sdk::real_part(rule_->baseline(spec_.condition)),
                  rule_->plastic(trial_)};
  if (!sdk::is_finite(outcome.reward))
    throw RunError(
        fmt::format("trial {}: the reward is not finite (the network's output diverged)", trial_));
  if (rec.plastic) {
    rule_->weight_update(outcome, e_, W_, mu_);
    W_ += mu_;
    if (!W_.allFinite())
      throw RunError(
          fmt::format("trial {}: the weights W are no longer finite after the update", trial_));
  }
  rule_->end_trial(outcome, nullptr);
  ++trial_;
  return rec;
}

template class Lifetime<sdk::Real>;
template class Lifetime<sdk::Complex>;

}  // namespace neohebb::core
