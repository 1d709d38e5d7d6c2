#pragma once
#include <array>
#include <cmath>
#include <string>

#include <neohebb/sdk/parameters.hpp>
#include <neohebb/sdk/task.hpp>

namespace neohebb::plugins {

// Delayed non-match-to-sample (Miconi 2017, dnms/): two stimuli (A or B) separated by a delay;
// the output must be +target when they differ and -target when they match (XOR). Conditions
// 0 = AA, 1 = AB, 2 = BA, 3 = BB. Reward = -mean |z - target| over the response window.
template <class S>
class Dnms final : public sdk::Task<S> {
 public:
  static sdk::ParamSchema schema() {
    using sdk::ParamSpec;
    auto period = [](const char* name, double ms, const char* doc) {
      return ParamSpec::real(name, ms, doc).with_unit("ms").at_least(0);
    };
    return {
        period("pre_stimulus", 1.0, "silent period before the first stimulus"),
        period("stimulus1", 200.0, "first stimulus (the sample)"),
        period("delay1", 199.0, "delay between the stimuli"),
        period("stimulus2", 200.0, "second stimulus (the test)"),
        period("delay2", 200.0, "delay before the response window"),
        period("response", 200.0, "response window: the only scored steps"),
        ParamSpec::real("input_amplitude", 1.0, "value of the active stimulus channel"),
        ParamSpec::real("target", 0.98, "|target| of the output: +target non-match, -target match")
            .above(0),
        ParamSpec::text("order", "cyclic",
                        "condition sequence: 'cyclic' (AA, AB, BA, BB, ... as Miconi) or 'random'")
            .one_of({"cyclic", "random"}),
        ParamSpec::real("correct_below", 1.0,
                        "a trial is correct when mean |z - target| over the response is below this")
            .above(0),
        ParamSpec::real("policy_gain", 5.0,
                        "REINFORCE policy: P(non-match) = sigmoid(gain * mean z over the response)")
            .above(0),
    };
  }

  explicit Dnms(const sdk::ParamSet& p)
      : amplitude_(p.real("input_amplitude")),
        target_(p.real("target")),
        random_order_(p.text("order") == "random"),
        correct_below_(p.real("correct_below")),
        gain_(p.real("policy_gain")) {
    const char* names[] = {"pre_stimulus", "stimulus1", "delay1",
                           "stimulus2",    "delay2",    "response"};
    for (std::size_t i = 0; i < ms_.size(); ++i) ms_[i] = p.real(names[i]);
  }

  void setup(const sdk::TaskSetup& s) override {
    for (std::size_t i = 0; i < ms_.size(); ++i)
      steps_[i] = static_cast<int>(std::lround(ms_[i] / s.dt));
    if (steps_[kResponse] < 1)
      throw sdk::ParameterError("response", "the response window is shorter than one step dt");
    if (steps_[kStim1] < 1 || steps_[kStim2] < 1)
      throw sdk::ParameterError("stimulus1", "each stimulus must last at least one step dt");
  }

  sdk::TaskLayout layout() const override {
    int T = 0;
    for (int n : steps_) T += n;
    return {2, 1, T, 4};
  }

  void make_trial(std::int64_t trial, sdk::Rng& rng, sdk::TrialSpec& out) const override {
    const sdk::TaskLayout lay = layout();
    out.condition = random_order_ ? static_cast<int>(rng.below(4)) : static_cast<int>(trial % 4);
    const int first = out.condition / 2, second = out.condition % 2;  // 0 = A, 1 = B
    out.input.setZero(2, lay.steps);
    const int s1 = steps_[kPre], s2 = s1 + steps_[kStim1] + steps_[kDelay1];
    out.input.block(first, s1, 1, steps_[kStim1]).setConstant(amplitude_);
    out.input.block(second, s2, 1, steps_[kStim2]).setConstant(amplitude_);
    out.response_end = lay.steps;
    out.response_begin = lay.steps - steps_[kResponse];
    out.target.setConstant(1, lay.steps, first != second ? target_ : -target_);
  }

  S reward(const sdk::TrialSpec& t, sdk::MatCRef<S> z) const override {
    S sum(0);
    for (int s = t.response_begin; s < t.response_end; ++s)
      sum += sdk::abs_cs(S(z(0, s) - t.target(0, s)));
    return -sum / double(t.response_end - t.response_begin);
  }
  void reward_gradient(const sdk::TrialSpec& t, sdk::MatCRef<S> z,
                       sdk::MatRef<S> g) const override {
    g.setZero();
    const double w = 1.0 / (t.response_end - t.response_begin);
    for (int s = t.response_begin; s < t.response_end; ++s)
      g(0, s) = sdk::real_part(z(0, s)) > t.target(0, s) ? S(-w) : S(w);
  }
  bool correct(const sdk::TrialSpec& t, sdk::MatCRef<S> z) const override {
    return -sdk::real_part(reward(t, z)) < correct_below_;
  }

  // Policy over two actions: 1 = "non-match" (+), 0 = "match" (-).
  bool has_policy() const override { return true; }
  int sample_action(const sdk::TrialSpec& t, sdk::MatCRef<S> z, sdk::Rng& rng) const override {
    const double p1 = 1.0 / (1.0 + std::exp(-gain_ * sdk::real_part(mean_response(t, z))));
    return rng.uniform() < p1 ? 1 : 0;
  }
  S log_policy(const sdk::TrialSpec& t, sdk::MatCRef<S> z, int action) const override {
    using std::exp;
    using std::log;
    const S u = gain_ * mean_response(t, z);
    return action == 1 ? S(-log(1.0 + exp(-u))) : S(-log(1.0 + exp(u)));
  }
  void log_policy_gradient(const sdk::TrialSpec& t, sdk::MatCRef<S> z, int action,
                           sdk::MatRef<S> g) const override {
    using std::exp;
    const S u = gain_ * mean_response(t, z);
    const S p1 = 1.0 / (1.0 + exp(-u));
    const S dlogpi_du = action == 1 ? S(1.0 - p1) : S(-p1);
    g.setZero();
    const double w = gain_ / (t.response_end - t.response_begin);
    for (int s = t.response_begin; s < t.response_end; ++s) g(0, s) = w * dlogpi_du;
  }
  double action_reward(const sdk::TrialSpec& t, int action) const override {
    return (action == 1) == (t.target(0, t.response_begin) > 0) ? 1.0 : 0.0;
  }

 private:
  enum { kPre, kStim1, kDelay1, kStim2, kDelay2, kResponse };
  S mean_response(const sdk::TrialSpec& t, sdk::MatCRef<S> z) const {
    S sum(0);
    for (int s = t.response_begin; s < t.response_end; ++s) sum += z(0, s);
    return sum / double(t.response_end - t.response_begin);
  }

  std::array<double, 6> ms_{};
  std::array<int, 6> steps_{};
  double amplitude_, target_;
  bool random_order_;
  double correct_below_, gain_;
};

}  // namespace neohebb::plugins
