#pragma once
// BinaryChoiceTask: the scoring and the two-action policy shared by tasks whose one output must
// sit at a per-trial target over the response window [response_begin, response_end) of row 0 of
// TrialSpec::target, with the answer being one of two choices. A task that derives from it writes
// only its trial structure (setup, layout, make_trial) and says which choice is right; it gets:
//
//   reward(t, z)            = -mean |z - target| over the window (abs_cs: complex-step safe)
//   reward_gradient(t, z)   = its derivative dR/dz (-w above the target, +w otherwise, w = 1/n)
//   correct(t, z)           = mean |z - target| over the window < correct_below
//   has_policy()            = true: a REINFORCE policy over actions 0 and 1 with
//                             P(action 1) = sigmoid(gain * (mean z over the window - midpoint)),
//                             sampled on the real part; log_policy and log_policy_gradient are
//                             its log-probability and that log's derivative dlog pi / dz
//   action_reward(t, a)     = 1 when a == correct_action(t), else 0
//   mean_response(t, z)     = mean z over the window (protected, for the task's own use)
//
// It is configured through its protected constructor (correct_below, policy gain and the policy
// midpoint, 0 unless the targets are not symmetric about 0); correctness of an action is what the
// task says in its override of correct_action (1 = the choice toward +target). The static helpers
// correct_below_param and policy_gain_param declare the two schema entries with their defaults.
#include <cmath>
#include <string>
#include <utility>

#include "neohebb/sdk/parameters.hpp"
#include "neohebb/sdk/scalar.hpp"
#include "neohebb/sdk/task.hpp"

namespace neohebb::sdk {

template <class S>
class BinaryChoiceTask : public Task<S> {
 public:
  S reward(const TrialSpec& t, MatCRef<S> z) const override {
    S sum(0);
    for (int s = t.response_begin; s < t.response_end; ++s)
      sum += abs_cs(S(z(0, s) - t.target(0, s)));
    return -sum / double(t.response_end - t.response_begin);
  }
  void reward_gradient(const TrialSpec& t, MatCRef<S> z, MatRef<S> g) const override {
    g.setZero();
    const double w = 1.0 / (t.response_end - t.response_begin);
    for (int s = t.response_begin; s < t.response_end; ++s)
      g(0, s) = real_part(z(0, s)) > t.target(0, s) ? S(-w) : S(w);
  }
  bool correct(const TrialSpec& t, MatCRef<S> z) const override {
    return -real_part(BinaryChoiceTask::reward(t, z)) < correct_below_;
  }

  // Policy over two actions: 1 = the choice toward +target, 0 = the other one.
  bool has_policy() const override { return true; }
  int sample_action(const TrialSpec& t, MatCRef<S> z, Rng& rng) const override {
    const double u = gain_ * (real_part(mean_response(t, z)) - midpoint_);
    return rng.uniform() < 1.0 / (1.0 + std::exp(-u)) ? 1 : 0;
  }
  S log_policy(const TrialSpec& t, MatCRef<S> z, int action) const override {
    using std::exp;
    using std::log;
    const S u = gain_ * (mean_response(t, z) - midpoint_);
    return action == 1 ? S(-log(1.0 + exp(-u))) : S(-log(1.0 + exp(u)));
  }
  void log_policy_gradient(const TrialSpec& t, MatCRef<S> z, int action,
                           MatRef<S> g) const override {
    using std::exp;
    const S u = gain_ * (mean_response(t, z) - midpoint_);
    const S p1 = 1.0 / (1.0 + exp(-u));
    const S dlogpi_du = action == 1 ? S(1.0 - p1) : S(-p1);
    g.setZero();
    const double w = gain_ / (t.response_end - t.response_begin);
    for (int s = t.response_begin; s < t.response_end; ++s) g(0, s) = w * dlogpi_du;
  }
  double action_reward(const TrialSpec& t, int action) const override {
    return (action == 1) == (correct_action(t) == 1) ? 1.0 : 0.0;
  }

 protected:
  BinaryChoiceTask(double correct_below, double policy_gain, double policy_midpoint = 0.0)
      : correct_below_(correct_below), gain_(policy_gain), midpoint_(policy_midpoint) {}

  // The rewarded action of trial t: 1 = the choice toward +target, 0 = the other one.
  virtual int correct_action(const TrialSpec& t) const = 0;

  // For tasks whose answer is the sign of the target: 1 when it is positive at response_begin.
  static int action_of_target_sign(const TrialSpec& t) {
    return t.target(0, t.response_begin) > 0 ? 1 : 0;
  }

  S mean_response(const TrialSpec& t, MatCRef<S> z) const {
    S sum(0);
    for (int s = t.response_begin; s < t.response_end; ++s) sum += z(0, s);
    return sum / double(t.response_end - t.response_begin);
  }

  // Schema entries: "correct_below" (default 1), documented for a window named e.g. "decision",
  // and "policy_gain" (default 5) with the task's own description of P(action 1).
  static ParamSpec correct_below_param(const std::string& window) {
    return ParamSpec::real(
               "correct_below", 1.0,
               "a trial is correct when mean |z - target| over the " + window + " is below this")
        .above(0);
  }
  static ParamSpec policy_gain_param(std::string doc) {
    return ParamSpec::real("policy_gain", 5.0, std::move(doc)).above(0);
  }

 private:
  double correct_below_, gain_, midpoint_;
};

}  // namespace neohebb::sdk
