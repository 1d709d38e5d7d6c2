#pragma once
#include <cstddef>
#include <string>

#include <neohebb/sdk/binary_choice_task.hpp>
#include <neohebb/sdk/parameters.hpp>
#include <neohebb/sdk/trial_periods.hpp>

namespace neohebb::plugins {

// Go/no-go (neurogym GoNogo): a go or a nogo cue, a delay, then a decision window in which the
// output must be at +target after go and at nogo_target after nogo (-1 by default; 0 = "stay at
// rest"). Conditions 0 = nogo, 1 = go. Reward = -mean |z - target| over the decision window.
template <class S>
class GoNogo final : public sdk::BinaryChoiceTask<S> {
  using Base = sdk::BinaryChoiceTask<S>;

 public:
  static constexpr sdk::TrialPeriods kPeriods{
      sdk::period("fixation", 0.0, "fixation only, before the cue"),
      sdk::required_period("stimulus", 500.0, "go or nogo cue"),
      sdk::period("delay", 500.0, "delay between the cue and the decision"),
      sdk::required_period("decision", 500.0,
                           "decision window (fixation off): the only scored steps"),
  };

  static sdk::ParamSchema schema() {
    using sdk::ParamSpec;
    return kPeriods.schema({
        ParamSpec::real("stimulus_amplitude", 1.0, "value of the active cue channel"),
        ParamSpec::real("target", 1.0, "output target after a go cue").above(0),
        ParamSpec::real("nogo_target", -1.0,
                        "output target after a nogo cue (0 = stay at rest); must be below target"),
        ParamSpec::text("order", "random",
                        "condition sequence: 'random' (as neurogym) or 'cyclic' (nogo, go, ...)")
            .one_of({"cyclic", "random"}),
        Base::correct_below_param("decision"),
        Base::policy_gain_param(
            "REINFORCE policy: P(go) = sigmoid(gain * (mean z - midpoint of targets))"),
    });
  }

  // The policy is centred between the two targets, so that with nogo_target = 0 a silent output
  // still means "nogo".
  explicit GoNogo(const sdk::ParamSet& p)
      : Base(p.real("correct_below"), p.real("policy_gain"),
             0.5 * (p.real("target") + p.real("nogo_target"))),
        ms_(kPeriods.read(p)),
        amplitude_(p.real("stimulus_amplitude")),
        target_(p.real("target")),
        nogo_target_(p.real("nogo_target")),
        random_order_(p.text("order") == "random") {
    if (!(nogo_target_ < target_))
      throw sdk::ParameterError("nogo_target", "nogo_target must be below target");
  }

  void setup(const sdk::TaskSetup& s) override { steps_ = ms_.lay_out(s.dt); }

  std::string condition_name(int c) const override { return c == kGo ? "go" : "nogo"; }

  sdk::TaskLayout layout() const override { return {3, 1, steps_.total(), 2}; }

  void make_trial(std::int64_t trial, sdk::Rng& rng, sdk::TrialSpec& out) const override {
    const sdk::TaskLayout lay = layout();
    out.condition = random_order_ ? static_cast<int>(rng.below(2)) : static_cast<int>(trial % 2);
    const sdk::PeriodSteps &cue = steps_[kStimulus], &decision = steps_[kDecision];
    out.input.setZero(3, lay.steps);
    out.input.block(0, 0, 1, decision.begin).setConstant(1.0);  // fixation channel
    out.input.block(1 + out.condition, cue.begin, 1, cue.length)
        .setConstant(amplitude_);  // channel 1 = nogo, 2 = go
    out.response_begin = decision.begin;
    out.response_end = decision.end;
    out.target.setConstant(1, lay.steps, out.condition == kGo ? target_ : nogo_target_);
  }

 private:
  // The rewarded action: "go" (1) on go trials, "nogo" (0) on nogo trials.
  int correct_action(const sdk::TrialSpec& t) const override { return t.condition == kGo ? 1 : 0; }

  static constexpr std::size_t kStimulus = kPeriods.index("stimulus"),
                               kDecision = kPeriods.index("decision");
  static constexpr int kGo = 1;

  sdk::PeriodDurations<kPeriods.size()> ms_;
  sdk::PeriodLayout<kPeriods.size()> steps_;
  double amplitude_, target_, nogo_target_;
  bool random_order_;
};

}  // namespace neohebb::plugins
