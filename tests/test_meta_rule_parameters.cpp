// [meta] learn_rule: the rule's own parameters (three_factor's baseline_tau, clip level and
// modulation power) as meta-parameters, in log space, with the rule's direct terms in the
// tangents and adjoints.
#include <cmath>

#include <fmt/format.h>

#include "core/engine/lifetime.hpp"
#include "core/meta/checkpoint.hpp"
#include "core/meta/gradient_check.hpp"
#include "core/meta/meta_learner.hpp"
#include "core/support/errors.hpp"
#include "gradient_experiments.hpp"
#include "test_support.hpp"

using namespace neohebb;

namespace {

constexpr int kForward = 0, kComplexStep = 1, kAdjoint = 3;

// The rows of the rule's parameters (the last `n`) in every table of a gradient check: forward
// and reverse mode against the complex step.
void expect_rule_rows_agree(const core::Experiment& e, int n, const std::string& label) {
  core::GradientCheckOptions options;
  options.finite_differences = false;
  const auto check = core::check_gradients(e, options);
  for (const auto& t : check.tables) {
    const Eigen::MatrixXd rows = t.values.bottomRows(n);
    const double scale = std::max(rows.col(kComplexStep).cwiseAbs().maxCoeff(), 1e-300);
    EXPECT_LE((rows.col(kForward) - rows.col(kComplexStep)).cwiseAbs().maxCoeff() / scale, 1e-10)
        << label << " " << t.label;
    EXPECT_LE((rows.col(kAdjoint) - rows.col(kComplexStep)).cwiseAbs().maxCoeff() / scale, 1e-10)
        << label << " " << t.label;
  }
  const Eigen::MatrixXd last = check.tables.back().values.bottomRows(n);
  EXPECT_GT(last.col(kComplexStep).cwiseAbs().minCoeff(), 0.0) << label;
}

std::string experiment_file(const test_support::TempDir& dir, bool reinforce) {
  return dir.write("exp.toml", test_support::gradient_experiment(
                                   "rate_tanh", "monomial", "three_factor", "dnms", reinforce));
}

}  // namespace

TEST(LearnRule, ItsDerivativesAgreeInEveryMode) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  for (bool reinforce : {false, true})
    for (const char* shape : {"smooth", "hard"}) {
      const auto e = core::load_experiment(
          experiment_file(dir, reinforce),
          // A hard clip has a derivative only where it holds a synapse, and baseline_tau only where
          // it holds none: a level between.
          {"meta.learn_rule=\"baseline_tau, clip\"",
           fmt::format("rule.clip={}", std::string(shape) == "hard" ? 3e-3 : 2e-4),
           fmt::format("rule.clip_shape=\"{}\"", shape), "meta.learn_tau_e=true"},
          registry);
      expect_rule_rows_agree(e, 2,
                             fmt::format("{} {}", reinforce ? "reinforce" : "pathwise", shape));
    }
  // Miconi's options: |Rbar| modulation (here |Rbar|^1.5, its power learned too), a carried
  // average, warm-up.
  const auto file =
      dir.write("miconi.toml", test_support::miconi_options_experiment("before_average", "task"));
  expect_rule_rows_agree(
      core::load_experiment(
          file,
          {"meta.learn_rule=\"clip, baseline_tau, modulation_power\"", "rule.modulation_power=1.5"},
          registry),
      3, "miconi options");
}

// One lifetime, SGD with learning rate 1: log baseline_tau moves by central differences of the
// objective, in forward and in reverse mode alike.
TEST(LearnRule, AMetaStepMovesItByItsGradient) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  const auto file = experiment_file(dir, false);
  double moved[2] = {0, 0};
  for (const char* engine : {"forward", "adjoint"}) {
    const auto e = core::load_experiment(
        file,
        {"meta.steps=1", "meta.batch=1", "meta.optimizer=\"sgd\"", "meta.learning_rate=1",
         "meta.learn_rule=\"baseline_tau\"", fmt::format("meta.gradient=\"{}\"", engine)},
        registry);
    const auto setup = core::make_setup<sdk::Real>(e);
    const core::MetaLearner learner(setup, e.meta);
    ASSERT_EQ(learner.direction_names().back(), "log baseline_tau");
    core::MetaState s = learner.initial_state();
    const double tau = 4.0;  // three_factor's default baseline_tau
    EXPECT_EQ(learner.trace(s).rule, std::vector<double>{tau});
    ASSERT_TRUE(learner.step(s, 1));
    const auto objective = [&](double value) {
      core::Lifetime<sdk::Real> life(setup, core::meta_lifetime_seed(setup.seed, 0, 0),
                                     setup.trace->initial_coefficients(), setup.eligibility.tau_e,
                                     std::vector<double>{value});
      double sum = 0;
      for (std::int64_t h = 0; h < setup.trials; ++h) sum += life.run_trial().task_reward;
      return sum / double(setup.trials);
    };
    const double h = 1e-5;
    const double fd = (objective(tau * std::exp(h)) - objective(tau * std::exp(-h))) / (2 * h);
    ASSERT_NE(fd, 0.0);
    moved[std::string(engine) == "adjoint"] = s.log_rule(0) - std::log(tau);
    EXPECT_NEAR(moved[std::string(engine) == "adjoint"], fd, 1e-6 * std::abs(fd)) << engine;
  }
  EXPECT_NEAR(moved[0], moved[1], 1e-10 * std::abs(moved[0]));
}

// Names the rule does not have, or twice, are positioned errors; baseline_tau stays at least 1.
TEST(LearnRule, NamesAreCheckedAndMinimumsKept) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  const auto file = experiment_file(dir, false);
  const auto refused = [&](const std::vector<std::string>& sets, const std::string& message) {
    try {
      core::make_setup<sdk::Real>(core::load_experiment(file, sets, registry));
      ADD_FAILURE() << message;
    } catch (const core::ConfigError& err) {
      EXPECT_THAT(err.what(), testing::HasSubstr(message));
    }
  };
  refused({"meta.learn_rule=\"eta\""},
          "[meta] learn_rule: rule 'three_factor' has no learnable parameter 'eta' (it has: "
          "baseline_tau)");
  refused({"meta.learn_rule=\"baseline_tau baseline_tau\""}, "names 'baseline_tau' twice");
  refused({"meta.learn_rule=\"baseline_tau\"", "rule.baseline=\"none\""},
          "has no learnable parameter 'baseline_tau' (it has none with these settings)");

  // From 10 (whose exp(log) round trip is not exact) down to the minimum: 1 exactly, which the
  // rule accepts when learned_trace.toml is run.
  const auto e = core::load_experiment(
      file, {"meta.learn_rule=\"baseline_tau\"", "rule.baseline_tau=10"}, registry);
  const auto setup = core::make_setup<sdk::Real>(e);
  const core::MetaLearner learner(setup, e.meta);
  const core::MetaState s = learner.initial_state();
  EXPECT_EQ(learner.trace(s).rule.at(0), 10.0);
  Eigen::VectorXd down = Eigen::VectorXd::Zero(learner.parameters());
  down(down.size() - 1) = -5;  // to 10 e^-5 without the projection
  EXPECT_EQ(learner.trace(s, down).rule.at(0), 1.0);
}

// The checkpoint keeps the learned values (and a learned tau_e), so a resumed run goes on from
// them.
TEST(LearnRule, TheCheckpointKeepsThem) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  const auto e = core::load_experiment(
      experiment_file(dir, false),
      // A smooth clip far from saturation, so that every parameter moves.
      {"meta.steps=2", "meta.batch=2", "meta.learn_rule=\"baseline_tau, clip\"", "rule.clip=2e-3",
       "rule.clip_shape=\"smooth\"", "meta.log_learning_rate=0.05", "meta.learn_tau_e=true",
       "eligibility.tau_e=100"},
      registry);
  const auto setup = core::make_setup<sdk::Real>(e);
  const core::MetaLearner learner(setup, e.meta);
  core::MetaState s = learner.initial_state();
  ASSERT_TRUE(learner.step(s, 1));
  const auto shape = core::checkpoint_shape(e, setup);
  EXPECT_EQ(shape.directions, learner.parameters());
  const core::MetaState back = core::parse_checkpoint(core::checkpoint_json(s, shape), &shape);
  EXPECT_EQ(back.log_rule, s.log_rule);
  EXPECT_EQ(back.log_tau_e, s.log_tau_e);
  // A log_rule of another length, or none, is refused before it is used.
  auto json = nlohmann::json::parse(core::checkpoint_json(s, shape));
  json["log_rule"] = {0.5};
  EXPECT_THAT([&] { core::parse_checkpoint(json.dump(), &shape); },
              testing::ThrowsMessage<core::RunError>(testing::HasSubstr("log_rule")));
  json.erase("log_rule");
  EXPECT_THAT([&] { core::parse_checkpoint(json.dump(), &shape); },
              testing::ThrowsMessage<core::RunError>(testing::HasSubstr("log_rule")));
  EXPECT_NE(back.log_rule(1), std::log(2e-3));
  EXPECT_NE(back.log_tau_e, std::log(100.0));
  core::MetaState again = back;
  ASSERT_TRUE(learner.step(s, 1));
  ASSERT_TRUE(learner.step(again, 2));
  EXPECT_EQ(again.log_rule, s.log_rule);
  EXPECT_EQ(again.log_tau_e, s.log_tau_e);
  EXPECT_EQ(again.theta, s.theta);
}
