#pragma once
// Reverse-mode meta-gradient of one lifetime, whose cost does not grow with the number of
// learnable coefficients: a forward sweep that keeps the lifetime's state every c trials, then a
// backward sweep that runs each stretch of c trials again from its checkpoint, keeping every
// trial's start, and pulls the adjoint back through them one trial at a time, last first
// (docs/meta-learning.md, "Reverse mode").
#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "core/config/sections.hpp"
#include "core/engine/lifetime.hpp"

namespace neohebb::core {

class AdjointLifetime {
 public:
  // c = checkpoint_every trials between checkpoints (>= 1).
  AdjointLifetime(const Setup<sdk::Real>& setup, std::uint64_t seed, const Eigen::MatrixXd& theta,
                  int checkpoint_every, const std::vector<int>* forced_actions = nullptr);

  // The forward sweep: the next trial, as Lifetime::run_trial.
  TrialRecord run_trial();

  // After the forward sweep: d/dtheta_p of sum_h c_h q_h over the trials run, one entry per
  // direction, where q_h is the task reward R_h, or log pi(a_h) with the actions and rewards held
  // fixed when plasticity is driven by the policy's reward. May be called several times.
  Eigen::VectorXd gradient(const std::vector<double>& c);

 private:
  void sweep_stretch(std::int64_t first, std::int64_t end, const std::vector<double>& c,
                     AdjointState& a);

  const Setup<sdk::Real>& setup_;
  int every_;
  Lifetime<sdk::Real> life_;
  std::vector<LifetimeCheckpoint> checkpoints_;  // the state before trials 0, c, 2c, ...
  std::int64_t trials_ = 0;
};

// The checkpoint interval in trials: [meta] checkpoint_every, or round(sqrt(H)) for 0.
int checkpoint_interval(int checkpoint_every, std::int64_t trials);

// Whether [meta] gradient selects reverse mode for P learnable coefficients.
bool use_adjoint(GradientEngine engine, std::size_t directions);

}  // namespace neohebb::core
