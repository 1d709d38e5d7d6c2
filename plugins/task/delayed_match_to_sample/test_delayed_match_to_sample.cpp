#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <cmath>
#include <set>
#include <string>

#include <neohebb/sdk/testing/derivative_check.hpp>
#include <neohebb/sdk/testing/task_testing.hpp>

#include "delayed_match_to_sample.hpp"

using namespace neohebb;
using Task = plugins::DelayedMatchToSample<double>;
using sdk::testing::make_task;

TEST(DelayedMatchToSample, DerivativesMatchComplexStep) {
  const auto report = sdk::testing::check_derivatives<plugins::DelayedMatchToSample>(
      sdk::defaults_of(Task::schema()));
  EXPECT_TRUE(report.ok()) << report.table();
}

// Defaults at dt = 1 ms: sample 300-799, delay 800-1799, test 1800-2299, decision 2300-3199
// (fixation channel on before it); targets +, -, +, - for conditions 0-3.
TEST(DelayedMatchToSample, TrialStructure) {
  sdk::ParamSet p;
  p.set("sigma", 0.0);
  p.set("order", std::string("cyclic"));
  const auto task = make_task<plugins::DelayedMatchToSample>(p);
  const auto lay = task.layout();
  EXPECT_EQ(lay.inputs, 3);
  EXPECT_EQ(lay.outputs, 1);
  EXPECT_EQ(lay.steps, 3200);
  EXPECT_EQ(lay.conditions, 4);
  const int expected_test[] = {0, 1, 1, 0};
  const double expected_sign[] = {1, -1, 1, -1};
  for (int trial = 0; trial < 8; ++trial) {
    sdk::Rng rng(trial);
    sdk::TrialSpec t;
    task.make_trial(trial, rng, t);
    ASSERT_EQ(t.condition, trial % 4);
    const int sample = t.condition / 2, test = expected_test[t.condition];
    EXPECT_DOUBLE_EQ(t.input.row(0).segment(0, 2300).sum(), 2300.0);
    EXPECT_DOUBLE_EQ(t.input.row(0).segment(2300, 900).sum(), 0.0);
    EXPECT_EQ(t.input(1 + sample, 299), 0.0);
    EXPECT_EQ(t.input(1 + sample, 300), 1.0);
    EXPECT_EQ(t.input(1 + sample, 799), 1.0);
    EXPECT_EQ(t.input(1 + sample, 800), 0.0);
    EXPECT_EQ(t.input(1 + test, 1799), 0.0);
    EXPECT_EQ(t.input(1 + test, 1800), 1.0);
    EXPECT_EQ(t.input(1 + test, 2299), 1.0);
    EXPECT_EQ(t.input(1 + test, 2300), 0.0);
    EXPECT_DOUBLE_EQ(t.input.bottomRows(2).sum(), 1000.0);  // only those two stimuli
    EXPECT_EQ(t.response_begin, 2300);
    EXPECT_EQ(t.response_end, 3200);
    EXPECT_DOUBLE_EQ(t.target(0, 2500), expected_sign[t.condition]);
  }
}

TEST(DelayedMatchToSample, NoiseIsSeededAndOnlyDuringStimuli) {
  sdk::ParamSet p;
  p.set("order", std::string("cyclic"));
  const auto task = make_task<plugins::DelayedMatchToSample>(
      p, 10.0);  // 30, 50, 100, 50, 90 steps; sd sqrt(2) / sqrt(10)
  sdk::TrialSpec a, b;
  sdk::Rng r1(3), r2(3);
  task.make_trial(0, r1, a);
  task.make_trial(0, r2, b);
  EXPECT_EQ(a.input, b.input);
  EXPECT_DOUBLE_EQ(a.input.bottomRows(2).leftCols(30).cwiseAbs().sum(), 0.0);
  EXPECT_DOUBLE_EQ(a.input.bottomRows(2).middleCols(80, 100).cwiseAbs().sum(), 0.0);
  EXPECT_DOUBLE_EQ(a.input.bottomRows(2).rightCols(90).cwiseAbs().sum(), 0.0);
  Eigen::ArrayXd e(200);
  e << a.input.row(2).segment(30, 50).transpose().array(),
      a.input.row(2).segment(180, 50).transpose().array(),
      a.input.row(1).segment(30, 50).transpose().array(),
      a.input.row(1).segment(180, 50).transpose().array();
  // Condition 0 (s = 0, match): channel 2 has mean 0, channel 1 mean 1.
  e.tail(100) -= 1.0;
  EXPECT_NEAR(std::sqrt(e.square().mean()), std::sqrt(0.2), 0.07);
}

TEST(DelayedMatchToSample, RandomOrderCoversEveryCondition) {
  const auto task = make_task<plugins::DelayedMatchToSample>();
  std::set<int> seen;
  for (int trial = 0; trial < 64; ++trial) {
    sdk::Rng rng(trial);
    sdk::TrialSpec t;
    task.make_trial(trial, rng, t);
    ASSERT_GE(t.condition, 0);
    ASSERT_LT(t.condition, 4);
    seen.insert(t.condition);
  }
  EXPECT_EQ(seen.size(), 4u);
}

TEST(DelayedMatchToSample, RewardIsMinusMeanAbsoluteErrorOverDecision) {
  sdk::ParamSet p;
  p.set("order", std::string("cyclic"));
  const auto task = make_task<plugins::DelayedMatchToSample>(p);
  sdk::Rng rng(1);
  sdk::TrialSpec t;
  task.make_trial(2, rng, t);                                   // s 0.5 match: target +1
  Eigen::MatrixXd z = Eigen::MatrixXd::Constant(1, 3200, 5.0);  // outside the window: ignored
  z.block(0, 2300, 1, 900).setConstant(0.6);
  EXPECT_NEAR(task.reward(t, z), -0.4, 1e-12);
  EXPECT_TRUE(task.correct(t, z));
  z.block(0, 2300, 1, 900).setConstant(-0.2);
  EXPECT_FALSE(task.correct(t, z));
  EXPECT_DOUBLE_EQ(task.action_reward(t, 1), 1.0);
  EXPECT_DOUBLE_EQ(task.action_reward(t, 0), 0.0);
}

// At dt = 10 ms a 3 ms sample and a 3 ms test last one step each (lround would drop them).
TEST(DelayedMatchToSample, NoPeriodVanishesAtACoarseStep) {
  sdk::ParamSet p;
  p.set("order", std::string("cyclic"));
  p.set("sigma", 0.0);
  p.set("sample", 3.0);
  p.set("test", 3.0);
  const auto task = make_task<plugins::DelayedMatchToSample>(p, 10.0);
  EXPECT_EQ(task.layout().steps, 30 + 1 + 100 + 1 + 90);
  sdk::Rng rng(0);
  sdk::TrialSpec t;
  task.make_trial(0, rng, t);  // sample 0, match: (1, 0) at the sample and at the test
  EXPECT_EQ(t.input(1, 30), 1.0);
  EXPECT_EQ(t.input(1, 131), 1.0);
  EXPECT_DOUBLE_EQ(t.input.row(1).sum(), 2.0);
  EXPECT_DOUBLE_EQ(t.input.row(2).sum(), 0.0);
  EXPECT_DOUBLE_EQ(t.input.row(0).sum(), 132.0);
  EXPECT_EQ(t.response_begin, 132);
  EXPECT_EQ(t.response_end, 222);
}

TEST(DelayedMatchToSample, RejectsAZeroDecisionWindow) {
  sdk::ParamSet p;
  p.set("decision", 0.0);  // a required period (the host refuses it first: must be > 0)
  EXPECT_THROW(Task(sdk::defaults_of(Task::schema(), p)), sdk::ParameterError);
}

// Condition names for plots and tables: the sample, the test and whether they match.
TEST(DelayedMatchToSample, NamesItsConditions) {
  const auto task = make_task<plugins::DelayedMatchToSample>();
  const std::vector<std::string> names = {"AA match", "AB non-match", "BB match", "BA non-match"};
  ASSERT_EQ(task.layout().conditions, static_cast<int>(names.size()));
  for (int c = 0; c < task.layout().conditions; ++c)
    EXPECT_EQ(task.condition_name(c), names[static_cast<std::size_t>(c)]) << c;
}
