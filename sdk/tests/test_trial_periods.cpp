#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include <neohebb/sdk/task.hpp>
#include <neohebb/sdk/trial_periods.hpp>

using namespace neohebb;

namespace {

constexpr sdk::TrialPeriods kPeriods{
    sdk::period("pre", 1.0, "silent step before the stimulus"),
    sdk::required_period("stimulus", 200.0, "the stimulus"),
    sdk::period("delay", 0.0, "a delay, off by default"),
    sdk::required_period("response", 100.0, "the scored window"),
    sdk::required_duration("trial", 700.0, "a whole-trial length, outside the sequence"),
    sdk::duration("tail", 50.0, "a window counted back from the end, outside the sequence"),
};
constexpr std::size_t kPre = kPeriods.index("pre"), kStimulus = kPeriods.index("stimulus"),
                      kDelay = kPeriods.index("delay"), kResponse = kPeriods.index("response"),
                      kTrial = kPeriods.index("trial"), kTail = kPeriods.index("tail");

sdk::PeriodLayout<6> lay_out(const sdk::ParamSet& overrides, double dt) {
  return kPeriods.read(sdk::defaults_of(kPeriods.schema(), overrides)).lay_out(dt);
}

}  // namespace

TEST(TrialPeriods, RoundsToNearestWithHalvesAwayFromZero) {
  EXPECT_EQ(sdk::duration_steps(200.0, 1.0), 200);
  EXPECT_EQ(sdk::duration_steps(199.0, 5.0), 40);  // 39.8
  EXPECT_EQ(sdk::duration_steps(12.0, 5.0), 2);    // 2.4
  EXPECT_EQ(sdk::duration_steps(12.5, 5.0), 3);    // 2.5: away from zero
  EXPECT_EQ(sdk::duration_steps(7.5, 5.0), 2);     // 1.5
  EXPECT_EQ(sdk::duration_steps(2.5, 5.0), 1);     // 0.5
  EXPECT_EQ(sdk::duration_steps(0.5, 1.0), 1);
  EXPECT_EQ(sdk::duration_steps(1.49, 1.0), 1);
}

TEST(TrialPeriods, APositiveDurationLastsAtLeastOneStep) {
  EXPECT_EQ(sdk::duration_steps(1.0, 5.0), 1);  // lround(0.2) = 0
  EXPECT_EQ(sdk::duration_steps(2.4, 5.0), 1);
  EXPECT_EQ(sdk::duration_steps(0.2, 1.0), 1);
  EXPECT_EQ(sdk::duration_steps(1e-9, 1000.0), 1);
  EXPECT_EQ(sdk::duration_steps(std::numeric_limits<double>::denorm_min(), 1.0), 1);
  EXPECT_EQ(sdk::duration_steps(0.0, 5.0), 0);  // zero stays zero
}

TEST(TrialPeriods, RefusesDurationsWithoutAStepCount) {
  EXPECT_THROW(sdk::duration_steps(-1.0, 1.0), sdk::Error);
  EXPECT_THROW(sdk::duration_steps(std::nan(""), 1.0), sdk::Error);
  EXPECT_THROW(sdk::duration_steps(std::numeric_limits<double>::infinity(), 1.0), sdk::Error);
  EXPECT_THROW(sdk::duration_steps(1e10, 1.0), sdk::Error);  // more steps than an int holds
  EXPECT_THROW(sdk::duration_steps(1.0, 0.0), sdk::Error);
  EXPECT_EQ(sdk::duration_steps(2147483646.0, 1.0), 2147483646);
}

// sdk::steps, kept for plugins that call it, follows the same rule.
TEST(TrialPeriods, StepsForwardsToTheRule) {
  for (double ms : {0.0, 0.2, 1.0, 2.5, 3.0, 12.5, 199.0, 200.0, 1e6})
    EXPECT_EQ(sdk::steps(ms, 5.0), sdk::duration_steps(ms, 5.0)) << ms;
  EXPECT_EQ(sdk::steps(1.0, 5.0), 1);
}

TEST(TrialPeriods, LaysOutTheSequenceBackToBack) {
  const auto steps = lay_out({}, 1.0);
  EXPECT_EQ(steps[kPre].begin, 0);
  EXPECT_EQ(steps[kPre].length, 1);
  EXPECT_EQ(steps[kPre].end, 1);
  EXPECT_EQ(steps[kStimulus].begin, 1);
  EXPECT_EQ(steps[kStimulus].length, 200);
  EXPECT_EQ(steps[kStimulus].end, 201);
  EXPECT_EQ(steps[kDelay].begin, 201);  // a zero period: empty, in its place
  EXPECT_EQ(steps[kDelay].length, 0);
  EXPECT_EQ(steps[kDelay].end, 201);
  EXPECT_EQ(steps[kResponse].begin, 201);
  EXPECT_EQ(steps[kResponse].end, 301);
  EXPECT_EQ(steps.total(), 301);
  // Durations outside the sequence: same rule, not placed, not counted in T.
  EXPECT_EQ(steps[kTrial].begin, 0);
  EXPECT_EQ(steps[kTrial].length, 700);
  EXPECT_EQ(steps[kTrial].end, 700);
  EXPECT_EQ(steps[kTail].length, 50);
}

// Each period is rounded on its own and the starts are sums of rounded lengths (no drift from
// rounding cumulative times).
TEST(TrialPeriods, NoPeriodVanishesAtACoarseStep) {
  sdk::ParamSet p;
  p.set("stimulus", 12.5);  // 2.5 steps: 3
  p.set("delay", 7.4);      // 1.48 steps: 1
  p.set("tail", 0.3);       // outside the sequence: at least one step too
  const auto steps = lay_out(p, 5.0);
  EXPECT_EQ(steps[kPre].length, 1);  // 1 ms at dt = 5 ms
  EXPECT_EQ(steps[kStimulus].begin, 1);
  EXPECT_EQ(steps[kStimulus].length, 3);
  EXPECT_EQ(steps[kDelay].begin, 4);
  EXPECT_EQ(steps[kDelay].length, 1);
  EXPECT_EQ(steps[kResponse].begin, 5);
  EXPECT_EQ(steps[kResponse].length, 20);
  EXPECT_EQ(steps.total(), 25);
  EXPECT_EQ(steps[kTrial].length, 140);
  EXPECT_EQ(steps[kTail].length, 1);
  // Every positive period of a whole number of steps keeps its exact length.
  const auto fine = lay_out(p, 0.5);
  EXPECT_EQ(fine[kPre].length, 2);
  EXPECT_EQ(fine[kStimulus].length, 25);
  EXPECT_EQ(fine.total(), 2 + 25 + 15 + 200);  // 7.4 / 0.5 = 14.8
}

TEST(TrialPeriods, SchemaEntriesAndTheirRanges) {
  sdk::ParamSchema extra{sdk::ParamSpec::real("target", 1.0, "the task's own parameter")};
  const auto schema = kPeriods.schema(std::move(extra));
  ASSERT_EQ(schema.size(), 7u);
  const char* names[] = {"pre", "stimulus", "delay", "response", "trial", "tail", "target"};
  for (std::size_t i = 0; i < schema.size(); ++i) EXPECT_EQ(schema[i].name, names[i]);
  for (std::size_t i = 0; i < kPeriods.size(); ++i) {
    const auto& s = schema[i];
    EXPECT_EQ(s.type, sdk::ParamType::Real);
    EXPECT_EQ(s.unit, "ms");
    EXPECT_EQ(s.doc, std::string(kPeriods[i].doc));
    ASSERT_TRUE(s.default_value);
    EXPECT_EQ(std::get<double>(*s.default_value), kPeriods[i].default_ms);
    ASSERT_TRUE(s.min);
    EXPECT_EQ(*s.min, 0.0);
    EXPECT_EQ(s.min_exclusive, kPeriods[i].required) << s.name;  // > 0 or >= 0
    EXPECT_FALSE(s.max);
  }
  EXPECT_TRUE(schema[kStimulus].min_exclusive);
  EXPECT_TRUE(schema[kResponse].min_exclusive);
  EXPECT_TRUE(schema[kTrial].min_exclusive);
  EXPECT_FALSE(schema[kPre].min_exclusive);
  EXPECT_FALSE(schema[kDelay].min_exclusive);
  EXPECT_FALSE(schema[kTail].min_exclusive);
  EXPECT_EQ(schema[6].name, "target");
  EXPECT_TRUE(schema[6].unit.empty());
}

TEST(TrialPeriods, ReadRefusesValuesOutsideTheSchemaRange) {
  auto read = [](const char* name, double ms) {
    sdk::ParamSet p;
    p.set(name, ms);
    return kPeriods.read(sdk::defaults_of(kPeriods.schema(), p));
  };
  EXPECT_NO_THROW(read("delay", 0.0));
  EXPECT_NO_THROW(read("pre", 0.0));
  for (const char* required : {"stimulus", "response", "trial"}) {
    try {
      read(required, 0.0);
      ADD_FAILURE() << required << " = 0 was accepted";
    } catch (const sdk::ParameterError& e) {
      EXPECT_EQ(e.parameter(), required);
      EXPECT_EQ(std::string(e.what()), std::string(required) + " must be > 0 ms");
    }
  }
  EXPECT_THROW(read("delay", -1.0), sdk::ParameterError);
  EXPECT_THROW(read("tail", std::nan("")), sdk::ParameterError);
  const auto ms = read("stimulus", 12.5);
  EXPECT_EQ(ms[kStimulus], 12.5);
  EXPECT_EQ(ms[kResponse], 100.0);
}

TEST(TrialPeriods, RefusesATrialOfMoreStepsThanAnIntHolds) {
  sdk::ParamSet p;
  p.set("response", 4294967496.0);  // 2^32 + 200 ms: must not wrap to 200 steps
  try {
    lay_out(p, 1.0);
    ADD_FAILURE() << "accepted";
  } catch (const sdk::ParameterError& e) {
    EXPECT_EQ(e.parameter(), "response");
  }
  sdk::ParamSet q;  // each period fits, their sum does not
  q.set("stimulus", 2e9);
  q.set("response", 2e9);
  try {
    lay_out(q, 1.0);
    ADD_FAILURE() << "accepted";
  } catch (const sdk::ParameterError& e) {
    EXPECT_EQ(e.parameter(), "response");
  }
  EXPECT_EQ(lay_out(q, 10.0).total(), 1 + 200000000 + 200000000);  // pre: 0.1 step, so 1
}

TEST(TrialPeriods, IndexFindsEachPeriod) {
  static_assert(kPeriods.size() == 6);
  static_assert(kPeriods.index("pre") == 0 && kPeriods.index("tail") == 5);
  static_assert(kPeriods[kResponse].required && kPeriods[kResponse].in_sequence);
  static_assert(!kPeriods[kTrial].in_sequence);
  EXPECT_THROW(kPeriods.index("no_such_period"), sdk::Error);
}
