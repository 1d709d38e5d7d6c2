#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <cmath>
#include <set>
#include <string>

#include <neohebb/sdk/testing/derivative_check.hpp>
#include <neohebb/sdk/testing/task_testing.hpp>

#include "perceptual_decision.hpp"

using namespace neohebb;
using Task = plugins::PerceptualDecision<double>;
using sdk::testing::make_task;

TEST(PerceptualDecision, DerivativesMatchComplexStep) {
  const auto report = sdk::testing::check_derivatives<plugins::PerceptualDecision>(
      sdk::defaults_of(Task::schema()));
  EXPECT_TRUE(report.ok()) << report.table();
}

// Defaults at dt = 1 ms: fixation channel on 0-2099, stimulus 100-2099, decision 2100-2199;
// cyclic conditions direction * 5 + coherence index.
TEST(PerceptualDecision, TrialStructure) {
  sdk::ParamSet p;
  p.set("sigma", 0.0);
  p.set("order", std::string("cyclic"));
  const auto task = make_task<plugins::PerceptualDecision>(p);
  const auto lay = task.layout();
  EXPECT_EQ(lay.inputs, 3);
  EXPECT_EQ(lay.outputs, 1);
  EXPECT_EQ(lay.steps, 2200);
  EXPECT_EQ(lay.conditions, 10);
  const double cohs[] = {0, 6.4, 12.8, 25.6, 51.2};
  for (int trial = 0; trial < 20; ++trial) {
    sdk::Rng rng(trial);
    sdk::TrialSpec t;
    task.make_trial(trial, rng, t);
    ASSERT_EQ(t.condition, trial % 10);
    const int direction = t.condition / 5;
    const double coh = cohs[t.condition % 5];
    EXPECT_DOUBLE_EQ(t.input.row(0).segment(0, 2100).sum(), 2100.0);
    EXPECT_DOUBLE_EQ(t.input.row(0).segment(2100, 100).sum(), 0.0);
    for (int k = 0; k < 2; ++k) {
      const double mean = 0.5 + (k == direction ? 1 : -1) * coh / 200;
      EXPECT_EQ(t.input(1 + k, 99), 0.0);
      EXPECT_DOUBLE_EQ(t.input(1 + k, 100), mean);
      EXPECT_DOUBLE_EQ(t.input(1 + k, 2099), mean);
      EXPECT_EQ(t.input(1 + k, 2100), 0.0);
    }
    EXPECT_EQ(t.response_begin, 2100);
    EXPECT_EQ(t.response_end, 2200);
    EXPECT_DOUBLE_EQ(t.target(0, 2150), direction == 0 ? 1.0 : -1.0);
  }
}

TEST(PerceptualDecision, NoiseIsSeededAndScaledBySqrtDt) {
  const auto task =
      make_task<plugins::PerceptualDecision>({}, 4.0);  // 25 + 500 + 0 + 25 steps, sd 1 / sqrt(4)
  EXPECT_EQ(task.layout().steps, 550);
  sdk::TrialSpec a, b;
  sdk::Rng r1(9), r2(9);
  task.make_trial(0, r1, a);
  task.make_trial(0, r2, b);
  EXPECT_EQ(a.input, b.input);
  EXPECT_EQ(a.response_begin, 525);
  const Eigen::ArrayXd e = a.input.row(1).segment(25, 500).transpose().array();
  EXPECT_NEAR(std::sqrt((e - e.mean()).square().mean()), 0.5, 0.05);
  EXPECT_EQ(a.input(1, 24), 0.0);
  EXPECT_EQ(a.input(1, 525), 0.0);
}

TEST(PerceptualDecision, RandomOrderCoversEveryCondition) {
  const auto task = make_task<plugins::PerceptualDecision>();
  std::set<int> seen;
  for (int trial = 0; trial < 200; ++trial) {
    sdk::Rng rng(trial);
    sdk::TrialSpec t;
    task.make_trial(trial, rng, t);
    ASSERT_GE(t.condition, 0);
    ASSERT_LT(t.condition, 10);
    EXPECT_DOUBLE_EQ(t.target(0, 2100), t.condition < 5 ? 1.0 : -1.0);
    seen.insert(t.condition);
  }
  EXPECT_EQ(seen.size(), 10u);
}

TEST(PerceptualDecision, RewardIsMinusMeanAbsoluteErrorOverDecision) {
  sdk::ParamSet p;
  p.set("order", std::string("cyclic"));
  const auto task = make_task<plugins::PerceptualDecision>(p);
  sdk::Rng rng(1);
  sdk::TrialSpec t;
  task.make_trial(7, rng, t);                                   // direction pi: target -1
  Eigen::MatrixXd z = Eigen::MatrixXd::Constant(1, 2200, 5.0);  // outside the window: ignored
  z.block(0, 2100, 1, 100).setConstant(-0.25);
  EXPECT_NEAR(task.reward(t, z), -0.75, 1e-12);
  EXPECT_TRUE(task.correct(t, z));
  z.block(0, 2100, 1, 100).setConstant(0.05);
  EXPECT_FALSE(task.correct(t, z));  // |0.05 + 1| >= 1
  EXPECT_DOUBLE_EQ(task.action_reward(t, 0), 1.0);
  EXPECT_DOUBLE_EQ(task.action_reward(t, 1), 0.0);
}

// At dt = 10 ms a 1 ms fixation and a 2 ms decision window last one step each; the 0 ms delay
// stays at 0 steps.
TEST(PerceptualDecision, NoPeriodVanishesAtACoarseStep) {
  sdk::ParamSet p;
  p.set("fixation", 1.0);
  p.set("decision", 2.0);
  const auto task = make_task<plugins::PerceptualDecision>(p, 10.0);
  EXPECT_EQ(task.layout().steps, 1 + 200 + 0 + 1);
  sdk::Rng rng(3);
  sdk::TrialSpec t;
  task.make_trial(0, rng, t);
  EXPECT_EQ(t.input(1, 0), 0.0);  // fixation: no stimulus yet
  EXPECT_NE(t.input(1, 1), 0.0);  // stimulus on steps 1-200
  EXPECT_NE(t.input(1, 200), 0.0);
  EXPECT_EQ(t.input(1, 201), 0.0);
  EXPECT_DOUBLE_EQ(t.input.row(0).sum(), 201.0);
  EXPECT_EQ(t.response_begin, 201);
  EXPECT_EQ(t.response_end, 202);
}

TEST(PerceptualDecision, RejectsAZeroDecisionWindow) {
  sdk::ParamSet p;
  p.set("decision", 0.0);  // a required period (the host refuses it first: must be > 0)
  EXPECT_THROW(Task(sdk::defaults_of(Task::schema(), p)), sdk::ParameterError);
  sdk::ParamSet q;
  q.set("coherences", std::vector<double>{});
  EXPECT_THROW(Task(sdk::defaults_of(Task::schema(), q)), sdk::ParameterError);
}

// Condition names for plots and tables: the direction (the target's sign) and the coherence.
TEST(PerceptualDecision, NamesItsConditions) {
  const auto task = make_task<plugins::PerceptualDecision>();
  const std::vector<std::string> names = {
      "+ coherence 0",    "+ coherence 6.4", "+ coherence 12.8", "+ coherence 25.6",
      "+ coherence 51.2", "- coherence 0",   "- coherence 6.4",  "- coherence 12.8",
      "- coherence 25.6", "- coherence 51.2"};
  ASSERT_EQ(task.layout().conditions, static_cast<int>(names.size()));
  for (int c = 0; c < task.layout().conditions; ++c)
    EXPECT_EQ(task.condition_name(c), names[static_cast<std::size_t>(c)]) << c;
}
