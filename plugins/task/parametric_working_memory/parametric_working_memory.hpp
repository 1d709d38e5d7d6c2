#pragma once
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <sstream>
#include <string>
#include <vector>

#include <neohebb/sdk/binary_choice_task.hpp>
#include <neohebb/sdk/parameters.hpp>
#include <neohebb/sdk/trial_periods.hpp>

namespace neohebb::plugins {

// Parametric working memory / delayed frequency comparison (neurogym DelayComparison; Romo et al.
// 1999, Barak et al. 2010): a first vibration frequency f1, a delay, a second frequency f2, each
// shown as (1 + v') / 2 with v' = (v - vmin) / (vmax - vmin) on one noisy stimulus channel; the
// output must be +target if f1 > f2 and -target otherwise, once the fixation channel goes off.
// Condition = 2 * pair + swapped (swapped: the pair's second value is shown first).
// Reward = -mean |z - target| over the decision window.
template <class S>
class ParametricWorkingMemory final : public sdk::BinaryChoiceTask<S> {
  using Base = sdk::BinaryChoiceTask<S>;

 public:
  static constexpr sdk::TrialPeriods kPeriods{
      sdk::period("fixation", 500.0, "fixation only, before the first stimulus"),
      sdk::required_period("stimulus1", 500.0, "first frequency f1"),
      sdk::period("delay", 1000.0, "delay between the two frequencies"),
      sdk::required_period("stimulus2", 500.0, "second frequency f2"),
      sdk::required_period("decision", 100.0,
                           "decision window (fixation off): the only scored steps"),
  };

  static sdk::ParamSchema schema() {
    using sdk::ParamSpec;
    return kPeriods.schema({
        ParamSpec::reals(
            "frequency_pairs", {18, 10, 22, 14, 26, 18, 30, 22, 34, 26},
            "flattened (a, b) pairs, a != b, each shown as (a, b) or (b, a); vmin/vmax = range")
            .with_unit("Hz"),
        ParamSpec::real("sigma", 1.0,
                        "stimulus noise; per-step sd = sigma / sqrt(dt / ms) (neurogym scaling)")
            .at_least(0),
        ParamSpec::real("target", 1.0, "|target| of the output: +target if f1 > f2, else -target")
            .above(0),
        ParamSpec::text("order", "random",
                        "condition sequence: 'random' (as neurogym) or 'cyclic' (0, 1, 2, ...)")
            .one_of({"cyclic", "random"}),
        Base::correct_below_param("decision"),
        Base::policy_gain_param(
            "REINFORCE policy: P(f1 > f2) = sigmoid(gain * mean z over the decision)"),
    });
  }

  explicit ParametricWorkingMemory(const sdk::ParamSet& p)
      : Base(p.real("correct_below"), p.real("policy_gain")),
        ms_(kPeriods.read(p)),
        pairs_(p.reals("frequency_pairs")),
        sigma_(p.real("sigma")),
        target_(p.real("target")),
        random_order_(p.text("order") == "random") {
    if (pairs_.empty() || pairs_.size() % 2 != 0)
      throw sdk::ParameterError("frequency_pairs",
                                "frequency_pairs must hold an even, nonzero number of values");
    for (std::size_t i = 0; i < pairs_.size(); i += 2)
      if (pairs_[i] == pairs_[i + 1])
        throw sdk::ParameterError("frequency_pairs",
                                  "the two frequencies of a pair must differ (else no answer)");
    vmin_ = *std::min_element(pairs_.begin(), pairs_.end());
    vmax_ = *std::max_element(pairs_.begin(), pairs_.end());
  }

  void setup(const sdk::TaskSetup& s) override {
    steps_ = ms_.lay_out(s.dt);
    noise_sd_ = sigma_ / std::sqrt(s.dt);
  }

  // The two frequencies in the order shown: "f1 > f2" is rewarded +target.
  std::string condition_name(int c) const override {
    const int pair = c / 2, swapped = c % 2;
    const double f1 = pairs_[std::size_t(2 * pair + swapped)],
                 f2 = pairs_[std::size_t(2 * pair + 1 - swapped)];
    std::ostringstream out;
    out << f1 << (f1 > f2 ? " > " : " < ") << f2;
    return out.str();
  }

  sdk::TaskLayout layout() const override {
    return {2, 1, steps_.total(), static_cast<int>(pairs_.size())};  // pairs x 2 orders
  }

  void make_trial(std::int64_t trial, sdk::Rng& rng, sdk::TrialSpec& out) const override {
    const sdk::TaskLayout lay = layout();
    int pair, swapped;
    if (random_order_) {
      pair = static_cast<int>(rng.below(lay.conditions / 2));
      swapped = static_cast<int>(rng.below(2));
    } else {
      const int c = static_cast<int>(trial % lay.conditions);
      pair = c / 2;
      swapped = c % 2;
    }
    out.condition = 2 * pair + swapped;
    const double f1 = pairs_[2 * pair + swapped], f2 = pairs_[2 * pair + 1 - swapped];
    const sdk::PeriodSteps& decision = steps_[kDecision];
    out.input.setZero(2, lay.steps);
    out.input.block(0, 0, 1, decision.begin).setConstant(1.0);  // fixation channel
    stimulus(f1, steps_[kStim1], rng, out);
    stimulus(f2, steps_[kStim2], rng, out);
    out.response_begin = decision.begin;
    out.response_end = decision.end;
    out.target.setConstant(1, lay.steps, f1 > f2 ? target_ : -target_);
  }

 private:
  // The rewarded action: "f1 > f2" (1) exactly when the target is positive.
  int correct_action(const sdk::TrialSpec& t) const override {
    return Base::action_of_target_sign(t);
  }

  static constexpr std::size_t kStim1 = kPeriods.index("stimulus1"),
                               kStim2 = kPeriods.index("stimulus2"),
                               kDecision = kPeriods.index("decision");

  // Frequency v on the stimulus channel as (1 + v') / 2, v' = (v - vmin) / (vmax - vmin), plus
  // noise, during the period `when`.
  void stimulus(double v, const sdk::PeriodSteps& when, sdk::Rng& rng, sdk::TrialSpec& out) const {
    const double level = (1.0 + (v - vmin_) / (vmax_ - vmin_)) / 2.0;
    for (int s = when.begin; s < when.end; ++s) out.input(1, s) = level + noise_sd_ * rng.normal();
  }

  sdk::PeriodDurations<kPeriods.size()> ms_;
  sdk::PeriodLayout<kPeriods.size()> steps_;
  std::vector<double> pairs_;
  double sigma_, target_;
  bool random_order_;
  double vmin_ = 0, vmax_ = 1, noise_sd_ = 0;
};

}  // namespace neohebb::plugins
