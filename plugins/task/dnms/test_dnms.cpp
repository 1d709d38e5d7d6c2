#include <gtest/gtest.h>

#include <neohebb/sdk/testing/derivative_check.hpp>

#include "dnms.hpp"

using namespace neohebb;

namespace {
plugins::Dnms<double> miconi_dnms() {
  plugins::Dnms<double> task(sdk::defaults_of(plugins::Dnms<double>::schema()));
  task.setup({1.0});
  return task;
}
}  // namespace

TEST(Dnms, DerivativesMatchComplexStep) {
  const auto report = sdk::testing::check_derivatives<plugins::Dnms>(
      sdk::defaults_of(plugins::Dnms<double>::schema()));
  EXPECT_TRUE(report.ok()) << report.table();
}

// Miconi's timing at dt = 1 ms: stimulus 1 on steps 1-200, stimulus 2 on 400-599, response
// window 800-999, conditions cycling AA, AB, BA, BB with targets -, +, +, -.
TEST(Dnms, TrialStructureIsMiconis) {
  const auto task = miconi_dnms();
  EXPECT_EQ(task.layout().steps, 1000);
  sdk::Rng rng(1);
  const double expected_sign[] = {-1, 1, 1, -1};
  for (int trial = 0; trial < 8; ++trial) {
    sdk::TrialSpec t;
    task.make_trial(trial, rng, t);
    EXPECT_EQ(t.condition, trial % 4);
    const int a = t.condition / 2, b = t.condition % 2;
    EXPECT_EQ(t.input(a, 0), 0.0);
    EXPECT_EQ(t.input(a, 1), 1.0);
    EXPECT_EQ(t.input(a, 200), 1.0);
    EXPECT_EQ(t.input(a, 201), 0.0);
    EXPECT_EQ(t.input(b, 399), 0.0);
    EXPECT_EQ(t.input(b, 400), 1.0);
    EXPECT_EQ(t.input(b, 599), 1.0);
    EXPECT_EQ(t.input(b, 600), 0.0);
    EXPECT_DOUBLE_EQ(t.input.sum(), 400.0);
    EXPECT_EQ(t.response_begin, 800);
    EXPECT_EQ(t.response_end, 1000);
    EXPECT_DOUBLE_EQ(t.target(0, 900), 0.98 * expected_sign[t.condition]);
  }
}

TEST(Dnms, RewardIsMinusMeanAbsoluteErrorOverResponse) {
  const auto task = miconi_dnms();
  sdk::Rng rng(1);
  sdk::TrialSpec t;
  task.make_trial(1, rng, t);                                   // AB: target +0.98
  Eigen::MatrixXd z = Eigen::MatrixXd::Constant(1, 1000, 5.0);  // outside the window: ignored
  z.block(0, 800, 1, 200).setConstant(0.48);
  EXPECT_NEAR(task.reward(t, z), -0.5, 1e-12);
  EXPECT_TRUE(task.correct(t, z));
  z.block(0, 800, 1, 200).setConstant(-0.1);
  EXPECT_FALSE(task.correct(t, z));  // |-0.1 - 0.98| = 1.08 >= 1
  EXPECT_DOUBLE_EQ(task.action_reward(t, 1), 1.0);
  EXPECT_DOUBLE_EQ(task.action_reward(t, 0), 0.0);
}

TEST(Dnms, RejectsResponseShorterThanAStep) {
  sdk::ParamSet p;
  p.set("response", 0.2);
  plugins::Dnms<double> task(sdk::defaults_of(plugins::Dnms<double>::schema(), p));
  EXPECT_THROW(task.setup({1.0}), sdk::ParameterError);
}
