// The ES estimator: antithetic pairs on common random numbers. With a small sigma a pair's
// estimate is the directional derivative along its perturbation, which forward mode gives
// exactly on the same lifetime; pairs are independent of the thread count.
#include "core/meta/meta_learner.hpp"
#include "gradient_experiments.hpp"
#include "test_support.hpp"

using namespace neohebb;

namespace {

struct Step {
  Eigen::MatrixXd theta_before, theta_after;
  core::MetaStepRecord record;
};

Step one_step(const core::Experiment& e, int threads) {
  const auto setup = core::make_setup<sdk::Real>(e);
  const core::MetaLearner learner(setup, e.meta);
  core::MetaState s = learner.initial_state();
  Step out;
  out.theta_before = s.theta;
  EXPECT_TRUE(learner.step(s, threads));
  out.theta_after = s.theta;
  out.record = s.history.back();
  return out;
}

}  // namespace

TEST(MetaEs, APairEstimatesTheDirectionalDerivative) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  const auto file = dir.write(
      "exp.toml",
      test_support::gradient_experiment("rate_tanh", "monomial", "three_factor", "dnms", false));
  // One pair, SGD with learning rate 1: theta moves by ((J+ - J-) / (2 sigma)) eps.
  const std::vector<std::string> sgd = {"meta.steps=1", "meta.optimizer=\"sgd\"",
                                        "meta.learning_rate=1"};
  auto es_set = sgd;
  es_set.insert(es_set.end(), {"meta.estimator=\"es\"", "meta.batch=2", "meta.es_sigma=1e-5"});
  const auto es = load_experiment(file, es_set, registry);
  const Step es_step = one_step(es, 2);
  // Pathwise on pair 0's lifetime (meta-step 0, lifetime 0): the exact gradient.
  auto exact_set = sgd;
  exact_set.push_back("meta.batch=1");
  const Step exact = one_step(load_experiment(file, exact_set, registry), 1);

  const auto& dirs = core::make_setup<sdk::Real>(es).directions;
  Eigen::VectorXd moved(static_cast<Eigen::Index>(dirs.size())),
      gradient(static_cast<Eigen::Index>(dirs.size()));
  for (std::size_t p = 0; p < dirs.size(); ++p) {
    const auto [k, l] = dirs[p];
    moved(Eigen::Index(p)) = es_step.theta_after(k, l) - es_step.theta_before(k, l);
    gradient(Eigen::Index(p)) = exact.theta_after(k, l) - exact.theta_before(k, l);
  }
  const Eigen::VectorXd eps = core::es_perturbation(es.experiment.seed, 0, 0, dirs.size());
  const Eigen::VectorXd want = eps.dot(gradient) * eps;
  ASSERT_GT(want.norm(), 0.0);
  EXPECT_LE((moved - want).norm() / want.norm(), 1e-5);
}

TEST(MetaEs, SameStepOnAnyThreadCountAndAnEvenBatchIsRequired) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  const auto file = dir.write("exp.toml", test_support::gradient_experiment(
                                              "rate_tanh", "monomial", "three_factor", "dnms",
                                              true));  // the policy's 0/1 reward: ES takes either
  const auto e = load_experiment(
      file, {"meta.estimator=\"es\"", "meta.batch=6", "meta.es_sigma=0.05"}, registry);
  const Step one = one_step(e, 1), three = one_step(e, 3);
  EXPECT_EQ(one.theta_after, three.theta_after);
  EXPECT_NE(one.theta_after, one.theta_before);
  EXPECT_EQ(one.record.gradient_snr.size(), one.record.theta.size());  // over the 3 pairs
  const auto odd = load_experiment(file, {"meta.estimator=\"es\"", "meta.batch=5"}, registry);
  EXPECT_THROW(core::validate_meta(odd, core::make_setup<sdk::Real>(odd), odd.meta),
               core::ConfigError);
}
