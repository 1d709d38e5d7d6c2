#pragma once
// One lifetime: a fresh network that learns over H trials with the plasticity rule (the inner
// loop), optionally carrying forward-mode tangents dW/dtheta_p for every learnable coefficient.
//
// The eligibility trace of a trial is one matrix product,
// e_T = sum_t w_t (B_t theta^T) A_t^T = [.. w_t B_t theta^T ..] [.. A_t ..]^T, never per synapse.
// Tangents run after the primal trial over its stored trajectory, all directions together:
// U_p r_t for every p and t is one product, W (r' * X_p) one N x N x P product per step, and
// E_p = sum_t dP_t,p A_t^T + P_t dA_t,p^T two tall products per chunk of steps
// (lifetime_tangents.cpp; the equations are in docs/meta-learning.md).
// Reverse mode restores a trial's start from a checkpoint, replays it and pulls the adjoint of
// W back through its update and its steps (lifetime_adjoint.cpp).
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "core/engine/network.hpp"
#include "core/engine/network_stepper.hpp"
#include "core/engine/setup.hpp"

namespace neohebb::core {

struct TrialRecord {
  std::int64_t trial = 0;
  int condition = 0;
  double reward = 0;  // what drove plasticity (task reward, or the sampled action's reward)
  bool correct = false;
  double baseline = 0;  // the rule's baseline for this condition before the trial's update
  bool plastic = false;
  int action = -1;         // the sampled action (reward = "policy"), else -1
  double log_policy = 0;   // log pi(action | z)
  double task_reward = 0;  // the task's differentiable reward of the output, always
};

struct LifetimeOptions {
  bool tangents = false;  // propagate dW/dtheta_p for Setup::directions
  // Actions to replay instead of sampling (gradient checks hold the actions fixed).
  const std::vector<int>* forced_actions = nullptr;
  bool adjoint = false;  // keep each trial's trajectory, for replay_trial and adjoint_trial
};

// What a trial starts from: enough to replay it and every trial after it.
struct LifetimeCheckpoint {
  std::int64_t trial = 0;
  Eigen::MatrixXd W;
  Eigen::VectorXd xbar;
  std::vector<double> rule_state;
};

// The adjoints the backward sweep carries from trial h+1 to trial h, and what it collects.
struct AdjointState {
  Eigen::MatrixXd W;         // dJ/dW at the start of trial h+1
  std::vector<double> rule;  // dJ/d(the rule's state) at the start of trial h+1
  Eigen::VectorXd xbar;      // dJ/dxbar at the start of trial h+1 (reset_average = false)
  Eigen::MatrixXd theta;     // dJ/dtheta (K x L), summed over the trials swept
  double log_tau_e = 0;      // dJ/dlog tau_e, summed likewise ([meta] learn_tau_e)
  std::vector<double> rule_parameters;  // dJ/du of the rule's learned parameters, likewise
};

// What the lifetime carries from one trial to the next, and the last trial's outcome.
template <class S>
struct PrimalState {
  std::int64_t trial = 0;
  sdk::Mat<S> W, W_in, W_out;  // W plastic; the others fixed
  sdk::Vec<S> xbar;            // the running average (carried over with reset_average = false)
  std::shared_ptr<sdk::PlasticityRule<S>> rule;  // and its state (baselines)
  S reward{}, task_reward{}, log_policy{};
  int action = -1;
};

// The tangents the lifetime carries, one direction p per learnable coefficient, and the last
// trial's derivatives.
template <class S>
struct TangentState {
  int P = 0;
  sdk::Mat<S> U;     // dW/dtheta_p stacked: rows p*N .. p*N+N-1
  sdk::Mat<S> Xbar;  // d xbar/dtheta_p, N x P
  Eigen::VectorXd dR_task, dlogpi;
};

// One perturbation of the exploration: a kick to a unit's input current at a step.
struct Kick {
  int step, unit;
  double value;
};

// Buffers of one trial, sized once per lifetime so that the hot loops allocate nothing.
template <class S>
struct Workspace {
  sdk::TrialSpec spec;
  std::vector<Kick> kicks;
  sdk::Vec<S> x, x_next, r, d, current, kick;
  sdk::Mat<S> drive;                  // W_in u_t, one column a step
  sdk::Mat<S> pre_stack, post_stack;  // [A_t] and [w_t B_t theta^T] side by side
  sdk::Mat<S> post_basis, e, mu, z, dR_dz, dlogpi_dz;
  sdk::Mat<S> xs, currents, rates, deviations;  // the trajectory, for tangents and adjoints
};

// Buffers of the backward pass over one trial.
struct AdjointWorkspace {
  Eigen::MatrixXd G, W_bar, P_bar, A_bar, I_bar, z_bar, B_bar, theta_bar, theta_bar_step;
  double log_tau_e_bar = 0;
  Eigen::MatrixXd pre_derivative, post_derivative;
  Eigen::VectorXd x_bar, r_bar, xbar_bar, d_bar, Fx, FI, slope;
};

// Buffers of the tangent pass over one trial.
template <class S>
struct TangentWorkspace {
  sdk::Mat<S> X, X_next, D, Rr, dI, G, E1, E2, L1_chunk, dA_chunk, Ep, dmu, Z, NL;
  sdk::Mat<S> post_derivative, pre_derivative;
  sdk::Vec<S> Fx, FI, rate_slope;
  int chunk_steps = 0;  // steps per flush of the eligibility tangents
};

template <class S>
class Lifetime {
 public:
  // `seed` is the lifetime's own seed; `theta` the trace coefficients (K x L); the trace's time
  // constant is the setup's [eligibility] tau_e, or `tau_e` (meta-learned, or complex-stepped).
  Lifetime(const Setup<S>& setup, std::uint64_t seed, const sdk::Mat<S>& theta,
           LifetimeOptions options = {});
  Lifetime(const Setup<S>& setup, std::uint64_t seed, const sdk::Mat<S>& theta, const S& tau_e,
           LifetimeOptions options = {});
  // ... and the values of the rule's learned parameters ([meta] learn_rule; empty: as built).
  Lifetime(const Setup<S>& setup, std::uint64_t seed, const sdk::Mat<S>& theta, const S& tau_e,
           const std::vector<S>& rule, LifetimeOptions options = {});

  TrialRecord run_trial();
  std::int64_t trials_done() const { return state_.trial; }
  const sdk::Mat<S>& weights() const { return state_.W; }
  const NetworkWeights& initial() const { return initial_; }

  // The last trial's values in the lifetime's scalar type (complex-step derivatives read them).
  const S& reward_value() const { return state_.reward; }
  const S& task_reward_value() const { return state_.task_reward; }
  const S& log_policy_value() const { return state_.log_policy; }
  // With tangents: derivatives of the last trial's task reward and log pi(action) per direction.
  const Eigen::VectorXd& task_reward_tangent() const { return tangents_.dR_task; }
  const Eigen::VectorXd& log_policy_tangent() const { return tangents_.dlogpi; }
  double tangent_norm() const { return tangents_.U.norm(); }  // ||dW/dtheta||_F

  // The last trial's rates r_t and deviations d_t, one column a step (with tangents or adjoint).
  const sdk::Mat<S>& trial_rates() const { return work_.rates; }
  const sdk::Mat<S>& trial_deviations() const { return work_.deviations; }
  int first_trace_step() const { return first_trace_step_; }

  // Reverse mode (real lifetimes with LifetimeOptions::adjoint; lifetime_adjoint.cpp).
  LifetimeCheckpoint save() const;
  void restore(const LifetimeCheckpoint& c);
  // Runs the next trial again without its update, keeping its trajectory; returns its record.
  TrialRecord replay_trial();
  // After replay_trial: pulls the adjoints back through the trial's end, update and steps,
  // with `weight` = dJ/dq for the trial's own quantity q (task reward, or log pi(action) when
  // plasticity is driven by the policy's reward).
  void adjoint_trial(AdjointState& a, double weight);

 private:
  TrialRecord guarded_trial(bool update);
  TrialRecord simulate_trial(bool update);
  void weigh_trace(const S& tau_e);
  void learn_rule_parameters(const std::vector<S>& values);
  void allocate_trajectory();
  void allocate_workspace();
  void allocate_tangents();
  void draw_kicks(sdk::Rng& rng);
  void start_trial(sdk::Rng& init_rng);
  void integrate();
  void score(TrialRecord& rec);
  void update_weights(const TrialRecord& rec);
  // lifetime_tangents.cpp
  void propagate_tangents();
  void tangent_step(int t, int& chunk_first, int& in_chunk);
  void eligibility_tangents(int t, int column);
  void flush_eligibility_tangents(int first_step, int steps);
  void update_tangents(const sdk::TrialOutcome<S>& outcome, const Eigen::VectorXd& dR);
  // lifetime_adjoint.cpp
  void allocate_adjoint();
  void adjoint_rule(AdjointState& a, double& R_bar);
  void adjoint_trace();
  void adjoint_steps(AdjointState& a);
  void adjoint_step(int t);

  const Setup<S>& setup_;
  std::uint64_t seed_;
  LifetimeOptions options_;
  NetworkStepper<S> stepper_;
  int N_, T_, K_, first_trace_step_;
  NetworkWeights initial_;
  sdk::Mat<S> theta_t_;
  std::vector<S> trace_weight_;      // w_t = c lambda_e^(T-1-t)
  std::vector<S> trace_weight_tau_;  // dw_t/dlog tau_e ([meta] learn_tau_e)
  int tau_direction_ = -1;           // the tangent direction of log tau_e, else -1
  PrimalState<S> state_;
  TangentState<S> tangents_;
  Workspace<S> work_;
  TangentWorkspace<S> tangent_work_;
  AdjointWorkspace adjoint_work_;
};

// A real lifetime with the trace meta-learning moves: its coefficients, its time constant (or
// the setup's own) and the rule's learned parameters (or their values as built).
Lifetime<sdk::Real> traced_lifetime(const Setup<sdk::Real>& setup, std::uint64_t seed,
                                    const TraceParameters& trace, LifetimeOptions options = {});

}  // namespace neohebb::core
