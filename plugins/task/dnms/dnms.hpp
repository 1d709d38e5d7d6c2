#pragma once
#include <array>
#include <string>

#include <neohebb/sdk/binary_choice_task.hpp>
#include <neohebb/sdk/parameters.hpp>

namespace neohebb::plugins {

// Delayed non-match-to-sample (Miconi 2017, dnms/): two stimuli (A or B) separated by a delay;
// the output must be +target when they differ and -target when they match (XOR). Conditions
// 0 = AA, 1 = AB, 2 = BA, 3 = BB. Reward = -mean |z - target| over the response window.
template <class S>
class Dnms final : public sdk::BinaryChoiceTask<S> {
  using Base = sdk::BinaryChoiceTask<S>;

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
        Base::correct_below_param("response"),
        Base::policy_gain_param(
            "REINFORCE policy: P(non-match) = sigmoid(gain * mean z over the response)"),
    };
  }

  explicit Dnms(const sdk::ParamSet& p)
      : Base(p.real("correct_below"), p.real("policy_gain")),
        amplitude_(p.real("input_amplitude")),
        target_(p.real("target")),
        random_order_(p.text("order") == "random") {
    const char* names[] = {"pre_stimulus", "stimulus1", "delay1",
                           "stimulus2",    "delay2",    "response"};
    for (std::size_t i = 0; i < ms_.size(); ++i) ms_[i] = p.real(names[i]);
  }

  void setup(const sdk::TaskSetup& s) override {
    for (std::size_t i = 0; i < ms_.size(); ++i) steps_[i] = sdk::steps(ms_[i], s.dt);
    // Compared in ms: a window of half a step would otherwise round up to a whole one.
    if (ms_[kResponse] < s.dt)
      throw sdk::ParameterError("response", "the response window is shorter than one step dt");
    if (ms_[kStim1] < s.dt)
      throw sdk::ParameterError("stimulus1", "the first stimulus must last at least one step dt");
    if (ms_[kStim2] < s.dt)
      throw sdk::ParameterError("stimulus2", "the second stimulus must last at least one step dt");
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

 private:
  // The rewarded action: "non-match" (1) exactly when the target is positive.
  int correct_action(const sdk::TrialSpec& t) const override {
    return Base::action_of_target_sign(t);
  }

  enum { kPre, kStim1, kDelay1, kStim2, kDelay2, kResponse };

  std::array<double, 6> ms_{};
  std::array<int, 6> steps_{};
  double amplitude_, target_;
  bool random_order_;
};

}  // namespace neohebb::plugins
