// What controls a meta-step's size besides the optimizer: [meta] line_search (a step is taken only
// as far as the batch's own lifetimes, same seeds, do at least as well as at theta) and
// [meta] lifetime_clip (no lifetime's gradient above a multiple of the batch's median) and
// [meta] precondition (a step per coefficient from its basis term's size).
#include "core/engine/lifetime.hpp"
#include "core/meta/meta_learner.hpp"
#include "core/meta/preconditioner.hpp"
#include "gradient_experiments.hpp"
#include "test_support.hpp"

using namespace neohebb;

namespace {

// The mean objective (mean task reward) of meta-step 0's lifetimes at theta.
double batch_objective(const core::Setup<sdk::Real>& setup, const Eigen::MatrixXd& theta,
                       int batch) {
  double sum = 0;
  for (int k = 0; k < batch; ++k) {
    core::Lifetime<sdk::Real> life(setup, core::meta_lifetime_seed(setup.seed, 0, k), theta);
    for (std::int64_t h = 0; h < setup.trials; ++h) sum += life.run_trial().task_reward;
  }
  return sum / double(setup.trials) / batch;
}

}  // namespace

TEST(LineSearch, TakesOnlyStepsThatDoNotLowerTheBatchObjective) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  const auto file = dir.write(
      "exp.toml",
      test_support::gradient_experiment("rate_tanh", "monomial", "three_factor", "dnms", false));
  int shortened = 0;
  // From a modest step to one far too long for the curvature.
  for (const char* rate : {"0.01", "1", "100"}) {
    const auto e = core::load_experiment(
        file,
        {"meta.steps=1", "meta.batch=3", "meta.optimizer=\"sgd\"", "meta.line_search=4",
         fmt::format("meta.learning_rate={}", rate), "meta.on_divergence=\"skip\""},
        registry);
    const auto setup = core::make_setup<sdk::Real>(e);
    const core::MetaLearner learner(setup, e.meta);
    core::MetaState s = learner.initial_state();
    const Eigen::MatrixXd start = s.theta;
    ASSERT_TRUE(learner.step(s, 2));
    const auto& rec = s.history.back();
    EXPECT_NEAR(rec.objective, batch_objective(setup, start, 3), 1e-12) << rate;
    const double f = rec.step_fraction;
    EXPECT_TRUE(f == 0 || f == 1 || f == 0.5 || f == 0.25 || f == 0.125 || f == 0.0625) << f;
    if (f == 0) {
      EXPECT_EQ(s.theta, start) << rate;
    } else {
      EXPECT_GE(batch_objective(setup, s.theta, 3), rec.objective) << rate;
    }
    shortened += f < 1;
  }
  EXPECT_GE(shortened, 1);  // the long steps were cut
}

TEST(LifetimeClip, BoundsEachLifetimeByTheBatchMedian) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  const auto file = dir.write(
      "exp.toml",
      test_support::gradient_experiment("rate_tanh", "monomial", "three_factor", "dnms", false));
  const auto step = [&](const char* clip) {
    const auto e =
        core::load_experiment(file,
                              {"meta.steps=1", "meta.batch=5", "meta.optimizer=\"sgd\"",
                               "meta.learning_rate=1", fmt::format("meta.lifetime_clip={}", clip)},
                              registry);
    const auto setup = core::make_setup<sdk::Real>(e);
    const core::MetaLearner learner(setup, e.meta);
    core::MetaState s = learner.initial_state();
    EXPECT_TRUE(learner.step(s, 2));
    return s.history.back();
  };
  const auto none = step("0"), loose = step("1e9"), median = step("1"), tiny = step("1e-9");
  EXPECT_EQ(loose.theta, none.theta);  // no lifetime above 1e9 medians: nothing clipped
  // Clipped to the median, the mean of five gradients is at most the median norm; with 1e-9 of
  // it, the step almost vanishes.
  EXPECT_LT(median.gradient_norm, none.gradient_norm);
  EXPECT_LT(tiny.gradient_norm, 1e-8 * none.gradient_norm);
}

// [meta] precondition = "basis": the RMS size of each monomial term in probe trials. r^0 d^0 is
// 1 everywhere; higher powers of |r| < 1 are smaller; the multipliers put the median at 1.
TEST(Precondition, BasisScalesOfTheMonomialTerms) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  const auto e = core::load_experiment(
      dir.write("exp.toml", test_support::gradient_experiment("rate_tanh", "monomial",
                                                              "three_factor", "dnms", false)),
      {"meta.precondition=\"basis\""}, registry);
  const auto setup = core::make_setup<sdk::Real>(e);
  const Eigen::MatrixXd s = core::basis_scales(setup, setup.trace->initial_coefficients(), 2);
  EXPECT_DOUBLE_EQ(s(0, 0), 1.0);
  for (Eigen::Index k = 1; k < s.rows(); ++k) EXPECT_LT(s(k, 0), s(k - 1, 0)) << k;
  EXPECT_EQ(core::basis_scales(setup, setup.trace->initial_coefficients(), 2), s);  // seeded
  const Eigen::VectorXd m = core::basis_step_multipliers(setup, s);
  EXPECT_TRUE((m.array() == 1.0).any());  // the coefficient of the median scale
  EXPECT_GT(m.maxCoeff() / m.minCoeff(), 100.0);
  // The learner applies those of its probe (5 trials) to the optimizer's step.
  const core::MetaLearner learner(setup, e.meta);
  const Eigen::VectorXd m5 = core::basis_step_multipliers(
      setup, core::basis_scales(setup, setup.trace->initial_coefficients()));
  EXPECT_EQ(learner.step_multipliers().head(m5.size()), m5);
}

// [meta] average_last: the learned theta is the mean of the last N steps' parameters (with
// learn_eta, log eta averaged too), the iterate itself without it; more than steps is refused.
TEST(AverageLast, TheLearnedThetaIsTheMeanOfTheLastSteps) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  const auto file = dir.write(
      "exp.toml",
      test_support::gradient_experiment("rate_tanh", "monomial", "three_factor", "dnms", false));
  const auto e = core::load_experiment(
      file,
      {"meta.steps=4", "meta.batch=2", "meta.average_last=3", "meta.learn_eta=true",
       "meta.gradient=\"adjoint\"", "meta.learning_rate=0.05"},
      registry);
  const auto setup = core::make_setup<sdk::Real>(e);
  const core::MetaLearner learner(setup, e.meta);
  core::MetaState s = learner.initial_state();
  EXPECT_EQ(learner.learned_trace(s).theta, learner.trace(s).theta);  // no step yet
  for (int k = 0; k < 4; ++k) ASSERT_TRUE(learner.step(s, 2));
  Eigen::VectorXd mean = Eigen::VectorXd::Zero(learner.parameters());
  for (int k = 1; k < 4; ++k) mean += s.history[std::size_t(k)].theta / 3.0;
  core::MetaState averaged = s;  // the last iterate moved to the mean of the last three
  Eigen::Index p = 0;
  for (const auto& [k, l] : setup.directions) averaged.theta(k, l) = mean(p++);
  averaged.log_eta = mean(p);
  EXPECT_LT((learner.learned_trace(s).theta - learner.trace(averaged).theta).norm(),
            1e-15 * learner.trace(averaged).theta.norm());
  EXPECT_GT((learner.learned_trace(s).theta - learner.trace(s).theta).norm(), 0);

  core::MetaSection last = e.meta;
  last.average_last = 0;
  EXPECT_EQ(core::MetaLearner(setup, last).learned_trace(s).theta, learner.trace(s).theta);
  last.average_last = 5;  // more than steps = 4
  EXPECT_THAT([&] { core::validate_meta(e, setup, last); },
              testing::ThrowsMessage<core::ConfigError>(
                  testing::HasSubstr("average_last = 5 averages more meta-steps")));
}
