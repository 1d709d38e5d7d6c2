#pragma once
#include <cmath>
#include <cstddef>
#include <string>

#include <neohebb/sdk/binary_choice_task.hpp>
#include <neohebb/sdk/parameters.hpp>
#include <neohebb/sdk/trial_periods.hpp>

namespace neohebb::plugins {

// Context-dependent selective integration (Miconi 2017, selectiveint/; Mante et al. 2013): two
// noisy evidence channels, each with a mean of random sign, and two context channels saying which
// one to integrate; the output must take the sign of the attended modality's bias. Conditions
// 0 = attend 1, b1 +; 1 = attend 2, b2 +; 2 = attend 1, b1 -; 3 = attend 2, b2 -; the ignored
// modality's sign is drawn each trial. Reward = -mean |z - target| over the response window.
template <class S>
class SelectiveIntegration final : public sdk::BinaryChoiceTask<S> {
  using Base = sdk::BinaryChoiceTask<S>;

 public:
  // The evidence follows pre_evidence from step 0; the trial's length and the response window
  // (its last part) are durations outside that sequence.
  static constexpr sdk::TrialPeriods kPeriods{
      sdk::period("pre_evidence", 1.0, "silent period before the evidence (Miconi: step 0)"),
      sdk::required_period("evidence", 500.0, "noisy evidence on both modality channels"),
      sdk::required_duration("trial", 700.0,
                             "whole trial; the response window is its last 'response' ms"),
      sdk::required_duration("response", 200.0,
                             "response window ending the trial: the only scored steps"),
  };

  static sdk::ParamSchema schema() {
    using sdk::ParamSpec;
    return kPeriods.schema({
        ParamSpec::real("input_scale", 0.5,
                        "evidence = input_scale * (noise * N(0,1) + bias sign) (Miconi INPUTMULT)"),
        ParamSpec::real("bias", 0.5,
                        "|mean| of each modality's evidence before scaling (ALPHABIAS)")
            .at_least(0),
        ParamSpec::real(
            "noise", 1.0,
            "evidence noise sd before scaling at dt = 1 ms; per step: noise/sqrt(dt/ms)")
            .at_least(0),
        ParamSpec::real("context_amplitude", 1.0, "value of the active context channel all trial"),
        ParamSpec::real("target", 1.0, "|target| of the output: the sign of the attended bias")
            .above(0),
        ParamSpec::text("order", "cyclic",
                        "condition sequence: 'cyclic' (0, 1, 2, 3, ... as Miconi) or 'random'")
            .one_of({"cyclic", "random"}),
        Base::correct_below_param("response"),
        Base::policy_gain_param(
            "REINFORCE policy: P(+) = sigmoid(gain * mean z over the response)"),
    });
  }

  explicit SelectiveIntegration(const sdk::ParamSet& p)
      : Base(p.real("correct_below"), p.real("policy_gain")),
        ms_(kPeriods.read(p)),
        scale_(p.real("input_scale")),
        bias_(p.real("bias")),
        noise_(p.real("noise")),
        context_(p.real("context_amplitude")),
        target_(p.real("target")),
        random_order_(p.text("order") == "random") {}

  void setup(const sdk::TaskSetup& s) override {
    steps_ = ms_.lay_out(s.dt);
    if (steps_[kEvidence].end > steps_[kTrial].length)
      throw sdk::ParameterError("trial", "the trial must hold pre_evidence + evidence");
    if (steps_[kResponse].length > steps_[kTrial].length)
      throw sdk::ParameterError("response", "the response window is longer than the trial");
    noise_sd_ = noise_ / std::sqrt(s.dt);
  }

  // The attended modality (the context) and the sign of its bias, the target's.
  std::string condition_name(int c) const override {
    return std::string("context ") + (c % 2 == 0 ? "1 " : "2 ") + (c < 2 ? "+" : "-");
  }

  sdk::TaskLayout layout() const override { return {4, 1, steps_[kTrial].length, 4}; }

  void make_trial(std::int64_t trial, sdk::Rng& rng, sdk::TrialSpec& out) const override {
    const int T = steps_[kTrial].length;
    out.condition = random_order_ ? static_cast<int>(rng.below(4)) : static_cast<int>(trial % 4);
    const int attended = out.condition % 2;  // 0 = modality 1, 1 = modality 2
    double sign[2];
    sign[attended] = out.condition < 2 ? 1.0 : -1.0;
    sign[1 - attended] = rng.uniform() < 0.5 ? 1.0 : -1.0;  // the ignored modality: a coin flip
    out.input.setZero(4, T);
    for (int s = steps_[kEvidence].begin; s < steps_[kEvidence].end; ++s)
      for (int m = 0; m < 2; ++m)
        out.input(m, s) = scale_ * (noise_sd_ * rng.normal() + sign[m] * bias_);
    out.input.row(2 + attended).setConstant(context_);
    out.response_end = T;
    out.response_begin = T - steps_[kResponse].length;
    out.target.setConstant(1, T, sign[attended] * target_);
  }

 private:
  // The rewarded action: "+" (1) exactly when the attended bias, hence the target, is positive.
  int correct_action(const sdk::TrialSpec& t) const override {
    return Base::action_of_target_sign(t);
  }

  static constexpr std::size_t kEvidence = kPeriods.index("evidence"),
                               kTrial = kPeriods.index("trial"),
                               kResponse = kPeriods.index("response");

  sdk::PeriodDurations<kPeriods.size()> ms_;
  sdk::PeriodLayout<kPeriods.size()> steps_;
  double scale_, bias_, noise_, context_, target_;
  bool random_order_;
  double noise_sd_ = 0;
};

}  // namespace neohebb::plugins
