#include <gtest/gtest.h>

#include <cmath>

#include <neohebb/sdk/testing/derivative_check.hpp>
#include <neohebb/sdk/testing/task_testing.hpp>

#include "cue_memory.hpp"

using namespace neohebb;

TEST(CueMemory, DerivativesMatchComplexStep) {
  const auto report = sdk::testing::check_derivatives<example::CueMemory>(
      sdk::defaults_of(example::CueMemory<double>::schema()));
  EXPECT_TRUE(report.ok()) << report.table();
}

// At dt = 5 ms a 1 ms cue still lasts one step (a positive period never vanishes).
TEST(CueMemory, NoPeriodVanishesAtACoarseStep) {
  sdk::ParamSet p;
  p.set("cue", 1.0);
  const auto task = sdk::testing::make_task<example::CueMemory>(p, 5.0);
  EXPECT_EQ(task.layout().steps, 1 + 40 + 20);
  sdk::Rng rng(1);
  sdk::TrialSpec t;
  task.make_trial(0, rng, t);
  EXPECT_EQ(std::abs(t.input(0, 0)), 1.0);
  EXPECT_EQ(t.input(0, 1), 0.0);
  EXPECT_EQ(t.response_begin, 41);
  EXPECT_EQ(t.response_end, 61);
}
