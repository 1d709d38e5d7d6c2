#include "core/engine/lifetime.hpp"

#include <algorithm>
#include <cmath>
#include <new>
#include <random>

#include <fmt/format.h>

#include "core/engine/seeding.hpp"
#include "core/support/errors.hpp"

namespace neohebb::core {

namespace {
// Rows of the chunk buffers (P N x C K) stay within this many entries (~16 MB of doubles).
constexpr Eigen::Index kChunkEntries = 2'000'000;
}  // namespace

template <class S>
Lifetime<S>::Lifetime(const Setup<S>& setup, std::uint64_t seed, const sdk::Mat<S>& theta,
                      LifetimeOptions options)
    : setup_(setup),
      seed_(seed),
      options_(options),
      N_(setup.network.size),
      T_(setup.layout.steps),
      K_(setup.trace->pre_terms()),
      P_(options.tangents ? static_cast<int>(setup.directions.size()) : 0),
      first_trace_step_(setup.eligibility.start_step) {
  sdk::Rng net_rng(stream_seed(seed, Stream::Network));
  initial_ = initial_weights(setup.network, setup.layout.inputs, setup.layout.outputs, net_rng);
  W_ = initial_.W.cast<S>();
  W_in_ = initial_.W_in.cast<S>();
  W_out_ = initial_.W_out.cast<S>();
  theta_t_ = theta.transpose();
  rule_ = setup.make_rule();
  rule_->begin_lifetime(setup.layout.conditions, P_);

  const int M = T_ - first_trace_step_, L = setup.trace->post_terms(), n_out = setup.layout.outputs;
  const double dt = setup.neuron->dt();
  const double lambda =
      std::isinf(setup.eligibility.tau_e) ? 1.0 : 1.0 - dt / setup.eligibility.tau_e;
  const double c = setup.eligibility.scale_by_dt ? dt : 1.0;
  trace_weight_.resize(static_cast<std::size_t>(T_));
  for (int t = 0; t < T_; ++t)
    trace_weight_[static_cast<std::size_t>(t)] = c * std::pow(lambda, T_ - 1 - t);

  for (auto* v : {&x_, &x_next_, &xbar_, &r_, &d_, &current_, &kick_}) v->setZero(N_);
  drive_.setZero(N_, T_);
  pre_stack_.setZero(N_, M * K_);
  post_stack_.setZero(N_, M * K_);
  post_basis_.setZero(N_, L);
  e_.setZero(N_, N_);
  mu_.setZero(N_, N_);
  z_.setZero(n_out, T_);
  dR_dz_.setZero(n_out, T_);
  dlogpi_dz_.setZero(n_out, T_);
  dR_task_.setZero(P_);
  dlogpi_.setZero(P_);
  if (P_ == 0) return;

  const Eigen::Index PN = Eigen::Index(P_) * N_;
  U_.setZero(PN, N_);
  for (auto* m : {&X_, &X_next_, &Xbar_, &D_, &Rr_, &dI_}) m->setZero(N_, P_);
  G_.setZero(PN, T_);
  E1_.setZero(PN, N_);
  E2_.setZero(PN, N_);
  chunk_steps_ =
      static_cast<int>(std::clamp<Eigen::Index>(kChunkEntries / (PN * K_), 1, std::max(M, 1)));
  L1_chunk_.setZero(PN, Eigen::Index(chunk_steps_) * K_);
  dA_chunk_.setZero(PN, Eigen::Index(chunk_steps_) * K_);
  Ep_.setZero(N_, N_);
  dmu_.setZero(N_, N_);
  Z_.setZero(n_out, P_);
  NL_.setZero(N_, L);
  post_derivative_.setZero(N_, L);
  pre_derivative_.setZero(N_, K_);
  xs_.setZero(N_, T_ + 1);
  currents_.setZero(N_, T_);
  rates_.setZero(N_, T_);
  deviations_.setZero(N_, T_);
  Fx_.setZero(N_);
  FI_.setZero(N_);
  rate_slope_.setZero(N_);
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
  const bool every = ex.probability >= 1;
  for (std::int64_t k = every ? 0 : gap(rng.engine()); k < slots;
       k += 1 + (every ? 0 : gap(rng.engine()))) {
    const double v = ex.distribution == Distribution::Normal
                         ? ex.amplitude * rng.normal()
                         : rng.uniform(-ex.amplitude, ex.amplitude);
    kicks_.push_back({ex.start_step + static_cast<int>(k / N_), static_cast<int>(k % N_), v});
  }
}

template <class S>
template <class V>
void Lifetime<S>::clamp(V&& x) const {
  const auto& net = setup_.network;
  for (std::size_t i = 0; i < net.clamped_units.size(); ++i)
    x.row(net.clamped_units[i]).setConstant(S(net.clamped_values[i]));
}

template <class S>
void Lifetime<S>::initial_state(sdk::Rng& rng) {
  const double a = setup_.network.initial_state;
  for (int i = 0; i < N_; ++i) x_(i) = a > 0 ? S(rng.uniform(-a, a)) : S(0);
  clamp(x_);
  const bool reset = setup_.eligibility.reset_average || trial_ == 0;
  if (reset) xbar_ = x_;
  // The initial state does not depend on theta; a carried-over average keeps its tangent.
  if (P_ > 0) {
    X_.setZero();
    if (reset) Xbar_.setZero();
  }
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
  const bool record = P_ > 0;
  neuron.rate(x_, r_);
  std::size_t next_kick = 0;
  for (int t = 0; t < T_; ++t) {
    current_.noalias() = W_ * r_;
    current_ += drive_.col(t);
    if (kick_post) kick_.setZero();
    for (; next_kick < kicks_.size() && kicks_[next_kick].step == t; ++next_kick) {
      current_(kicks_[next_kick].unit) += kicks_[next_kick].value;
      if (kick_post) kick_(kicks_[next_kick].unit) = kicks_[next_kick].value;
    }
    neuron.step(x_, current_, x_next_);
    clamp(x_next_);
    if (kick_post) {  // node perturbation: the trace's postsynaptic variable is the kick
      d_ = kick_;
      xbar_ = beta * xbar_ + (1.0 - beta) * x_next_;
    } else if (el.deviation == Deviation::BeforeAverage) {
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
    if (record) {
      xs_.col(t) = x_;
      currents_.col(t) = current_;
      rates_.col(t) = r_;
      deviations_.col(t) = d_;
    }
    x_.swap(x_next_);
    neuron.rate(x_, r_);
    z_.col(t).noalias() = W_out_ * r_;
  }
  if (record) xs_.col(T_) = x_;
}

// Adds the chunk's terms of E_p = sum_t dP_t,p A_t^T + P_t dA_t,p^T for all p at once:
// E1 += [dP_t,p]_p,t [A_t]_t^T and E2 += [dA_t,p]_p,t [P_t]_t^T (E2 holds E_p^T).
template <class S>
void Lifetime<S>::flush_eligibility_tangents(int first_step, int steps) {
  if (steps == 0) return;
  const Eigen::Index col = Eigen::Index(first_step - first_trace_step_) * K_,
                     width = Eigen::Index(steps) * K_;
  E1_.noalias() += L1_chunk_.leftCols(width) * pre_stack_.middleCols(col, width).transpose();
  E2_.noalias() += dA_chunk_.leftCols(width) * post_stack_.middleCols(col, width).transpose();
}

// Forward-mode tangents of one trial for every direction p (DESIGN.md section 3), over the
// stored primal trajectory: X_p = dx/dtheta_p, Xbar_p, D_p = dd/dtheta_p, E_p = de_T/dtheta_p,
// and the output tangents Z_p that give dR/dtheta_p and d log pi/dtheta_p.
template <class S>
void Lifetime<S>::propagate_tangents() {
  const auto& el = setup_.eligibility;
  const double beta = el.average_beta;
  const auto& neuron = *setup_.neuron;
  const auto& trace = *setup_.trace;
  const Eigen::Index N = N_;
  // U_p r_t for every p and t: one (P N x N)(N x T) product.
  G_.noalias() = U_ * rates_;
  E1_.setZero();
  E2_.setZero();
  dR_task_.setZero();
  dlogpi_.setZero();
  int chunk_first = first_trace_step_, in_chunk = 0;
  neuron.rate_derivative(xs_.col(0), rate_slope_);
  Rr_ = X_.array().colwise() * rate_slope_.array();  // r'_t * X_p: the rates' tangents
  for (int t = 0; t < T_; ++t) {
    dI_ = Eigen::Map<const sdk::Mat<S>>(G_.col(t).data(), N, P_);
    dI_.noalias() += W_ * Rr_;
    neuron.step_partials(xs_.col(t), currents_.col(t), Fx_, FI_);
    X_next_ = X_.array().colwise() * Fx_.array() + dI_.array().colwise() * FI_.array();
    for (int u : setup_.network.clamped_units) X_next_.row(u).setZero();
    if (el.postsynaptic == Postsynaptic::Perturbation) {  // the kicks do not depend on theta
      Xbar_ = beta * Xbar_ + (1.0 - beta) * X_next_;
      D_.setZero();
    } else if (el.deviation == Deviation::BeforeAverage) {
      D_ = Xbar_ - X_next_;
      Xbar_ = beta * Xbar_ + (1.0 - beta) * X_next_;
    } else {
      Xbar_ = beta * Xbar_ + (1.0 - beta) * X_next_;
      D_ = Xbar_ - X_next_;
    }
    if (t >= first_trace_step_) {
      const S w(trace_weight_[static_cast<std::size_t>(t)]);
      const Eigen::Index col = Eigen::Index(in_chunk) * K_;
      trace.post_basis(deviations_.col(t), post_basis_);
      trace.post_basis_derivative(deviations_.col(t), post_derivative_);
      trace.pre_basis_derivative(rates_.col(t), pre_derivative_);
      for (int p = 0; p < P_; ++p) {
        const auto [k, l] = setup_.directions[static_cast<std::size_t>(p)];
        // dP_t,p = w [ b(d) e_p + (b'(d) * D_p) theta^T ]: the direct term sits in column k.
        NL_ = post_derivative_.array().colwise() * D_.col(p).array();
        auto dP = L1_chunk_.block(Eigen::Index(p) * N, col, N, K_);
        dP.noalias() = (w * NL_) * theta_t_;
        dP.col(k) += w * post_basis_.col(l);
        // dA_t,p = a'(r_t) * (r'_t * X_p)
        dA_chunk_.block(Eigen::Index(p) * N, col, N, K_) =
            pre_derivative_.array().colwise() * Rr_.col(p).array();
      }
      if (++in_chunk == chunk_steps_) {
        flush_eligibility_tangents(chunk_first, in_chunk);
        chunk_first = t + 1;
        in_chunk = 0;
      }
    }
    X_.swap(X_next_);
    // The next step's rate tangents, and through them Z_p = W_out (r'(x_t+1) * X_p); the reward
    // and log-policy tangents follow by the chain rule.
    neuron.rate_derivative(xs_.col(t + 1), rate_slope_);
    Rr_ = X_.array().colwise() * rate_slope_.array();
    Z_.noalias() = W_out_ * Rr_;
    for (int p = 0; p < P_; ++p) {
      dR_task_(p) += sdk::real_part(Z_.col(p).dot(dR_dz_.col(t)));
      if (action_ >= 0) dlogpi_(p) += sdk::real_part(Z_.col(p).dot(dlogpi_dz_.col(t)));
    }
  }
  flush_eligibility_tangents(chunk_first, in_chunk);
}

// A plugin's exception gets the trial it happened in; the host's own errors name it already.
template <class S>
TrialRecord Lifetime<S>::run_trial() {
  try {
    return simulate_trial();
  } catch (const RunError&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw RunError(fmt::format("trial {}: out of memory", trial_));
  } catch (const std::exception& e) {
    throw RunError(fmt::format("trial {}: {}", trial_, e.what()));
  }
}

template <class S>
TrialRecord Lifetime<S>::simulate_trial() {
  sdk::Rng task_rng(stream_seed(seed_, Stream::Task, trial_));
  sdk::Rng init_rng(stream_seed(seed_, Stream::InitialState, trial_));
  sdk::Rng explore_rng(stream_seed(seed_, Stream::Exploration, trial_));
  const auto& task = *setup_.task;
  task.make_trial(trial_, task_rng, spec_);
  if constexpr (sdk::is_complex_v<S>)
    drive_ = (initial_.W_in * spec_.input).template cast<S>();
  else
    drive_.noalias() = initial_.W_in * spec_.input;
  draw_kicks(explore_rng);
  initial_state(init_rng);
  integrate();
  e_.noalias() = post_stack_ * pre_stack_.transpose();

  task_reward_ = task.reward(spec_, z_);
  reward_ = task_reward_;
  action_ = -1;
  log_policy_ = S(0);
  if (setup_.reward == RewardSource::Policy) {
    sdk::Rng policy_rng(stream_seed(seed_, Stream::Policy, trial_));
    const auto* forced = options_.forced_actions;
    action_ = forced && static_cast<std::size_t>(trial_) < forced->size()
                  ? (*forced)[static_cast<std::size_t>(trial_)]
                  : task.sample_action(spec_, z_, policy_rng);
    reward_ = S(task.action_reward(spec_, action_));
    log_policy_ = task.log_policy(spec_, z_, action_);
  }
  if (!sdk::is_finite(task_reward_))
    throw DivergenceError(
        trial_,
        fmt::format("trial {}: the reward is not finite (the network's output diverged)", trial_));
  const sdk::TrialOutcome<S> outcome{trial_, spec_.condition, reward_};
  TrialRecord rec{trial_,
                  spec_.condition,
                  sdk::real_part(reward_),
                  task.correct(spec_, z_),
                  sdk::real_part(rule_->baseline(spec_.condition)),
                  rule_->plastic(trial_),
                  action_,
                  sdk::real_part(log_policy_),
                  sdk::real_part(task_reward_)};
  if (P_ > 0) {
    task.reward_gradient(spec_, z_, dR_dz_);
    if (action_ >= 0) task.log_policy_gradient(spec_, z_, action_, dlogpi_dz_);
    propagate_tangents();
  }
  // The reward that drives plasticity: the task's (its tangent is dR_task) or an action's (a
  // constant once the action is drawn).
  const Eigen::VectorXd dR =
      setup_.reward == RewardSource::Policy ? Eigen::VectorXd::Zero(P_) : dR_task_;
  if (rec.plastic) {
    rule_->weight_update(outcome, e_, W_, mu_);
    for (int p = 0; p < P_; ++p) {
      auto U_p = U_.middleRows(Eigen::Index(p) * N_, N_);
      Ep_ = E1_.middleRows(Eigen::Index(p) * N_, N_) +
            E2_.middleRows(Eigen::Index(p) * N_, N_).transpose();
      rule_->weight_update_tangent(outcome, p, S(dR(p)), e_, Ep_, W_, U_p, dmu_);
      U_p += dmu_;
    }
    W_ += mu_;
    if (!W_.allFinite())
      throw DivergenceError(
          trial_,
          fmt::format("trial {}: the weights W are no longer finite after the update", trial_));
  }
  std::vector<S> dR_s(static_cast<std::size_t>(P_));
  for (int p = 0; p < P_; ++p) dR_s[static_cast<std::size_t>(p)] = S(dR(p));
  rule_->end_trial(outcome, P_ > 0 ? dR_s.data() : nullptr);
  ++trial_;
  return rec;
}

template class Lifetime<sdk::Real>;
template class Lifetime<sdk::Complex>;

}  // namespace neohebb::core
