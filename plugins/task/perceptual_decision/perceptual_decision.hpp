#pragma once
#include <cmath>
#include <cstddef>
#include <sstream>
#include <string>
#include <vector>

#include <neohebb/sdk/binary_choice_task.hpp>
#include <neohebb/sdk/parameters.hpp>
#include <neohebb/sdk/trial_periods.hpp>

namespace neohebb::plugins {

// Two-alternative perceptual decision on noisy motion evidence (neurogym
// PerceptualDecisionMaking; Britten et al. 1992): two stimulus channels, one per direction
// theta_k = k pi, at 0.5 + (coh/200) cos(theta_k - theta_gt) plus white noise; the output must be
// +target for direction 0 and -target for direction pi once the fixation channel goes off.
// Condition = direction * n_coherences + coherence index. Reward = -mean |z - target| over the
// decision window.
template <class S>
class PerceptualDecision final : public sdk::BinaryChoiceTask<S> {
  using Base = sdk::BinaryChoiceTask<S>;

 public:
  static constexpr sdk::TrialPeriods kPeriods{
      sdk::period("fixation", 100.0, "fixation only, before the stimulus"),
      sdk::required_period("stimulus", 2000.0, "noisy motion evidence on the stimulus channels"),
      sdk::period("delay", 0.0, "delay between the stimulus and the decision"),
      sdk::required_period("decision", 100.0,
                           "decision window (fixation off): the only scored steps"),
  };

  static sdk::ParamSchema schema() {
    using sdk::ParamSpec;
    return kPeriods.schema({
        ParamSpec::reals("coherences", {0.0, 6.4, 12.8, 25.6, 51.2},
                         "motion coherences (%); one drawn uniformly per trial")
            .at_least(0)
            .at_most(100),
        ParamSpec::real("sigma", 1.0,
                        "stimulus noise; per-step sd = sigma / sqrt(dt / ms) (neurogym scaling)")
            .at_least(0),
        ParamSpec::real("target", 1.0,
                        "|target| of the output: +target for direction 0, -target for pi")
            .above(0),
        ParamSpec::text("order", "random",
                        "condition sequence: 'random' (as neurogym) or 'cyclic' (0, 1, 2, ...)")
            .one_of({"cyclic", "random"}),
        Base::correct_below_param("decision"),
        Base::policy_gain_param(
            "REINFORCE policy: P(direction 0) = sigmoid(gain * mean z over decision)"),
    });
  }

  explicit PerceptualDecision(const sdk::ParamSet& p)
      : Base(p.real("correct_below"), p.real("policy_gain")),
        ms_(kPeriods.read(p)),
        coherences_(p.reals("coherences")),
        sigma_(p.real("sigma")),
        target_(p.real("target")),
        random_order_(p.text("order") == "random") {
    if (coherences_.empty())
      throw sdk::ParameterError("coherences", "coherences must not be empty");
  }

  void setup(const sdk::TaskSetup& s) override {
    steps_ = ms_.lay_out(s.dt);
    noise_sd_ = sigma_ / std::sqrt(s.dt);
  }

  // The direction of the evidence (the sign of the target) and its coherence.
  std::string condition_name(int c) const override {
    const int n_coh = static_cast<int>(coherences_.size());
    std::ostringstream out;
    out << (c / n_coh == 0 ? "+" : "-") << " coherence " << coherences_[std::size_t(c % n_coh)];
    return out.str();
  }

  sdk::TaskLayout layout() const override {
    return {3, 1, steps_.total(), 2 * static_cast<int>(coherences_.size())};
  }

  void make_trial(std::int64_t trial, sdk::Rng& rng, sdk::TrialSpec& out) const override {
    const sdk::TaskLayout lay = layout();
    const int n_coh = static_cast<int>(coherences_.size());
    int direction, coh_index;
    if (random_order_) {
      direction = static_cast<int>(rng.below(2));
      coh_index = static_cast<int>(rng.below(n_coh));
    } else {
      const int c = static_cast<int>(trial % lay.conditions);
      direction = c / n_coh;
      coh_index = c % n_coh;
    }
    out.condition = direction * n_coh + coh_index;
    const double coh = coherences_[coh_index];
    const sdk::PeriodSteps &stimulus = steps_[kStimulus], &decision = steps_[kDecision];
    out.input.setZero(3, lay.steps);
    out.input.block(0, 0, 1, decision.begin).setConstant(1.0);  // fixation channel
    for (int s = stimulus.begin; s < stimulus.end; ++s)
      for (int k = 0; k < 2; ++k) {
        const double mean = 0.5 + (coh / 200.0) * (k == direction ? 1.0 : -1.0);  // cos(0), cos(pi)
        out.input(1 + k, s) = mean + noise_sd_ * rng.normal();
      }
    out.response_begin = decision.begin;
    out.response_end = decision.end;
    out.target.setConstant(1, lay.steps, direction == 0 ? target_ : -target_);
  }

 private:
  // The rewarded action: direction 0 (1) exactly when the target is positive.
  int correct_action(const sdk::TrialSpec& t) const override {
    return Base::action_of_target_sign(t);
  }

  static constexpr std::size_t kStimulus = kPeriods.index("stimulus"),
                               kDecision = kPeriods.index("decision");

  sdk::PeriodDurations<kPeriods.size()> ms_;
  sdk::PeriodLayout<kPeriods.size()> steps_;
  std::vector<double> coherences_;
  double sigma_, target_;
  bool random_order_;
  double noise_sd_ = 0;
};

}  // namespace neohebb::plugins
