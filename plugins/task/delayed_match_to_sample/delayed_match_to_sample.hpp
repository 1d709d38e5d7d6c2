#pragma once
#include <cmath>
#include <cstddef>
#include <string>

#include <neohebb/sdk/binary_choice_task.hpp>
#include <neohebb/sdk/parameters.hpp>
#include <neohebb/sdk/trial_periods.hpp>

namespace neohebb::plugins {

// Delayed match-to-sample (neurogym DelayedMatchToSample; Miller et al. 1996): a noisy sample
// s in {0, 0.5}, shown as (cos(pi s), sin(pi s)) on two stimulus channels, a delay, then a noisy
// test; the output must be +target when test = sample and -target otherwise, once the fixation
// channel goes off. Conditions 2 * sample + non_match: 0 = s 0 match, 1 = s 0 non-match,
// 2 = s 0.5 match, 3 = s 0.5 non-match. Reward = -mean |z - target| over the decision window.
template <class S>
class DelayedMatchToSample final : public sdk::BinaryChoiceTask<S> {
  using Base = sdk::BinaryChoiceTask<S>;

 public:
  static constexpr sdk::TrialPeriods kPeriods{
      sdk::period("fixation", 300.0, "fixation only, before the sample"),
      sdk::required_period("sample", 500.0, "noisy sample on the stimulus channels"),
      sdk::period("delay", 1000.0, "delay between sample and test"),
      sdk::required_period("test", 500.0, "noisy test stimulus"),
      sdk::required_period("decision", 900.0,
                           "decision window (fixation off): the only scored steps"),
  };

  static sdk::ParamSchema schema() {
    using sdk::ParamSpec;
    return kPeriods.schema({
        ParamSpec::real("sigma", std::sqrt(2 * 100 * 0.01),
                        "stimulus noise; per-step sd = sigma / sqrt(dt / ms) (neurogym: sqrt(2))")
            .at_least(0),
        ParamSpec::real("target", 1.0, "|target| of the output: +target match, -target non-match")
            .above(0),
        ParamSpec::text("order", "random",
                        "condition sequence: 'random' (as neurogym) or 'cyclic' (0, 1, 2, 3, ...)")
            .one_of({"cyclic", "random"}),
        Base::correct_below_param("decision"),
        Base::policy_gain_param(
            "REINFORCE policy: P(match) = sigmoid(gain * mean z over the decision)"),
    });
  }

  explicit DelayedMatchToSample(const sdk::ParamSet& p)
      : Base(p.real("correct_below"), p.real("policy_gain")),
        ms_(kPeriods.read(p)),
        sigma_(p.real("sigma")),
        target_(p.real("target")),
        random_order_(p.text("order") == "random") {}

  void setup(const sdk::TaskSetup& s) override {
    steps_ = ms_.lay_out(s.dt);
    noise_sd_ = sigma_ / std::sqrt(s.dt);
  }

  // The sample and the test stimulus, and whether they match.
  std::string condition_name(int c) const override {
    const char sample = char('A' + c / 2);
    const bool match = c % 2 == 0;
    return std::string{sample, match ? sample : char('A' + 1 - c / 2)} +
           (match ? " match" : " non-match");
  }

  sdk::TaskLayout layout() const override { return {3, 1, steps_.total(), 4}; }

  void make_trial(std::int64_t trial, sdk::Rng& rng, sdk::TrialSpec& out) const override {
    const sdk::TaskLayout lay = layout();
    out.condition = random_order_ ? static_cast<int>(rng.below(4)) : static_cast<int>(trial % 4);
    const int sample = out.condition / 2;
    const bool match = out.condition % 2 == 0;
    const int test = match ? sample : 1 - sample;
    const sdk::PeriodSteps& decision = steps_[kDecision];
    out.input.setZero(3, lay.steps);
    out.input.block(0, 0, 1, decision.begin).setConstant(1.0);  // fixation channel
    stimulus(sample, steps_[kSample], rng, out);
    stimulus(test, steps_[kTest], rng, out);
    out.response_begin = decision.begin;
    out.response_end = decision.end;
    out.target.setConstant(1, lay.steps, match ? target_ : -target_);
  }

 private:
  // The rewarded action: "match" (1) exactly when the target is positive.
  int correct_action(const sdk::TrialSpec& t) const override {
    return Base::action_of_target_sign(t);
  }

  static constexpr std::size_t kSample = kPeriods.index("sample"), kTest = kPeriods.index("test"),
                               kDecision = kPeriods.index("decision");

  // Stimulus index 0 (s = 0) is (1, 0) and index 1 (s = 0.5) is (0, 1): (cos(pi s), sin(pi s))
  // written exactly, plus independent noise on both channels, during the period `when`.
  void stimulus(int index, const sdk::PeriodSteps& when, sdk::Rng& rng, sdk::TrialSpec& out) const {
    for (int s = when.begin; s < when.end; ++s)
      for (int k = 0; k < 2; ++k)
        out.input(1 + k, s) = (k == index ? 1.0 : 0.0) + noise_sd_ * rng.normal();
  }

  sdk::PeriodDurations<kPeriods.size()> ms_;
  sdk::PeriodLayout<kPeriods.size()> steps_;
  double sigma_, target_;
  bool random_order_;
  double noise_sd_ = 0;
};

}  // namespace neohebb::plugins
