#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include <neohebb/sdk/testing/derivative_check.hpp>
#include <neohebb/sdk/testing/task_testing.hpp>

#include "parametric_working_memory.hpp"

using namespace neohebb;
using Task = plugins::ParametricWorkingMemory<double>;
using sdk::testing::make_task;

namespace {
double level(double v) {
  return (1.0 + (v - 10.0) / 24.0) / 2.0;
}
}  // namespace

TEST(ParametricWorkingMemory, DerivativesMatchComplexStep) {
  const auto report = sdk::testing::check_derivatives<plugins::ParametricWorkingMemory>(
      sdk::defaults_of(Task::schema()));
  EXPECT_TRUE(report.ok()) << report.table();
}

// Defaults at dt = 1 ms: f1 on 500-999, f2 on 2000-2499, decision 2500-2599 (fixation channel on
// before it); condition 2 * pair + swapped, target + unless swapped.
TEST(ParametricWorkingMemory, TrialStructure) {
  sdk::ParamSet p;
  p.set("sigma", 0.0);
  p.set("order", std::string("cyclic"));
  const auto task = make_task<plugins::ParametricWorkingMemory>(p);
  const auto lay = task.layout();
  EXPECT_EQ(lay.inputs, 2);
  EXPECT_EQ(lay.outputs, 1);
  EXPECT_EQ(lay.steps, 2600);
  EXPECT_EQ(lay.conditions, 10);
  const double pairs[5][2] = {{18, 10}, {22, 14}, {26, 18}, {30, 22}, {34, 26}};
  for (int trial = 0; trial < 20; ++trial) {
    sdk::Rng rng(trial);
    sdk::TrialSpec t;
    task.make_trial(trial, rng, t);
    ASSERT_EQ(t.condition, trial % 10);
    const int pair = t.condition / 2, swapped = t.condition % 2;
    const double f1 = pairs[pair][swapped], f2 = pairs[pair][1 - swapped];
    EXPECT_DOUBLE_EQ(t.input.row(0).segment(0, 2500).sum(), 2500.0);
    EXPECT_DOUBLE_EQ(t.input.row(0).segment(2500, 100).sum(), 0.0);
    EXPECT_EQ(t.input(1, 499), 0.0);
    EXPECT_DOUBLE_EQ(t.input(1, 500), level(f1));
    EXPECT_DOUBLE_EQ(t.input(1, 999), level(f1));
    EXPECT_EQ(t.input(1, 1000), 0.0);
    EXPECT_EQ(t.input(1, 1999), 0.0);
    EXPECT_DOUBLE_EQ(t.input(1, 2000), level(f2));
    EXPECT_DOUBLE_EQ(t.input(1, 2499), level(f2));
    EXPECT_EQ(t.input(1, 2500), 0.0);
    EXPECT_EQ(t.response_begin, 2500);
    EXPECT_EQ(t.response_end, 2600);
    EXPECT_DOUBLE_EQ(t.target(0, 2550), swapped ? -1.0 : 1.0);
  }
  EXPECT_DOUBLE_EQ(level(34), 1.0);
  EXPECT_DOUBLE_EQ(level(10), 0.5);
}

TEST(ParametricWorkingMemory, NoiseIsSeededAndScaledBySqrtDt) {
  sdk::ParamSet p;
  p.set("order", std::string("cyclic"));
  const auto task = make_task<plugins::ParametricWorkingMemory>(
      p, 10.0);  // 50, 50, 100, 50, 10 steps; sd 1 / sqrt(10)
  EXPECT_EQ(task.layout().steps, 260);
  sdk::TrialSpec a, b;
  sdk::Rng r1(4), r2(4);
  task.make_trial(0, r1, a);
  task.make_trial(0, r2, b);
  EXPECT_EQ(a.input, b.input);
  EXPECT_DOUBLE_EQ(a.input.row(1).segment(100, 100).cwiseAbs().sum(), 0.0);  // delay: silent
  Eigen::ArrayXd e(100);
  e << a.input.row(1).segment(50, 50).transpose().array() - level(18),
      a.input.row(1).segment(200, 50).transpose().array() - level(10);
  EXPECT_NEAR(std::sqrt(e.square().mean()), std::sqrt(0.1), 0.07);
}

TEST(ParametricWorkingMemory, RandomOrderCoversEveryCondition) {
  const auto task = make_task<plugins::ParametricWorkingMemory>();
  std::set<int> seen;
  for (int trial = 0; trial < 200; ++trial) {
    sdk::Rng rng(trial);
    sdk::TrialSpec t;
    task.make_trial(trial, rng, t);
    ASSERT_GE(t.condition, 0);
    ASSERT_LT(t.condition, 10);
    EXPECT_DOUBLE_EQ(t.target(0, 2500), t.condition % 2 ? -1.0 : 1.0);
    seen.insert(t.condition);
  }
  EXPECT_EQ(seen.size(), 10u);
}

TEST(ParametricWorkingMemory, RewardIsMinusMeanAbsoluteErrorOverDecision) {
  sdk::ParamSet p;
  p.set("order", std::string("cyclic"));
  const auto task = make_task<plugins::ParametricWorkingMemory>(p);
  sdk::Rng rng(1);
  sdk::TrialSpec t;
  task.make_trial(3, rng, t);                                   // (14, 22): target -1
  Eigen::MatrixXd z = Eigen::MatrixXd::Constant(1, 2600, 5.0);  // outside the window: ignored
  z.block(0, 2500, 1, 50).setConstant(-1.0);
  z.block(0, 2550, 1, 50).setConstant(-0.2);
  EXPECT_NEAR(task.reward(t, z), -0.4, 1e-12);
  EXPECT_TRUE(task.correct(t, z));
  z.block(0, 2500, 1, 100).setConstant(0.5);
  EXPECT_FALSE(task.correct(t, z));
  EXPECT_DOUBLE_EQ(task.action_reward(t, 0), 1.0);
  EXPECT_DOUBLE_EQ(task.action_reward(t, 1), 0.0);
}

// At dt = 5 ms 2 ms stimuli and a 2 ms decision window last one step each.
TEST(ParametricWorkingMemory, NoPeriodVanishesAtACoarseStep) {
  sdk::ParamSet p;
  p.set("order", std::string("cyclic"));
  p.set("sigma", 0.0);
  p.set("stimulus1", 2.0);
  p.set("stimulus2", 2.0);
  p.set("decision", 2.0);
  const auto task = make_task<plugins::ParametricWorkingMemory>(p, 5.0);
  EXPECT_EQ(task.layout().steps, 100 + 1 + 200 + 1 + 1);
  sdk::Rng rng(0);
  sdk::TrialSpec t;
  task.make_trial(0, rng, t);  // pair (18, 10) in order
  EXPECT_DOUBLE_EQ(t.input(1, 100), level(18));
  EXPECT_DOUBLE_EQ(t.input(1, 301), level(10));
  EXPECT_DOUBLE_EQ(t.input.row(1).sum(), level(18) + level(10));
  EXPECT_DOUBLE_EQ(t.input.row(0).sum(), 302.0);
  EXPECT_EQ(t.response_begin, 302);
  EXPECT_EQ(t.response_end, 303);
}

TEST(ParametricWorkingMemory, RejectsBadParameters) {
  sdk::ParamSet p;
  p.set("decision", 0.0);  // a required period (the host refuses it first: must be > 0)
  EXPECT_THROW(Task(sdk::defaults_of(Task::schema(), p)), sdk::ParameterError);
  sdk::ParamSet odd;
  odd.set("frequency_pairs", std::vector<double>{18, 10, 22});
  EXPECT_THROW(Task(sdk::defaults_of(Task::schema(), odd)), sdk::ParameterError);
  sdk::ParamSet equal;
  equal.set("frequency_pairs", std::vector<double>{18, 18});
  EXPECT_THROW(Task(sdk::defaults_of(Task::schema(), equal)), sdk::ParameterError);
}

// Condition names: f1 and f2 in the order shown (the default pairs: 18 10, 22 14, 26 18, 30 22, 34
// 26 Hz).
TEST(ParametricWorkingMemory, NamesItsConditions) {
  const auto task = make_task<plugins::ParametricWorkingMemory>();
  EXPECT_EQ(task.condition_name(0), "18 > 10");
  EXPECT_EQ(task.condition_name(1), "10 < 18");
  EXPECT_EQ(task.condition_name(9), "26 < 34");
}
