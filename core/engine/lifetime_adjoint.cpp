// Reverse mode through one trial (docs/meta-learning.md, "Reverse mode"): the adjoint of W at
// the next trial's start is pulled back through the rule's end of trial and update (the rule's
// vector-Jacobian products), through the eligibility trace (two stacked products) and through the
// T Euler steps in reverse (one W^T v per step). What reaches W_h, the rule's state before the
// trial and a carried running average is left in the AdjointState for the trial before.
#include "core/engine/lifetime.hpp"

#include <algorithm>

namespace neohebb::core {

template <class S>
LifetimeCheckpoint Lifetime<S>::save() const {
  LifetimeCheckpoint c;
  c.trial = state_.trial;
  c.W = state_.W;
  if (!setup_.eligibility.reset_average) c.xbar = state_.xbar;  // else reset by the trial
  c.rule_state.resize(static_cast<std::size_t>(state_.rule->state_size()));
  state_.rule->save_state(c.rule_state.data());
  return c;
}

template <class S>
void Lifetime<S>::restore(const LifetimeCheckpoint& c) {
  state_.trial = c.trial;
  state_.W = c.W;
  if (!setup_.eligibility.reset_average) state_.xbar = c.xbar;
  state_.rule->load_state(c.rule_state.data());
}

template <class S>
void Lifetime<S>::allocate_adjoint() {
  const Eigen::Index M = T_ - first_trace_step_, L = setup_.trace->post_terms();
  auto& w = adjoint_work_;
  w.G.setZero(N_, N_);
  w.W_bar.setZero(N_, N_);
  w.P_bar.setZero(N_, std::max<Eigen::Index>(M, 0) * K_);
  w.A_bar.setZero(N_, std::max<Eigen::Index>(M, 0) * K_);
  w.I_bar.setZero(N_, T_);
  w.z_bar.setZero(setup_.layout.outputs, T_);
  w.B_bar.setZero(N_, L);
  w.theta_bar.setZero(K_, L);
  w.theta_bar_step.setZero(K_, L);
  w.pre_derivative.setZero(N_, K_);
  w.post_derivative.setZero(N_, L);
  for (auto* v : {&w.x_bar, &w.r_bar, &w.xbar_bar, &w.d_bar, &w.Fx, &w.FI, &w.slope})
    v->setZero(N_);
}

// The rule's end of trial and update, transposed: G = dJ/de_T, and what flows into W_h, the
// rule's state before the trial and the reward that drove plasticity (R_bar).
template <class S>
void Lifetime<S>::adjoint_rule(AdjointState& a, double& R_bar) {
  auto& w = adjoint_work_;
  auto& rule = *state_.rule;
  const sdk::TrialOutcome<S> o{state_.trial, work_.spec.condition, state_.reward};
  rule.end_trial_adjoint(o, a.rule.data(), R_bar, a.rule_parameters.data());
  if (!rule.plastic(state_.trial)) {
    w.G.setZero();
    return;
  }
  rule.weight_update_adjoint(o, work_.e, state_.W, a.W, w.G, w.W_bar, R_bar, a.rule.data(),
                             a.rule_parameters.data());
  a.W += w.W_bar;  // W_h+1 = W_h + mu(.., W_h): the identity path keeps a.W
}

// e_T = sum_t P_t A_t^T with P_t = w_t B_t theta^T: dJ/dP_t = G A_t and dJ/dA_t = G^T P_t for
// every step at once, two products with the stacked factors of the primal trial.
template <class S>
void Lifetime<S>::adjoint_trace() {
  if (T_ <= first_trace_step_) return;
  auto& w = adjoint_work_;
  w.P_bar.noalias() = w.G * work_.pre_stack;
  w.A_bar.noalias() = w.G.transpose() * work_.post_stack;
}

// Step t in reverse. On entry x_bar and r_bar hold what steps t+1.. read of x_t+1 and r_t+1
// (through F_x, W r_t+1 and a(r_t+1)) and xbar_bar the adjoint of xbar_t+1; on exit the same
// one step earlier, with I_bar(:, t) = dJ/dI_t.
template <class S>
void Lifetime<S>::adjoint_step(int t) {
  const auto& el = setup_.eligibility;
  const double beta = el.average_beta;
  const auto& neuron = *setup_.neuron;
  const auto& trace = *setup_.trace;
  auto& w = adjoint_work_;
  w.r_bar.noalias() += state_.W_out.transpose() * w.z_bar.col(t);  // z_t = W_out r_t+1
  neuron.rate_derivative(work_.xs.col(t + 1), w.slope);
  w.x_bar += w.slope.cwiseProduct(w.r_bar);
  const bool traced = t >= first_trace_step_;
  w.d_bar.setZero();
  if (traced) {  // theta's and d_t's share of P_t = w_t B_t theta^T
    const Eigen::Index col = Eigen::Index(t - first_trace_step_) * K_;
    const double wt = trace_weight_[static_cast<std::size_t>(t)];
    const auto P_bar = w.P_bar.middleCols(col, K_);
    trace.post_basis(work_.deviations.col(t), work_.post_basis);
    trace.post_basis_derivative(work_.deviations.col(t), w.post_derivative);
    if (trace_weight_tau_.empty()) {
      w.theta_bar.noalias() += wt * P_bar.transpose() * work_.post_basis;
    } else {  // w_t's share: dJ/dw_t = <P_bar_t^T B_t, theta>, times dw_t/dlog tau_e
      w.theta_bar_step.noalias() = P_bar.transpose() * work_.post_basis;
      w.theta_bar += wt * w.theta_bar_step;
      w.log_tau_e_bar += trace_weight_tau_[static_cast<std::size_t>(t)] *
                         (w.theta_bar_step.array() * theta_t_.transpose().array()).sum();
    }
    w.B_bar.noalias() = wt * P_bar * theta_t_.transpose();
    w.d_bar = w.B_bar.cwiseProduct(w.post_derivative).rowwise().sum();
  }
  if (el.postsynaptic == Postsynaptic::Perturbation) {  // d_t is the kick: a constant
    w.x_bar += (1.0 - beta) * w.xbar_bar;
    w.xbar_bar *= beta;
  } else if (el.deviation == Deviation::BeforeAverage) {  // d_t = xbar_t - x_t+1
    w.x_bar += (1.0 - beta) * w.xbar_bar - w.d_bar;
    w.xbar_bar = beta * w.xbar_bar + w.d_bar;
  } else {  // d_t = xbar_t+1 - x_t+1
    w.xbar_bar += w.d_bar;
    w.x_bar += (1.0 - beta) * w.xbar_bar - w.d_bar;
    w.xbar_bar *= beta;
  }
  for (int u : setup_.network.clamped_units) w.x_bar(u) = 0;  // held, whatever F gave
  neuron.step_partials(work_.xs.col(t), work_.currents.col(t), w.Fx, w.FI);
  w.I_bar.col(t) = w.FI.cwiseProduct(w.x_bar);
  w.x_bar = w.Fx.cwiseProduct(w.x_bar);
  w.r_bar.noalias() = state_.W.transpose() * w.I_bar.col(t);  // I_t = W r_t + drive_t
  if (traced) {                                               // a(r_t) in A_t
    const Eigen::Index col = Eigen::Index(t - first_trace_step_) * K_;
    trace.pre_basis_derivative(work_.rates.col(t), w.pre_derivative);
    w.r_bar += w.A_bar.middleCols(col, K_).cwiseProduct(w.pre_derivative).rowwise().sum();
  }
}

// The steps in reverse; x_0 and r_0 do not depend on theta, xbar_0 does when carried over.
template <class S>
void Lifetime<S>::adjoint_steps(AdjointState& a) {
  auto& w = adjoint_work_;
  const bool carried = !setup_.eligibility.reset_average;
  w.x_bar.setZero();
  w.r_bar.setZero();
  if (carried)
    w.xbar_bar = a.xbar;
  else
    w.xbar_bar.setZero();
  w.theta_bar.setZero();
  w.log_tau_e_bar = 0;
  for (int t = T_ - 1; t >= 0; --t) adjoint_step(t);
  a.W.noalias() += w.I_bar * work_.rates.transpose();  // sum_t dJ/dI_t r_t^T, one product
  a.theta += w.theta_bar;
  a.log_tau_e += w.log_tau_e_bar;
  if (carried) a.xbar = w.xbar_bar;
}

template <class S>
void Lifetime<S>::adjoint_trial(AdjointState& a, double weight) {
  if (adjoint_work_.G.rows() != N_) allocate_adjoint();
  double R_bar = 0;
  adjoint_rule(a, R_bar);
  // The output's adjoint: the trial's own term, and (pathwise) the task reward's share in the
  // update and the baseline; a policy's reward is a constant once the action is drawn.
  if (setup_.reward == RewardSource::Policy)
    adjoint_work_.z_bar = weight * work_.dlogpi_dz;
  else
    adjoint_work_.z_bar = (weight + R_bar) * work_.dR_dz;
  adjoint_trace();
  adjoint_steps(a);
}

#define NEOHEBB_LIFETIME_ADJOINT(S)                                \
  template LifetimeCheckpoint Lifetime<S>::save() const;           \
  template void Lifetime<S>::restore(const LifetimeCheckpoint&);   \
  template void Lifetime<S>::allocate_adjoint();                   \
  template void Lifetime<S>::adjoint_rule(AdjointState&, double&); \
  template void Lifetime<S>::adjoint_trace();                      \
  template void Lifetime<S>::adjoint_step(int);                    \
  template void Lifetime<S>::adjoint_steps(AdjointState&);         \
  template void Lifetime<S>::adjoint_trial(AdjointState&, double);
// Reverse mode runs in real arithmetic only; the complex step checks it from outside.
NEOHEBB_LIFETIME_ADJOINT(sdk::Real)
#undef NEOHEBB_LIFETIME_ADJOINT

}  // namespace neohebb::core
