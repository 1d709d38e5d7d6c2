#include <gtest/gtest.h>

#include <string>
#include <vector>

#include <cmath>
#include <set>
#include <string>

#include <neohebb/sdk/testing/derivative_check.hpp>
#include <neohebb/sdk/testing/task_testing.hpp>

#include "go_nogo.hpp"

using namespace neohebb;
using Task = plugins::GoNogo<double>;
using sdk::testing::make_task;

TEST(GoNogo, DerivativesMatchComplexStep) {
  const auto report =
      sdk::testing::check_derivatives<plugins::GoNogo>(sdk::defaults_of(Task::schema()));
  EXPECT_TRUE(report.ok()) << report.table();
  sdk::ParamSet p;
  p.set("nogo_target", 0.0);
  const auto at_rest =
      sdk::testing::check_derivatives<plugins::GoNogo>(sdk::defaults_of(Task::schema(), p));
  EXPECT_TRUE(at_rest.ok()) << at_rest.table();
}

// Defaults at dt = 1 ms: cue on 0-499, delay 500-999, decision 1000-1499 (fixation channel on
// before it); condition 0 = nogo (channel 1, target -1), 1 = go (channel 2, target +1).
TEST(GoNogo, TrialStructure) {
  sdk::ParamSet p;
  p.set("order", std::string("cyclic"));
  const auto task = make_task<plugins::GoNogo>(p);
  const auto lay = task.layout();
  EXPECT_EQ(lay.inputs, 3);
  EXPECT_EQ(lay.outputs, 1);
  EXPECT_EQ(lay.steps, 1500);
  EXPECT_EQ(lay.conditions, 2);
  for (int trial = 0; trial < 4; ++trial) {
    sdk::Rng rng(trial);
    sdk::TrialSpec t;
    task.make_trial(trial, rng, t);
    ASSERT_EQ(t.condition, trial % 2);
    const int cue = 1 + t.condition;
    EXPECT_DOUBLE_EQ(t.input.row(0).segment(0, 1000).sum(), 1000.0);
    EXPECT_DOUBLE_EQ(t.input.row(0).segment(1000, 500).sum(), 0.0);
    EXPECT_EQ(t.input(cue, 0), 1.0);
    EXPECT_EQ(t.input(cue, 499), 1.0);
    EXPECT_EQ(t.input(cue, 500), 0.0);
    EXPECT_DOUBLE_EQ(t.input.row(cue).sum(), 500.0);
    EXPECT_DOUBLE_EQ(t.input.row(2 - t.condition).sum(), 0.0);  // the other cue stays off
    EXPECT_EQ(t.response_begin, 1000);
    EXPECT_EQ(t.response_end, 1500);
    EXPECT_DOUBLE_EQ(t.target(0, 1200), t.condition == 1 ? 1.0 : -1.0);
  }
  // A fixation period shifts the cue and keeps the fixation channel on from step 0.
  sdk::ParamSet q;
  q.set("order", std::string("cyclic"));
  q.set("fixation", 100.0);
  const auto shifted = make_task<plugins::GoNogo>(q);
  sdk::Rng rng(0);
  sdk::TrialSpec t;
  shifted.make_trial(1, rng, t);
  EXPECT_EQ(t.input(2, 99), 0.0);
  EXPECT_EQ(t.input(2, 100), 1.0);
  EXPECT_EQ(t.input(2, 599), 1.0);
  EXPECT_EQ(t.input(2, 600), 0.0);
  EXPECT_DOUBLE_EQ(t.input.row(0).sum(), 1100.0);
  EXPECT_EQ(t.response_begin, 1100);
}

TEST(GoNogo, RandomOrderCoversBothConditions) {
  const auto task = make_task<plugins::GoNogo>();
  std::set<int> seen;
  for (int trial = 0; trial < 32; ++trial) {
    sdk::Rng rng(trial);
    sdk::TrialSpec t;
    task.make_trial(trial, rng, t);
    ASSERT_GE(t.condition, 0);
    ASSERT_LT(t.condition, 2);
    seen.insert(t.condition);
  }
  EXPECT_EQ(seen.size(), 2u);
}

TEST(GoNogo, RewardIsMinusMeanAbsoluteErrorOverDecision) {
  sdk::ParamSet p;
  p.set("order", std::string("cyclic"));
  const auto task = make_task<plugins::GoNogo>(p);
  sdk::Rng rng(1);
  sdk::TrialSpec t;
  task.make_trial(0, rng, t);                                   // nogo: target -1
  Eigen::MatrixXd z = Eigen::MatrixXd::Constant(1, 1500, 5.0);  // outside the window: ignored
  z.block(0, 1000, 1, 500).setConstant(-0.7);
  EXPECT_NEAR(task.reward(t, z), -0.3, 1e-12);
  EXPECT_TRUE(task.correct(t, z));
  z.block(0, 1000, 1, 500).setConstant(0.3);
  EXPECT_FALSE(task.correct(t, z));
  EXPECT_DOUBLE_EQ(task.action_reward(t, 0), 1.0);
  EXPECT_DOUBLE_EQ(task.action_reward(t, 1), 0.0);
}

// nogo_target = 0: "stay at rest"; the policy is centred at 0.5, rewards follow the condition.
TEST(GoNogo, RestingNogoTarget) {
  sdk::ParamSet p;
  p.set("order", std::string("cyclic"));
  p.set("nogo_target", 0.0);
  const auto task = make_task<plugins::GoNogo>(p);
  sdk::Rng rng(1);
  sdk::TrialSpec nogo, go;
  task.make_trial(0, rng, nogo);
  task.make_trial(1, rng, go);
  EXPECT_DOUBLE_EQ(nogo.target(0, 1000), 0.0);
  EXPECT_DOUBLE_EQ(go.target(0, 1000), 1.0);
  Eigen::MatrixXd z = Eigen::MatrixXd::Constant(1, 1500, 0.5);
  EXPECT_NEAR(task.log_policy(go, z, 1), std::log(0.5), 1e-12);
  z.setConstant(0.1);
  EXPECT_NEAR(task.reward(nogo, z), -0.1, 1e-12);
  EXPECT_GT(std::exp(task.log_policy(nogo, z, 0)), 0.8);
  EXPECT_DOUBLE_EQ(task.action_reward(nogo, 0), 1.0);
  EXPECT_DOUBLE_EQ(task.action_reward(go, 1), 1.0);
  EXPECT_DOUBLE_EQ(task.action_reward(go, 0), 0.0);
}

// At dt = 10 ms a 2 ms cue and a 3 ms decision window last one step each; a 0 ms fixation
// stays at 0 steps.
TEST(GoNogo, NoPeriodVanishesAtACoarseStep) {
  sdk::ParamSet p;
  p.set("order", std::string("cyclic"));
  p.set("stimulus", 2.0);
  p.set("decision", 3.0);
  const auto task = make_task<plugins::GoNogo>(p, 10.0);
  EXPECT_EQ(task.layout().steps, 0 + 1 + 50 + 1);
  sdk::Rng rng(0);
  sdk::TrialSpec t;
  task.make_trial(1, rng, t);  // go: channel 2
  EXPECT_EQ(t.input(2, 0), 1.0);
  EXPECT_DOUBLE_EQ(t.input.row(2).sum(), 1.0);
  EXPECT_DOUBLE_EQ(t.input.row(0).sum(), 51.0);  // fixation channel until the decision
  EXPECT_EQ(t.response_begin, 51);
  EXPECT_EQ(t.response_end, 52);
}

TEST(GoNogo, RejectsBadParameters) {
  sdk::ParamSet p;
  p.set("decision", 0.0);  // a required period (the host refuses it first: must be > 0)
  EXPECT_THROW(Task(sdk::defaults_of(Task::schema(), p)), sdk::ParameterError);
  sdk::ParamSet q;
  q.set("nogo_target", 1.0);
  EXPECT_THROW(Task(sdk::defaults_of(Task::schema(), q)), sdk::ParameterError);
}

// Condition names for plots and tables: the cue.
TEST(GoNogo, NamesItsConditions) {
  const auto task = make_task<plugins::GoNogo>();
  const std::vector<std::string> names = {"nogo", "go"};
  ASSERT_EQ(task.layout().conditions, static_cast<int>(names.size()));
  for (int c = 0; c < task.layout().conditions; ++c)
    EXPECT_EQ(task.condition_name(c), names[static_cast<std::size_t>(c)]) << c;
}
