#pragma once
// One lifetime: a fresh network that learns over H trials with the plasticity rule (the inner
// loop), optionally carrying forward-mode tangents dW/dtheta_p for every learnable coefficient.
//
// The eligibility trace of a trial is one matrix product,
// e_T = sum_t w_t (B_t theta^T) A_t^T = [.. w_t B_t theta^T ..] [.. A_t ..]^T, never per synapse.
// Tangents run after the primal trial over its stored trajectory, all directions together:
// U_p r_t for every p and t is one product, W (r' * X_p) one N x N x P product per step, and
// E_p = sum_t dP_t,p A_t^T + P_t dA_t,p^T two tall products per chunk of steps.
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "core/engine/network.hpp"
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
};

template <class S>
class Lifetime {
 public:
  // `seed` is the lifetime's own seed; `theta` the trace coefficients (K x L).
  Lifetime(const Setup<S>& setup, std::uint64_t seed, const sdk::Mat<S>& theta,
           LifetimeOptions options = {});

  TrialRecord run_trial();
  std::int64_t trials_done() const { return trial_; }
  const sdk::Mat<S>& weights() const { return W_; }
  const NetworkWeights& initial() const { return initial_; }

  // The last trial's values in the lifetime's scalar type (complex-step derivatives read them).
  const S& reward_value() const { return reward_; }
  const S& task_reward_value() const { return task_reward_; }
  const S& log_policy_value() const { return log_policy_; }
  // With tangents: derivatives of the last trial's task reward and log pi(action) per direction.
  const Eigen::VectorXd& task_reward_tangent() const { return dR_task_; }
  const Eigen::VectorXd& log_policy_tangent() const { return dlogpi_; }
  double tangent_norm() const { return U_.norm(); }  // ||dW/dtheta||_F over all directions

 private:
  TrialRecord simulate_trial();
  struct Kick {
    int step, unit;
    double value;
  };
  void draw_kicks(sdk::Rng& rng);
  void initial_state(sdk::Rng& rng);
  template <class V>
  void clamp(V&& x) const;
  void integrate();
  void propagate_tangents();
  void flush_eligibility_tangents(int first_step, int steps);

  const Setup<S>& setup_;
  std::uint64_t seed_;
  LifetimeOptions options_;
  std::int64_t trial_ = 0;
  int N_, T_, K_, P_, first_trace_step_;
  NetworkWeights initial_;
  sdk::Mat<S> W_, W_in_, W_out_, theta_t_;
  std::shared_ptr<sdk::PlasticityRule<S>> rule_;
  sdk::TrialSpec spec_;
  std::vector<Kick> kicks_;
  std::vector<double> trace_weight_;  // w_t = c lambda_e^(T-1-t)
  S reward_{}, task_reward_{}, log_policy_{};
  int action_ = -1;
  // Buffers sized once per lifetime: the hot loops allocate nothing.
  sdk::Vec<S> x_, x_next_, xbar_, r_, d_, current_, kick_;
  sdk::Mat<S> drive_, pre_stack_, post_stack_, post_basis_, e_, mu_, z_, dR_dz_, dlogpi_dz_;
  // Tangent state (P directions). U_ stacks dW/dtheta_p as rows p*N .. p*N+N-1.
  sdk::Mat<S> U_, X_, X_next_, Xbar_, D_, Rr_, dI_, G_, E1_, E2_, L1_chunk_, dA_chunk_, Ep_, dmu_,
      Z_, NL_, post_derivative_, pre_derivative_;
  sdk::Mat<S> xs_, currents_, rates_, deviations_;  // the primal trajectory, one column a step
  sdk::Vec<S> Fx_, FI_, rate_slope_;
  int chunk_steps_ = 0;
  Eigen::VectorXd dR_task_, dlogpi_;
};

}  // namespace neohebb::core
