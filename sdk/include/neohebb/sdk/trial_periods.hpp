#pragma once
// Trial periods: a task declares its named periods once, in ms, and gets from that one
// declaration its schema entries, the durations read from its ParamSet, and their layout in steps
// of dt under one rounding rule:
//
//   static constexpr sdk::TrialPeriods kPeriods{
//       sdk::period("fixation", 100.0, "fixation only, before the stimulus"),
//       sdk::required_period("stimulus", 500.0, "the stimulus"),
//       sdk::required_period("decision", 100.0, "decision window: the only scored steps"),
//   };
//   static constexpr std::size_t kDecision = kPeriods.index("decision");  // a typo: no compile
//
//   static sdk::ParamSchema schema() { return kPeriods.schema({/* other parameters */}); }
//   explicit MyTask(const sdk::ParamSet& p) : ms_(kPeriods.read(p)) {}
//   void setup(const sdk::TaskSetup& s) override { steps_ = ms_.lay_out(s.dt); }
//   // then steps_[kDecision].begin, .length and .end; steps_.total() is T
//
//   sdk::PeriodDurations<kPeriods.size()> ms_;
//   sdk::PeriodLayout<kPeriods.size()> steps_;
//
// The rounding rule (duration_steps): a duration of ms milliseconds lasts lround(ms / dt) steps
// (halves away from zero), except that a positive duration never vanishes: it lasts at least one
// step. A duration of 0 ms lasts 0 steps. Periods are laid out back to back in declaration order,
// starting at step 0; T is the end of the last one.
//
// A required period must be > 0 (the schema says `above(0)`, so the host refuses 0 at its position
// in the file); any other must be >= 0. A duration declared with `duration` / `required_duration`
// is read and rounded the same way but not placed in the sequence (e.g. a whole-trial length or a
// window counted back from the trial's end): its entry in the layout has begin 0 and end = length.
#include <array>
#include <cmath>
#include <concepts>
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

#include "neohebb/sdk/errors.hpp"
#include "neohebb/sdk/parameters.hpp"

namespace neohebb::sdk {

// The most steps a duration, or a whole trial, may last.
inline constexpr int kMaxSteps = std::numeric_limits<int>::max();

// The rounding rule, for any one duration: lround(ms / dt), but at least one step when ms > 0.
// Throws sdk::Error when ms is negative or not a number, dt is not positive, or the result does
// not fit in kMaxSteps.
inline int duration_steps(double ms, double dt) {
  if (!(dt > 0)) throw Error("a step dt must be > 0 ms");
  if (!(ms >= 0)) throw Error("a duration must be >= 0 ms");
  const double n = ms / dt;
  if (!(n < kMaxSteps)) throw Error("a duration lasts more than 2147483647 steps of dt");
  const long steps = std::lround(n);
  return ms > 0 && steps < 1 ? 1 : static_cast<int>(steps);
}

// One declared period. Build it with period, required_period, duration or required_duration.
struct PeriodSpec {
  std::string_view name;
  double default_ms = 0;
  std::string_view doc;
  bool required = false;    // must be > 0 (else >= 0)
  bool in_sequence = true;  // laid out back to back with the other periods of the sequence

  // Its schema entry: a real in ms with the default and doc, >= 0, or > 0 when required.
  ParamSpec param() const {
    ParamSpec s = ParamSpec::real(std::string(name), default_ms, std::string(doc)).with_unit("ms");
    return required ? std::move(s).above(0) : std::move(s).at_least(0);
  }
};

// A period of the sequence that may be 0 ms (then it lasts 0 steps).
constexpr PeriodSpec period(std::string_view name, double default_ms, std::string_view doc) {
  return {name, default_ms, doc, false, true};
}
// A period of the sequence that must last > 0 ms: a stimulus, a response window.
constexpr PeriodSpec required_period(std::string_view name, double default_ms,
                                     std::string_view doc) {
  return {name, default_ms, doc, true, true};
}
// A duration outside the sequence, >= 0 ms.
constexpr PeriodSpec duration(std::string_view name, double default_ms, std::string_view doc) {
  return {name, default_ms, doc, false, false};
}
// A duration outside the sequence that must last > 0 ms.
constexpr PeriodSpec required_duration(std::string_view name, double default_ms,
                                       std::string_view doc) {
  return {name, default_ms, doc, true, false};
}

// A period in steps: [begin, end), end = begin + length.
struct PeriodSteps {
  int begin = 0;
  int length = 0;
  int end = 0;
};

// The periods of one declaration laid out for one dt.
template <std::size_t N>
class PeriodLayout {
 public:
  const PeriodSteps& operator[](std::size_t i) const { return steps_[i]; }
  int total() const { return total_; }  // T: the end of the sequence's last period
  static constexpr std::size_t size() { return N; }

 private:
  template <std::size_t>
  friend class PeriodDurations;
  std::array<PeriodSteps, N> steps_{};
  int total_ = 0;
};

template <std::size_t N>
class TrialPeriods;

// The durations (ms) a task instance was given, read by TrialPeriods::read.
template <std::size_t N>
class PeriodDurations {
 public:
  double operator[](std::size_t i) const { return ms_[i]; }
  static constexpr std::size_t size() { return N; }

  // The layout in steps of dt. A period or trial longer than kMaxSteps steps throws
  // sdk::ParameterError naming the period.
  PeriodLayout<N> lay_out(double dt) const {
    if (!(dt > 0)) throw Error("a step dt must be > 0 ms");
    PeriodLayout<N> out;
    long long at = 0;
    for (std::size_t i = 0; i < N; ++i) {
      const std::string name(specs_[i].name);
      if (!(ms_[i] / dt < kMaxSteps))
        throw ParameterError(name, name + " lasts more than 2147483647 steps of dt");
      const int n = duration_steps(ms_[i], dt);
      if (!specs_[i].in_sequence) {
        out.steps_[i] = {0, n, n};
        continue;
      }
      if (at + n > kMaxSteps)
        throw ParameterError(name, "the trial lasts more than 2147483647 steps of dt");
      const int begin = static_cast<int>(at);
      out.steps_[i] = {begin, n, begin + n};
      at += n;
    }
    out.total_ = static_cast<int>(at);
    return out;
  }

 private:
  friend class TrialPeriods<N>;
  PeriodDurations(const std::array<PeriodSpec, N>& specs, const std::array<double, N>& ms)
      : specs_(specs), ms_(ms) {}
  std::array<PeriodSpec, N> specs_;
  std::array<double, N> ms_;
};

// A task's declaration of its periods, in order. Usually a static constexpr member of the task.
template <std::size_t N>
class TrialPeriods {
 public:
  // One PeriodSpec per period, in order (N is deduced from their number).
  constexpr TrialPeriods(const std::same_as<PeriodSpec> auto&... specs) : specs_{specs...} {
    static_assert(sizeof...(specs) == N, "TrialPeriods<N> takes N periods");
  }

  static constexpr std::size_t size() { return N; }
  constexpr const PeriodSpec& operator[](std::size_t i) const { return specs_[i]; }

  // The position of the period `name`; as a constant expression, an unknown name fails to
  // compile.
  constexpr std::size_t index(std::string_view name) const {
    for (std::size_t i = 0; i < N; ++i)
      if (specs_[i].name == name) return i;
    throw Error("no period named '" + std::string(name) + "'");
  }

  // The periods' schema entries, in order, followed by `rest`.
  ParamSchema schema(ParamSchema rest = {}) const {
    ParamSchema out;
    out.reserve(N + rest.size());
    for (const auto& s : specs_) out.push_back(s.param());
    for (auto& r : rest) out.push_back(std::move(r));
    return out;
  }

  // The durations from `p` (which the host has checked against schema()). Checked again here, for
  // ParamSets built without the host (tests): sdk::ParameterError on a value out of range.
  PeriodDurations<N> read(const ParamSet& p) const {
    std::array<double, N> ms{};
    for (std::size_t i = 0; i < N; ++i) {
      const std::string name(specs_[i].name);
      ms[i] = p.real(name);
      if (specs_[i].required ? !(ms[i] > 0) : !(ms[i] >= 0))
        throw ParameterError(name,
                             name + (specs_[i].required ? " must be > 0 ms" : " must be >= 0 ms"));
    }
    return PeriodDurations<N>(specs_, ms);
  }

 private:
  std::array<PeriodSpec, N> specs_;
};

template <class... P>
TrialPeriods(const P&...) -> TrialPeriods<sizeof...(P)>;

}  // namespace neohebb::sdk
