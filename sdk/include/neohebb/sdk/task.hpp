#pragma once
#include <cmath>
#include <cstdint>
#include <string>

#include <Eigen/Core>

// trial_periods.hpp first: it includes parameters.hpp, whose ParamType::Real GCC's -Wshadow
// reports as shadowing sdk::Real when scalar.hpp (through component.hpp) came before it.
#include "neohebb/sdk/trial_periods.hpp"

#include "neohebb/sdk/component.hpp"
#include "neohebb/sdk/rng.hpp"

namespace neohebb::sdk {

struct TaskSetup {
  double dt = 1.0;  // the neuron model's integration step (ms)
};

// Kept for plugins that call it; new code declares its periods with sdk::TrialPeriods or calls
// sdk::duration_steps (trial_periods.hpp), whose rule this is: lround(ms / dt) (halves away from
// zero), but at least one step for ms > 0. For every ms >= dt / 2 whose result fits in int, that
// is what this function always returned; a positive ms below half a step now lasts one step instead
// of zero, and a negative or non-finite ms, or one too long for int, throws sdk::Error.
inline int steps(double ms, double dt) {
  return duration_steps(ms, dt);
}

struct TaskLayout {
  int inputs = 0;
  int outputs = 0;
  int steps = 0;       // T
  int conditions = 1;  // distinct condition ids (per-condition baselines)
};

// One trial as the task lays it out. Inputs never depend on the network's output, so a trial is
// fixed by its seed before the network runs.
struct TrialSpec {
  int condition = 0;
  Eigen::MatrixXd input;   // inputs x T
  Eigen::MatrixXd target;  // outputs x T; meaningful inside the response window
  int response_begin = 0;  // scored steps: [response_begin, response_end)
  int response_end = 0;
};

// A task: trial structure, sparse end-of-trial reward from the output trajectory z
// (outputs x T), and (for REINFORCE) a stochastic policy over discrete choices.
template <class S>
class Task : public Component<S> {
 public:
  virtual void setup(const TaskSetup& s) = 0;  // called once, before anything else
  virtual TaskLayout layout() const = 0;
  // A short name of condition `c` (0 <= c < layout().conditions) for plots and tables, e.g.
  // "AB" or "go"; no commas (it may end up in a CSV cell).
  virtual std::string condition_name(int c) const { return "condition_" + std::to_string(c); }
  virtual void make_trial(std::int64_t trial, Rng& rng, TrialSpec& out) const = 0;

  // Differentiable reward and its gradient dR/dz (outputs x T).
  virtual S reward(const TrialSpec& t, MatCRef<S> z) const = 0;
  virtual void reward_gradient(const TrialSpec& t, MatCRef<S> z, MatRef<S> dR_dz) const = 0;
  // The performance measure recorded in learning curves (decided on the real part).
  virtual bool correct(const TrialSpec& t, MatCRef<S> z) const = 0;

  // Stochastic policy: a discrete action drawn from the output, rewarded correct/incorrect.
  virtual bool has_policy() const { return false; }
  virtual int sample_action(const TrialSpec&, MatCRef<S>, Rng&) const { return 0; }
  virtual S log_policy(const TrialSpec&, MatCRef<S>, int) const { return S(0); }
  virtual void log_policy_gradient(const TrialSpec&, MatCRef<S>, int, MatRef<S> g) const {
    g.setZero();
  }
  virtual double action_reward(const TrialSpec&, int) const { return 0.0; }
};

}  // namespace neohebb::sdk
