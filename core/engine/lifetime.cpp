#include "core/engine/lifetime.hpp"

#include <algorithm>
#include <cmath>
#include <new>
#include <random>

#include <fmt/format.h>

#include "core/engine/seeding.hpp"
#include "core/support/errors.hpp"

namespace neohebb::core {

template <class S>
Lifetime<S>::Lifetime(const Setup<S>& setup, std::uint64_t seed, const sdk::Mat<S>& theta,
                      LifetimeOptions options)
    : Lifetime(setup, seed, theta, S(setup.eligibility.tau_e), options) {}

template <class S>
Lifetime<S>::Lifetime(const Setup<S>& setup, std::uint64_t seed, const sdk::Mat<S>& theta,
                      const S& tau_e, LifetimeOptions options)
    : Lifetime(setup, seed, theta, tau_e, {}, options) {}

template <class S>
Lifetime<S>::Lifetime(const Setup<S>& setup, std::uint64_t seed, const sdk::Mat<S>& theta,
                      const S& tau_e, const std::vector<S>& rule, LifetimeOptions options)
    : setup_(setup),
      seed_(seed),
      options_(options),
      stepper_(*setup.neuron, setup.network),
      N_(setup.network.size),
      T_(setup.layout.steps),
      K_(setup.trace->pre_terms()),
      first_trace_step_(setup.eligibility.start_step) {
  sdk::Rng net_rng(stream_seed(seed, Stream::Network));
  initial_ = initial_weights(setup.network, setup.layout.inputs, setup.layout.outputs, net_rng);
  state_.W = initial_.W.cast<S>();
  state_.W_in = initial_.W_in.cast<S>();
  state_.W_out = initial_.W_out.cast<S>();
  theta_t_ = theta.transpose();
  tangents_.P = options.tangents ? setup.tangent_directions() : 0;
  if (setup.learn_tau_e && options.tangents)
    tau_direction_ = static_cast<int>(setup.directions.size());
  state_.rule = setup.make_rule();
  learn_rule_parameters(rule);
  state_.rule->begin_lifetime(setup.layout.conditions, tangents_.P);
  weigh_trace(tau_e);
  allocate_workspace();
  if (tangents_.P > 0 || options.adjoint) allocate_trajectory();
  if (tangents_.P > 0) allocate_tangents();
}

// [meta] learn_rule: the rule takes the learned values (or those it was built with) and the last
// directions for them.
template <class S>
void Lifetime<S>::learn_rule_parameters(const std::vector<S>& values) {
  const auto& which = setup_.rule_parameters;
  if (which.empty()) return;
  std::vector<S> v = values;
  if (v.empty())
    for (const auto& p : setup_.rule_learned) v.push_back(S(p.value));
  if (v.size() != which.size())
    throw RunError(
        fmt::format("the rule has {} learned parameters, given {} values", which.size(), v.size()));
  state_.rule->learn_parameters(which, v.data());
}

namespace {
// lambda^n for the trace's decay lambda = 1 - dt / tau_e (1 when tau_e is infinite); in real
// arithmetic whenever tau_e is real, so that a complex lifetime weighs its trace as a real one.
template <class S>
S decay_power(const S& tau_e, double dt, int n) {
  if constexpr (sdk::is_complex_v<S>) {
    if (tau_e.imag() != 0) return std::pow(S(1.0) - dt / tau_e, n);
    return S(decay_power(tau_e.real(), dt, n));
  } else {
    return std::pow(std::isinf(tau_e) ? 1.0 : 1.0 - dt / tau_e, n);
  }
}
}  // namespace

// The trace's weights w_t = c lambda^(T-1-t) and, when log tau_e is learned (a derivative is
// taken), dw_t/dlog tau_e = c (T-1-t) lambda^(T-2-t) dt / tau_e. A learned tau_e (differentiated,
// or moved from the experiment's) must stay above dt, where the trace still decays: below it a
// meta-step has gone too far, like a divergence.
template <class S>
void Lifetime<S>::weigh_trace(const S& tau_e) {
  const double dt = setup_.neuron->dt(), tau = sdk::real_part(tau_e);
  const double c = setup_.eligibility.scale_by_dt ? dt : 1.0;
  const bool learned = setup_.learn_tau_e && (options_.tangents || options_.adjoint);
  if ((learned || (setup_.learn_tau_e && tau != setup_.eligibility.tau_e)) &&
      !(tau > dt && std::isfinite(tau)))
    throw DivergenceError(0, fmt::format("tau_e = {:.6g} ms: a learned tau_e must be finite and "
                                         "above the step dt = {:.6g} ms",
                                         tau, dt));
  trace_weight_.resize(static_cast<std::size_t>(T_));
  trace_weight_tau_.assign(learned ? static_cast<std::size_t>(T_) : 0, S(0));
  for (int t = 0; t < T_; ++t) {
    trace_weight_[static_cast<std::size_t>(t)] = c * decay_power(tau_e, dt, T_ - 1 - t);
    if (learned && t < T_ - 1)
      trace_weight_tau_[static_cast<std::size_t>(t)] =
          S(c * (T_ - 1 - t)) * decay_power(tau_e, dt, T_ - 2 - t) * (dt / tau_e);
  }
}

template <class S>
void Lifetime<S>::allocate_trajectory() {
  work_.xs.setZero(N_, T_ + 1);
  work_.currents.setZero(N_, T_);
  work_.rates.setZero(N_, T_);
  work_.deviations.setZero(N_, T_);
}

template <class S>
void Lifetime<S>::allocate_workspace() {
  const int M = T_ - first_trace_step_, L = setup_.trace->post_terms(),
            n_out = setup_.layout.outputs;
  auto& w = work_;
  state_.xbar.setZero(N_);
  for (auto* v : {&w.x, &w.x_next, &w.r, &w.d, &w.current, &w.kick}) v->setZero(N_);
  w.drive.setZero(N_, T_);
  w.pre_stack.setZero(N_, M * K_);
  w.post_stack.setZero(N_, M * K_);
  w.post_basis.setZero(N_, L);
  w.e.setZero(N_, N_);
  w.mu.setZero(N_, N_);
  w.z.setZero(n_out, T_);
  w.dR_dz.setZero(n_out, T_);
  w.dlogpi_dz.setZero(n_out, T_);
  tangents_.dR_task.setZero(tangents_.P);
  tangents_.dlogpi.setZero(tangents_.P);
}

// Perturbations are rare (p ~ 0.003 per unit and step), so the gaps between them are drawn from
// the geometric distribution over the flattened (step, unit) index instead of one draw per unit.
template <class S>
void Lifetime<S>::draw_kicks(sdk::Rng& rng) {
  auto& kicks = work_.kicks;
  kicks.clear();
  const auto& ex = setup_.exploration;
  if (ex.probability <= 0 || ex.amplitude <= 0 || ex.start_step >= T_) return;
  const std::int64_t slots = std::int64_t(T_ - ex.start_step) * N_;
  std::geometric_distribution<std::int64_t> gap(ex.probability);
  const bool every = ex.probability >= 1;
  for (std::int64_t k = every ? 0 : gap(rng.engine()); k < slots;
       k += 1 + (every ? 0 : gap(rng.engine()))) {
    const double v = ex.distribution == Distribution::Normal
                         ? ex.amplitude * rng.normal()
                         : rng.uniform(-ex.amplitude, ex.amplitude);
    kicks.push_back({ex.start_step + static_cast<int>(k / N_), static_cast<int>(k % N_), v});
  }
}

// The state at a trial's start; a running average carried over keeps its tangent, x's is zero
// (the initial state does not depend on theta).
template <class S>
void Lifetime<S>::start_trial(sdk::Rng& init_rng) {
  stepper_.initial_state(init_rng, work_.x);
  const bool reset = setup_.eligibility.reset_average || state_.trial == 0;
  if (reset) state_.xbar = work_.x;
  if (tangents_.P == 0) return;
  tangent_work_.X.setZero();
  if (reset) tangents_.Xbar.setZero();
}

// The primal trial: Euler steps of the network, the running average, and the trace factors of
// every accumulated step stacked side by side for one product at the end.
template <class S>
void Lifetime<S>::integrate() {
  const auto& el = setup_.eligibility;
  const bool kick_post = el.postsynaptic == Postsynaptic::Perturbation;
  const double beta = el.average_beta;
  const auto& neuron = *setup_.neuron;
  const auto& trace = *setup_.trace;
  const bool record = tangents_.P > 0 || options_.adjoint;
  auto& w = work_;
  neuron.rate(w.x, w.r);
  std::size_t next_kick = 0;
  for (int t = 0; t < T_; ++t) {
    stepper_.input_current(state_.W, w.r, w.drive.col(t), w.current);
    if (kick_post) w.kick.setZero();
    for (; next_kick < w.kicks.size() && w.kicks[next_kick].step == t; ++next_kick) {
      w.current(w.kicks[next_kick].unit) += w.kicks[next_kick].value;
      if (kick_post) w.kick(w.kicks[next_kick].unit) = w.kicks[next_kick].value;
    }
    stepper_.advance(w.x, w.current, w.x_next);
    if (kick_post) {  // node perturbation: the trace's postsynaptic variable is the kick
      w.d = w.kick;
      state_.xbar = beta * state_.xbar + (1.0 - beta) * w.x_next;
    } else if (el.deviation == Deviation::BeforeAverage) {
      w.d = state_.xbar - w.x_next;
      state_.xbar = beta * state_.xbar + (1.0 - beta) * w.x_next;
    } else {
      state_.xbar = beta * state_.xbar + (1.0 - beta) * w.x_next;
      w.d = state_.xbar - w.x_next;
    }
    if (t >= first_trace_step_) {
      const Eigen::Index col = Eigen::Index(t - first_trace_step_) * K_;
      trace.pre_basis(w.r, w.pre_stack.middleCols(col, K_));  // the rate that drove this step
      trace.post_basis(w.d, w.post_basis);
      w.post_stack.middleCols(col, K_).noalias() =
          (trace_weight_[static_cast<std::size_t>(t)] * w.post_basis) * theta_t_;
    }
    if (record) {
      w.xs.col(t) = w.x;
      w.currents.col(t) = w.current;
      w.rates.col(t) = w.r;
      w.deviations.col(t) = w.d;
    }
    w.x.swap(w.x_next);
    neuron.rate(w.x, w.r);
    w.z.col(t).noalias() = state_.W_out * w.r;
  }
  if (record) w.xs.col(T_) = w.x;
}

// A plugin's exception gets the trial it happened in; the host's own errors name it already.
template <class S>
TrialRecord Lifetime<S>::run_trial() {
  return guarded_trial(true);
}

template <class S>
TrialRecord Lifetime<S>::replay_trial() {
  return guarded_trial(false);
}

template <class S>
TrialRecord Lifetime<S>::guarded_trial(bool update) {
  try {
    return simulate_trial(update);
  } catch (const RunError&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw std::bad_alloc();             // said in words where the thread count is known
  } catch (const std::length_error&) {  // a size beyond what a vector can hold
    throw std::bad_alloc();
  } catch (const std::exception& e) {
    throw RunError(fmt::format("trial {}: {}", state_.trial, e.what()));
  }
}

// The reward of the trial's output: the task's, or (reward = "policy") that of an action drawn
// from the task's policy.
template <class S>
void Lifetime<S>::score(TrialRecord& rec) {
  const auto& task = *setup_.task;
  auto& s = state_;
  s.task_reward = task.reward(work_.spec, work_.z);
  s.reward = s.task_reward;
  s.action = -1;
  s.log_policy = S(0);
  if (setup_.reward == RewardSource::Policy) {
    sdk::Rng policy_rng(stream_seed(seed_, Stream::Policy, s.trial));
    const auto* forced = options_.forced_actions;
    s.action = forced && static_cast<std::size_t>(s.trial) < forced->size()
                   ? (*forced)[static_cast<std::size_t>(s.trial)]
                   : task.sample_action(work_.spec, work_.z, policy_rng);
    s.reward = S(task.action_reward(work_.spec, s.action));
    s.log_policy = task.log_policy(work_.spec, work_.z, s.action);
  }
  if (!sdk::is_finite(s.task_reward))
    throw DivergenceError(
        s.trial,
        fmt::format("trial {}: the reward is not finite (the network's output diverged)", s.trial));
  rec = {s.trial,
         work_.spec.condition,
         sdk::real_part(s.reward),
         task.correct(work_.spec, work_.z),
         sdk::real_part(s.rule->baseline(work_.spec.condition)),
         s.rule->plastic(s.trial),
         s.action,
         sdk::real_part(s.log_policy),
         sdk::real_part(s.task_reward)};
}

// The rule's update of W (and of its tangents), then the end of the trial for the rule.
template <class S>
void Lifetime<S>::update_weights(const TrialRecord& rec) {
  auto& s = state_;
  const int P = tangents_.P;
  const sdk::TrialOutcome<S> outcome{s.trial, work_.spec.condition, s.reward};
  // The reward that drives plasticity: the task's (its tangent is dR_task) or an action's (a
  // constant once the action is drawn).
  const Eigen::VectorXd dR =
      setup_.reward == RewardSource::Policy ? Eigen::VectorXd::Zero(P) : tangents_.dR_task;
  if (rec.plastic) {
    s.rule->weight_update(outcome, work_.e, s.W, work_.mu);
    if (P > 0) update_tangents(outcome, dR);
    s.W += work_.mu;
    if (!s.W.allFinite())
      throw DivergenceError(
          s.trial,
          fmt::format("trial {}: the weights W are no longer finite after the update", s.trial));
  }
  std::vector<S> dR_s(static_cast<std::size_t>(P));
  for (int p = 0; p < P; ++p) dR_s[static_cast<std::size_t>(p)] = S(dR(p));
  s.rule->end_trial(outcome, P > 0 ? dR_s.data() : nullptr);
}

// A trial; without `update` (a replay) the rule neither changes W nor ends the trial.
template <class S>
TrialRecord Lifetime<S>::simulate_trial(bool update) {
  const std::int64_t h = state_.trial;
  sdk::Rng task_rng(stream_seed(seed_, Stream::Task, h));
  sdk::Rng init_rng(stream_seed(seed_, Stream::InitialState, h));
  sdk::Rng explore_rng(stream_seed(seed_, Stream::Exploration, h));
  setup_.task->make_trial(h, task_rng, work_.spec);
  if constexpr (sdk::is_complex_v<S>)
    work_.drive = (initial_.W_in * work_.spec.input).template cast<S>();
  else
    work_.drive.noalias() = initial_.W_in * work_.spec.input;
  draw_kicks(explore_rng);
  start_trial(init_rng);
  integrate();
  work_.e.noalias() = work_.post_stack * work_.pre_stack.transpose();
  TrialRecord rec;
  score(rec);
  if (tangents_.P > 0 || options_.adjoint) {
    setup_.task->reward_gradient(work_.spec, work_.z, work_.dR_dz);
    if (state_.action >= 0)
      setup_.task->log_policy_gradient(work_.spec, work_.z, state_.action, work_.dlogpi_dz);
  }
  if (tangents_.P > 0) propagate_tangents();
  if (!update) return rec;
  update_weights(rec);
  ++state_.trial;
  return rec;
}

template class Lifetime<sdk::Real>;

Lifetime<sdk::Real> traced_lifetime(const Setup<sdk::Real>& setup, std::uint64_t seed,
                                    const TraceParameters& trace, LifetimeOptions options) {
  return Lifetime<sdk::Real>(setup, seed, trace.theta, trace.tau_e_in(setup), trace.rule, options);
}

template class Lifetime<sdk::Complex>;

}  // namespace neohebb::core
