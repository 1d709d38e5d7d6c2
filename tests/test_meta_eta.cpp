// [meta] learn_eta: log eta as one more meta-parameter, a common factor exp(u) on the trace's
// coefficients. Its meta-gradient against central differences of the objective, the equivalence
// with three_factor's eta that the option's name claims, and what it needs.
#include <cmath>

#include "core/engine/lifetime.hpp"
#include "core/meta/meta_learner.hpp"
#include "gradient_experiments.hpp"
#include "test_support.hpp"

using namespace neohebb;

namespace {

double objective(const core::Setup<sdk::Real>& setup, const Eigen::MatrixXd& theta) {
  return test_support::first_lifetime_objective(setup, theta, setup.eligibility.tau_e);
}

}  // namespace

TEST(LearnEta, ItsGradientMatchesCentralDifferences) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  // One lifetime, SGD with learning rate 1: log eta moves by dJ/du.
  const auto e = core::load_experiment(
      test_support::dnms_gradient_file(dir),
      {"meta.steps=1", "meta.batch=1", "meta.optimizer=\"sgd\"", "meta.learning_rate=1",
       "meta.learn_eta=true", "meta.gradient=\"adjoint\""},
      registry);
  const auto setup = core::make_setup<sdk::Real>(e);
  const core::MetaLearner learner(setup, e.meta);
  core::MetaState s = learner.initial_state();
  ASSERT_EQ(learner.parameters(), static_cast<Eigen::Index>(setup.directions.size()) + 1);
  ASSERT_TRUE(learner.step(s, 1));
  const Eigen::MatrixXd theta = setup.trace->initial_coefficients();
  const double h = 1e-5;
  const double fd =
      (objective(setup, std::exp(h) * theta) - objective(setup, std::exp(-h) * theta)) / (2 * h);
  ASSERT_NE(fd, 0.0);
  EXPECT_NEAR(s.log_eta, fd, 1e-6 * std::abs(fd));
  EXPECT_EQ(s.history.back().theta.size(), learner.parameters());
  EXPECT_EQ(s.history.back().theta(learner.parameters() - 1), s.log_eta);
}

// three_factor's update is eta m (R - Rbar) e with e linear in theta: eta exp(u) and theta
// exp(u) are the same rule.
TEST(LearnEta, ScalingTheTraceIsScalingThreeFactorsEta) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  const auto file = test_support::dnms_gradient_file(dir);
  const auto base = core::make_setup<sdk::Real>(core::load_experiment(file, {}, registry));
  const double eta = core::load_experiment(file, {}, registry).plugin("rule").params.real("eta");
  const auto scaled_eta = core::make_setup<sdk::Real>(core::load_experiment(
      file, {fmt::format("rule.eta={:.17g}", eta * std::exp(0.3))}, registry));
  const Eigen::MatrixXd theta = base.trace->initial_coefficients();
  EXPECT_NEAR(objective(base, std::exp(0.3) * theta), objective(scaled_eta, theta), 1e-12);
}

TEST(LearnEta, NeedsTheAdjointOrEs) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  const auto file = test_support::dnms_gradient_file(dir);
  const auto forward =
      core::load_experiment(file, {"meta.learn_eta=true", "meta.gradient=\"forward\""}, registry);
  EXPECT_THROW(core::validate_meta(forward, core::make_setup<sdk::Real>(forward), forward.meta),
               core::ConfigError);
  // "auto" resolves to the adjoint; ES perturbs log eta with the coefficients.
  for (const char* set : {"meta.gradient=\"auto\"", "meta.estimator=\"es\""}) {
    const auto e =
        core::load_experiment(file, {"meta.learn_eta=true", set, "meta.batch=2"}, registry);
    const auto setup = core::make_setup<sdk::Real>(e);
    core::validate_meta(e, setup, e.meta);
    const core::MetaLearner learner(setup, e.meta);
    core::MetaState s = learner.initial_state();
    ASSERT_TRUE(learner.step(s, 2));
    EXPECT_NE(s.log_eta, 0.0) << set;
  }
}
