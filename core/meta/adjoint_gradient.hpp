#pragma once
// Reverse-mode meta-gradient of one lifetime, whose cost does not grow with the number of
// learnable coefficients: a forward sweep that keeps the lifetime's state every c trials, then a
// backward sweep that runs each stretch of c trials again from its checkpoint, keeping every
// trial's start, and pulls the adjoint back through them one trial at a time, last first
// (docs/meta-learning.md, "Reverse mode").
#include <cstdint>
#include <optional>
#include <vector>

#include <Eigen/Core>

#include "core/config/sections.hpp"
#include "core/engine/lifetime.hpp"

namespace neohebb::core {

// The derivative of a lifetime's weighted sum with respect to every coefficient of the trace
// (K x L, learnable or not) and to log tau_e (with [meta] learn_tau_e; else 0).
struct TraceGradient {
  Eigen::MatrixXd theta;
  double log_tau_e = 0;
  std::vector<double> rule;  // d/du of the rule's learned parameters ([meta] learn_rule)
};

class AdjointLifetime {
 public:
  // c = checkpoint_every trials between checkpoints (>= 1); the trace's time constant is
  // `tau_e` (the setup's when none is given), the rule's learned parameters `rule` (as built
  // when empty).
  AdjointLifetime(const Setup<sdk::Real>& setup, std::uint64_t seed, const Eigen::MatrixXd& theta,
                  int checkpoint_every, const std::vector<int>* forced_actions = nullptr,
                  std::optional<double> tau_e = std::nullopt, const std::vector<double>& rule = {});

  // The forward sweep: the next trial, as Lifetime::run_trial.
  TrialRecord run_trial();

  // After the forward sweep: d/dtheta_p of sum_h c_h q_h over the trials run, one entry per
  // direction, where q_h is the task reward R_h, or log pi(a_h) with the actions and rewards held
  // fixed when plasticity is driven by the policy's reward; log tau_e's after the coefficients'
  // when it is learned (the tangent directions' order). May be called several times.
  Eigen::VectorXd gradient(const std::vector<double>& c);
  // The same derivative with respect to the whole trace.
  TraceGradient trace_gradient(const std::vector<double>& c);

  // The most doubles held at once in checkpoints and stretch starts so far (the backward sweep's
  // extra memory, which adjoint_memory_doubles models).
  std::size_t peak_doubles() const { return peak_; }

 private:
  void sweep_stretch(std::int64_t first, std::int64_t end, const std::vector<double>& c,
                     AdjointState& a);

  const Setup<sdk::Real>& setup_;
  int every_;
  Lifetime<sdk::Real> life_;
  std::vector<LifetimeCheckpoint> checkpoints_;  // the state before trials 0, c, 2c, ...
  std::int64_t trials_ = 0;
  std::size_t held_ = 0, peak_ = 0;  // doubles in checkpoints and starts
  void hold(const LifetimeCheckpoint& c);
};

}  // namespace neohebb::core
