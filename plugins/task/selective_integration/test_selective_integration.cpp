#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <cmath>
#include <set>

#include <neohebb/sdk/testing/derivative_check.hpp>
#include <neohebb/sdk/testing/task_testing.hpp>

#include "selective_integration.hpp"

using namespace neohebb;
using Task = plugins::SelectiveIntegration<double>;
using sdk::testing::make_task;

TEST(SelectiveIntegration, DerivativesMatchComplexStep) {
  const auto report = sdk::testing::check_derivatives<plugins::SelectiveIntegration>(
      sdk::defaults_of(Task::schema()));
  EXPECT_TRUE(report.ok()) << report.table();
}

// Miconi's timing at dt = 1 ms: evidence on steps 1-500, context on all 700 steps, response
// window 500-699 (step 500 both evidence and scored), conditions cycling with targets +, +, -, -.
TEST(SelectiveIntegration, TrialStructureIsMiconis) {
  sdk::ParamSet p;
  p.set("noise", 0.0);  // evidence = 0.5 * (+-0.5) exactly
  const auto task = make_task<plugins::SelectiveIntegration>(p);
  const auto lay = task.layout();
  EXPECT_EQ(lay.inputs, 4);
  EXPECT_EQ(lay.outputs, 1);
  EXPECT_EQ(lay.steps, 700);
  EXPECT_EQ(lay.conditions, 4);
  const double expected_sign[] = {1, 1, -1, -1};
  std::set<double> ignored_signs;
  for (int trial = 0; trial < 40; ++trial) {
    sdk::Rng rng(100 + trial);
    sdk::TrialSpec t;
    task.make_trial(trial, rng, t);
    ASSERT_EQ(t.condition, trial % 4);
    const int attended = t.condition % 2;
    const double sign = expected_sign[t.condition];
    for (int m = 0; m < 2; ++m) {
      EXPECT_EQ(t.input(m, 0), 0.0);
      EXPECT_EQ(t.input(m, 501), 0.0);
      EXPECT_EQ(t.input(m, 699), 0.0);
      EXPECT_DOUBLE_EQ(std::fabs(t.input(m, 1)), 0.25);
      EXPECT_DOUBLE_EQ(t.input.row(m).segment(1, 500).sum(), 500 * t.input(m, 1));
    }
    EXPECT_DOUBLE_EQ(t.input(attended, 1), 0.25 * sign);
    EXPECT_DOUBLE_EQ(t.input(attended, 500), 0.25 * sign);
    ignored_signs.insert(t.input(1 - attended, 1));
    EXPECT_DOUBLE_EQ(t.input.row(2 + attended).sum(), 700.0);  // attended context: whole trial
    EXPECT_DOUBLE_EQ(t.input.row(3 - attended).sum(), 0.0);
    EXPECT_EQ(t.response_begin, 500);
    EXPECT_EQ(t.response_end, 700);
    EXPECT_DOUBLE_EQ(t.target(0, 600), sign);
  }
  EXPECT_EQ(ignored_signs.size(), 2u);  // the ignored modality's sign varies
}

TEST(SelectiveIntegration, NoiseIsSeededAndScalesWithDt) {
  const auto task = make_task<plugins::SelectiveIntegration>();
  sdk::TrialSpec a, b;
  sdk::Rng r1(5), r2(5);
  task.make_trial(0, r1, a);
  task.make_trial(0, r2, b);
  EXPECT_EQ(a.input, b.input);
  // Attended channel (condition 0: modality 1, +): mean 0.25, sd 0.5 per step at dt = 1.
  const Eigen::ArrayXd e = a.input.row(0).segment(1, 500).transpose().array();
  EXPECT_NEAR(e.mean(), 0.25, 0.1);
  EXPECT_NEAR(std::sqrt((e - e.mean()).square().mean()), 0.5, 0.05);
  // At dt = 4 ms: pre_evidence lasts one step (at least one, though 1 ms is a quarter step),
  // evidence on steps 1-125 with sd 0.5 / sqrt(4), response window 125-174.
  const auto coarse = make_task<plugins::SelectiveIntegration>({}, 4.0);
  EXPECT_EQ(coarse.layout().steps, 175);
  sdk::Rng r3(5);
  coarse.make_trial(0, r3, b);
  const Eigen::ArrayXd c = b.input.row(0).segment(1, 125).transpose().array();
  EXPECT_NEAR(std::sqrt((c - c.mean()).square().mean()), 0.25, 0.05);
  EXPECT_EQ(b.input(0, 0), 0.0);
  EXPECT_EQ(b.input(0, 126), 0.0);
  EXPECT_EQ(b.response_begin, 125);
  EXPECT_EQ(b.response_end, 175);
}

TEST(SelectiveIntegration, RandomOrderCoversEveryCondition) {
  sdk::ParamSet p;
  p.set("order", std::string("random"));
  const auto task = make_task<plugins::SelectiveIntegration>(p);
  std::set<int> seen;
  for (int trial = 0; trial < 64; ++trial) {
    sdk::Rng rng(trial);
    sdk::TrialSpec t;
    task.make_trial(trial, rng, t);
    ASSERT_GE(t.condition, 0);
    ASSERT_LT(t.condition, task.layout().conditions);
    seen.insert(t.condition);
  }
  EXPECT_EQ(seen.size(), 4u);
}

TEST(SelectiveIntegration, RewardIsMinusMeanAbsoluteErrorOverResponse) {
  const auto task = make_task<plugins::SelectiveIntegration>();
  sdk::Rng rng(1);
  sdk::TrialSpec t;
  task.make_trial(2, rng, t);                                  // attend 1, b1 -: target -1
  Eigen::MatrixXd z = Eigen::MatrixXd::Constant(1, 700, 5.0);  // outside the window: ignored
  z.block(0, 500, 1, 200).setConstant(-0.5);
  EXPECT_NEAR(task.reward(t, z), -0.5, 1e-12);
  EXPECT_TRUE(task.correct(t, z));
  z.block(0, 500, 1, 100).setConstant(-1.2);  // half the window at error 0.2
  EXPECT_NEAR(task.reward(t, z), -0.35, 1e-12);
  z.block(0, 500, 1, 200).setConstant(0.1);
  EXPECT_FALSE(task.correct(t, z));  // |0.1 + 1| = 1.1 >= 1
  EXPECT_DOUBLE_EQ(task.action_reward(t, 0), 1.0);
  EXPECT_DOUBLE_EQ(task.action_reward(t, 1), 0.0);
  EXPECT_NEAR(std::exp(task.log_policy(t, z, 0)) + std::exp(task.log_policy(t, z, 1)), 1.0, 1e-12);
}

// At dt = 5 ms Miconi's 1 ms pre_evidence is still one silent step, as at dt = 1 ms; trial and
// response follow the same rule (140 and 40 steps).
TEST(SelectiveIntegration, NoPeriodVanishesAtACoarseStep) {
  sdk::ParamSet p;
  p.set("noise", 0.0);
  const auto task = make_task<plugins::SelectiveIntegration>(p, 5.0);
  EXPECT_EQ(task.layout().steps, 140);
  sdk::Rng rng(1);
  sdk::TrialSpec t;
  task.make_trial(0, rng, t);  // attend modality 1, b1 +
  EXPECT_EQ(t.input(0, 0), 0.0);
  EXPECT_DOUBLE_EQ(t.input(0, 1), 0.25);  // evidence on steps 1-100
  EXPECT_DOUBLE_EQ(t.input(0, 100), 0.25);
  EXPECT_EQ(t.input(0, 101), 0.0);
  EXPECT_DOUBLE_EQ(t.input.row(0).sum(), 100 * 0.25);
  EXPECT_EQ(t.response_begin, 100);
  EXPECT_EQ(t.response_end, 140);
}

TEST(SelectiveIntegration, RejectsBadTimings) {
  sdk::ParamSet p;
  p.set("response", 0.0);  // a required duration (the host refuses it first: must be > 0)
  EXPECT_THROW(Task(sdk::defaults_of(Task::schema(), p)), sdk::ParameterError);
  sdk::ParamSet q;
  q.set("trial", 400.0);  // shorter than pre_evidence + evidence
  Task short_trial(sdk::defaults_of(Task::schema(), q));
  EXPECT_THROW(short_trial.setup({1.0}), sdk::ParameterError);
  sdk::ParamSet r;
  r.set("response", 800.0);  // longer than the trial
  Task long_response(sdk::defaults_of(Task::schema(), r));
  EXPECT_THROW(long_response.setup({1.0}), sdk::ParameterError);
}

// Condition names for plots and tables: the attended modality and the sign of its bias.
TEST(SelectiveIntegration, NamesItsConditions) {
  const auto task = make_task<plugins::SelectiveIntegration>();
  const std::vector<std::string> names = {"context 1 +", "context 2 +", "context 1 -",
                                          "context 2 -"};
  ASSERT_EQ(task.layout().conditions, static_cast<int>(names.size()));
  for (int c = 0; c < task.layout().conditions; ++c)
    EXPECT_EQ(task.condition_name(c), names[static_cast<std::size_t>(c)]) << c;
}
