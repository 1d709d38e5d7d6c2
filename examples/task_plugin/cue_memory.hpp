#pragma once
#include <cstddef>
#include <cstdint>

#include <neohebb/sdk/parameters.hpp>
#include <neohebb/sdk/scalar.hpp>
#include <neohebb/sdk/task.hpp>
#include <neohebb/sdk/trial_periods.hpp>

namespace example {

using namespace neohebb;

// Remember the sign of a brief cue across a delay: the cue channel is +amplitude or -amplitude
// for `cue` ms, then silence for `delay` ms, then the output must take the cue's sign during the
// `response` window. Conditions: 0 = negative cue, 1 = positive cue, drawn at random.
template <class S>
class CueMemory final : public sdk::Task<S> {
 public:
  // The trial's periods, declared once: their schema entries, reading and layout in steps of dt
  // come from this (see neohebb/sdk/trial_periods.hpp).
  static constexpr sdk::TrialPeriods kPeriods{
      sdk::required_period("cue", 100.0, "duration of the cue"),
      sdk::period("delay", 200.0, "delay between cue and response"),
      sdk::required_period("response", 100.0, "response window (the scored steps)"),
  };

  static sdk::ParamSchema schema() {
    using sdk::ParamSpec;
    return kPeriods.schema({
        ParamSpec::real("amplitude", 1.0, "absolute value of the cue input"),
        ParamSpec::real("target", 1.0, "|target| of the output").above(0),
    });
  }

  explicit CueMemory(const sdk::ParamSet& p)
      : ms_(kPeriods.read(p)), amplitude_(p.real("amplitude")), target_(p.real("target")) {}

  void setup(const sdk::TaskSetup& s) override { steps_ = ms_.lay_out(s.dt); }

  sdk::TaskLayout layout() const override { return {1, 1, steps_.total(), 2}; }

  void make_trial(std::int64_t, sdk::Rng& rng, sdk::TrialSpec& out) const override {
    const int T = layout().steps;
    out.condition = static_cast<int>(rng.below(2));
    const double sign = out.condition == 1 ? 1.0 : -1.0;
    out.input.setZero(1, T);
    out.input.middleCols(steps_[kCue].begin, steps_[kCue].length).setConstant(sign * amplitude_);
    out.target.setConstant(1, T, sign * target_);
    out.response_begin = steps_[kResponse].begin;
    out.response_end = steps_[kResponse].end;
  }

  // Reward: minus the mean absolute error over the response window (abs_cs keeps it
  // complex-step safe), and its gradient with respect to the output.
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
    S mean(0);
    for (int s = t.response_begin; s < t.response_end; ++s) mean += z(0, s);
    return (sdk::real_part(mean) > 0) == (t.condition == 1);
  }

 private:
  static constexpr std::size_t kCue = kPeriods.index("cue"), kResponse = kPeriods.index("response");

  sdk::PeriodDurations<kPeriods.size()> ms_;
  sdk::PeriodLayout<kPeriods.size()> steps_;
  double amplitude_, target_;
};

}  // namespace example
