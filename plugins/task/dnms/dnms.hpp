#pragma once
#include <cstddef>
#include <string>

#include <neohebb/sdk/binary_choice_task.hpp>
#include <neohebb/sdk/parameters.hpp>
#include <neohebb/sdk/trial_periods.hpp>

namespace neohebb::plugins {

// Delayed non-match-to-sample (Miconi 2017, dnms/): two stimuli (A or B) separated by a delay;
// the output must be +target when they differ and -target when they match (XOR). Conditions
// 0 = AA, 1 = AB, 2 = BA, 3 = BB. Reward = -mean |z - target| over the response window.
template <class S>
class Dnms final : public sdk::BinaryChoiceTask<S> {
  using Base = sdk::BinaryChoiceTask<S>;

 public:
  static constexpr sdk::TrialPeriods kPeriods{
      sdk::period("pre_stimulus", 1.0, "silent period before the first stimulus"),
      sdk::required_period("stimulus1", 200.0, "first stimulus (the sample)"),
      sdk::period("delay1", 199.0, "delay between the stimuli"),
      sdk::required_period("stimulus2", 200.0, "second stimulus (the test)"),
      sdk::period("delay2", 200.0, "delay before the response window"),
      sdk::required_period("response", 200.0, "response window: the only scored steps"),
  };

  static sdk::ParamSchema schema() {
    using sdk::ParamSpec;
    return kPeriods.schema({
        ParamSpec::real("input_amplitude", 1.0, "value of the active stimulus channel"),
        ParamSpec::real("target", 0.98, "|target| of the output: +target non-match, -target match")
            .above(0),
        ParamSpec::text("order", "cyclic",
                        "condition sequence: 'cyclic' (AA, AB, BA, BB, ... as Miconi) or 'random'")
            .one_of({"cyclic", "random"}),
        Base::correct_below_param("response"),
        Base::policy_gain_param(
            "REINFORCE policy: P(non-match) = sigmoid(gain * mean z over the response)"),
    });
  }

  explicit Dnms(const sdk::ParamSet& p)
      : Base(p.real("correct_below"), p.real("policy_gain")),
        ms_(kPeriods.read(p)),
        amplitude_(p.real("input_amplitude")),
        target_(p.real("target")),
        random_order_(p.text("order") == "random") {}

  void setup(const sdk::TaskSetup& s) override { steps_ = ms_.lay_out(s.dt); }

  // AA, AB, BA, BB: the first and the second stimulus.
  std::string condition_name(int c) const override {
    return std::string{char('A' + c / 2), char('A' + c % 2)};
  }

  sdk::TaskLayout layout() const override { return {2, 1, steps_.total(), 4}; }

  void make_trial(std::int64_t trial, sdk::Rng& rng, sdk::TrialSpec& out) const override {
    const sdk::TaskLayout lay = layout();
    out.condition = random_order_ ? static_cast<int>(rng.below(4)) : static_cast<int>(trial % 4);
    const int first = out.condition / 2, second = out.condition % 2;  // 0 = A, 1 = B
    out.input.setZero(2, lay.steps);
    const sdk::PeriodSteps &s1 = steps_[kStim1], &s2 = steps_[kStim2];
    out.input.block(first, s1.begin, 1, s1.length).setConstant(amplitude_);
    out.input.block(second, s2.begin, 1, s2.length).setConstant(amplitude_);
    out.response_begin = steps_[kResponse].begin;
    out.response_end = steps_[kResponse].end;
    out.target.setConstant(1, lay.steps, first != second ? target_ : -target_);
  }

 private:
  // The rewarded action: "non-match" (1) exactly when the target is positive.
  int correct_action(const sdk::TrialSpec& t) const override {
    return Base::action_of_target_sign(t);
  }

  static constexpr std::size_t kStim1 = kPeriods.index("stimulus1"),
                               kStim2 = kPeriods.index("stimulus2"),
                               kResponse = kPeriods.index("response");

  sdk::PeriodDurations<kPeriods.size()> ms_;
  sdk::PeriodLayout<kPeriods.size()> steps_;
  double amplitude_, target_;
  bool random_order_;
};

}  // namespace neohebb::plugins
