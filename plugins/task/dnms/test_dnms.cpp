#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <neohebb/sdk/testing/derivative_check.hpp>
#include <neohebb/sdk/testing/task_testing.hpp>

#include "dnms.hpp"

using namespace neohebb;
using sdk::testing::make_task;

TEST(Dnms, DerivativesMatchComplexStep) {
  const auto report = sdk::testing::check_derivatives<plugins::Dnms>(
      sdk::defaults_of(plugins::Dnms<double>::schema()));
  EXPECT_TRUE(report.ok()) << report.table();
}

// Miconi's timing at dt = 1 ms: stimulus 1 on steps 1-200, stimulus 2 on 400-599, response
// window 800-999, conditions cycling AA, AB, BA, BB with targets -, +, +, -.
TEST(Dnms, TrialStructureIsMiconis) {
  const auto task = make_task<plugins::Dnms>();
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
  const auto task = make_task<plugins::Dnms>();
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

// At dt = 5 ms no period vanishes: Miconi's 1 ms pre_stimulus is one silent step (lround would
// make it 0), 199 ms rounds to 40 steps, and a 0.2 ms response window lasts one step.
TEST(Dnms, NoPeriodVanishesAtACoarseStep) {
  const auto task = make_task<plugins::Dnms>({}, 5.0);
  EXPECT_EQ(task.layout().steps, 1 + 40 + 40 + 40 + 40 + 40);
  sdk::Rng rng(1);
  sdk::TrialSpec t;
  task.make_trial(3, rng, t);  // BB
  EXPECT_EQ(t.input(1, 0), 0.0);
  EXPECT_EQ(t.input(1, 1), 1.0);  // stimulus 1 on steps 1-40
  EXPECT_EQ(t.input(1, 40), 1.0);
  EXPECT_EQ(t.input(1, 41), 0.0);
  EXPECT_EQ(t.input(1, 80), 0.0);
  EXPECT_EQ(t.input(1, 81), 1.0);  // stimulus 2 on steps 81-120
  EXPECT_EQ(t.input(1, 120), 1.0);
  EXPECT_EQ(t.input(1, 121), 0.0);
  EXPECT_DOUBLE_EQ(t.input.sum(), 80.0);
  EXPECT_EQ(t.response_begin, 161);
  EXPECT_EQ(t.response_end, 201);

  sdk::ParamSet p;
  p.set("response", 0.2);
  const auto short_window = make_task<plugins::Dnms>(p, 1.0);
  short_window.make_trial(0, rng, t);
  EXPECT_EQ(short_window.layout().steps, 801);
  EXPECT_EQ(t.response_begin, 800);
  EXPECT_EQ(t.response_end, 801);
}

// A required period of 0 ms is refused (the host refuses it first, from the schema's > 0).
TEST(Dnms, RejectsAZeroResponseWindow) {
  for (const char* name : {"response", "stimulus1", "stimulus2"}) {
    sdk::ParamSet p;
    p.set(name, 0.0);
    EXPECT_THROW(plugins::Dnms<double>(sdk::defaults_of(plugins::Dnms<double>::schema(), p)),
                 sdk::ParameterError)
        << name;
  }
  sdk::ParamSet p;
  p.set("pre_stimulus", 0.0);  // may be 0
  EXPECT_EQ(make_task<plugins::Dnms>(p).layout().steps, 999);
}

// Condition names for plots and tables: the first and the second stimulus.
TEST(Dnms, NamesItsConditions) {
  const auto task = make_task<plugins::Dnms>();
  const std::vector<std::string> names = {"AA", "AB", "BA", "BB"};
  ASSERT_EQ(task.layout().conditions, static_cast<int>(names.size()));
  for (int c = 0; c < task.layout().conditions; ++c)
    EXPECT_EQ(task.condition_name(c), names[static_cast<std::size_t>(c)]) << c;
}
