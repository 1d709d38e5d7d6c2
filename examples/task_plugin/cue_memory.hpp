#pragma once
#include <cstdint>

#include <neohebb/sdk/parameters.hpp>
#include <neohebb/sdk/scalar.hpp>
#include <neohebb/sdk/task.hpp>

namespace example {

using namespace neohebb;

// Remember the sign of a brief cue across a delay: the cue channel is +amplitude or -amplitude
// for `cue` ms, then silence for `delay` ms, then the output must take the cue's sign during the
// `response` window. Conditions: 0 = negative cue, 1 = positive cue, drawn at random.
template <class S>
class CueMemory final : public sdk::Task<S> {
 public:
  static sdk::ParamSchema schema() {
    using sdk::ParamSpec;
    return {
        ParamSpec::real("cue", 100.0, "duration of the cue").with_unit("ms").above(0),
        ParamSpec::real("delay", 200.0, "delay between cue and response")
            .with_unit("ms")
            .at_least(0),
        ParamSpec::real("response", 100.0, "response window (the scored steps)")
            .with_unit("ms")
            .above(0),
        ParamSpec::real("amplitude", 1.0, "absolute value of the cue input"),
        ParamSpec::real("target", 1.0, "|target| of the output").above(0),
    };
  }

  explicit CueMemory(const sdk::ParamSet& p)
      : cue_ms_(p.real("cue")),
        delay_ms_(p.real("delay")),
        response_ms_(p.real("response")),
        amplitude_(p.real("amplitude")),
        target_(p.real("target")) {}

  void setup(const sdk::TaskSetup& s) override {
    cue_ = static_cast<int>(cue_ms_ / s.dt + 0.5);
    delay_ = static_cast<int>(delay_ms_ / s.dt + 0.5);
    response_ = static_cast<int>(response_ms_ / s.dt + 0.5);
    if (cue_ < 1) throw sdk::ParameterError("cue", "the cue must last at least one step dt");
    if (response_ < 1)
      throw sdk::ParameterError("response", "the response window must last at least one step dt");
  }

  sdk::TaskLayout layout() const override { return {1, 1, cue_ + delay_ + response_, 2}; }

  void make_trial(std::int64_t, sdk::Rng& rng, sdk::TrialSpec& out) const override {
    const int T = layout().steps;
    out.condition = static_cast<int>(rng.below(2));
    const double sign = out.condition == 1 ? 1.0 : -1.0;
    out.input.setZero(1, T);
    out.input.leftCols(cue_).setConstant(sign * amplitude_);
    out.target.setConstant(1, T, sign * target_);
    out.response_begin = T - response_;
    out.response_end = T;
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
  double cue_ms_, delay_ms_, response_ms_, amplitude_, target_;
  int cue_ = 0, delay_ = 0, response_ = 0;
};

}  // namespace example
