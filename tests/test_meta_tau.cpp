// [meta] learn_tau_e: the eligibility trace's time constant as a meta-parameter, in log space.
// Its derivative in forward mode, in reverse mode, by the complex step and by finite differences
// (pathwise and REINFORCE, a decaying trace and Miconi's options), a meta-step that moves it by
// that derivative, and what it needs (its checkpoint: test_meta_rule_parameters.cpp).
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

constexpr int kForward = 0, kComplexStep = 1, kFiniteDifferences = 2, kAdjoint = 3;

// The log tau_e row (the last) of every table of a gradient check: forward mode, finite
// differences and reverse mode against the complex step.
void expect_log_tau_e_agrees(const core::Experiment& e, const std::string& label) {
  const auto check = core::check_gradients(e, {});
  ASSERT_EQ(check.coefficients.back(), "log tau_e") << label;
  for (const auto& t : check.tables) {
    const Eigen::RowVectorXd row = t.values.row(t.values.rows() - 1);
    const double cs = row(kComplexStep), scale = std::max(std::abs(cs), 1e-300);
    if (t.label == "trial 1") continue;  // before any update: exactly zero in every column
    EXPECT_LE(std::abs(row(kForward) - cs) / scale, 1e-10) << label << " " << t.label;
    EXPECT_LE(std::abs(row(kAdjoint) - cs) / scale, 1e-10) << label << " " << t.label;
    EXPECT_LE(std::abs(row(kFiniteDifferences) - cs) / scale, 1e-5) << label << " " << t.label;
  }
  EXPECT_NE(check.tables.back().values(check.tables.back().values.rows() - 1, kComplexStep), 0.0)
      << label;
}

double objective(const core::Setup<sdk::Real>& setup, double tau_e) {
  return test_support::first_lifetime_objective(setup, setup.trace->initial_coefficients(), tau_e);
}

}  // namespace

TEST(LearnTauE, ItsDerivativeAgreesInEveryMode) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  for (bool reinforce : {false, true}) {
    const auto file =
        dir.write("exp.toml", test_support::gradient_experiment("rate_tanh", "monomial",
                                                                "three_factor", "dnms", reinforce));
    expect_log_tau_e_agrees(core::load_experiment(file, {"meta.learn_tau_e=true"}, registry),
                            reinforce ? "reinforce" : "pathwise");
  }
  // Miconi's options (a carried-over average, clipping, warm-up, |Rbar| modulation).
  for (const char* deviation : {"before_average", "perturbation"})
    for (const char* reward : {"task", "policy"}) {
      const auto file =
          dir.write("miconi.toml", test_support::miconi_options_experiment(deviation, reward));
      expect_log_tau_e_agrees(
          core::load_experiment(file, {"meta.learn_tau_e=true", "eligibility.tau_e=20"}, registry),
          fmt::format("{} {}", deviation, reward));
    }
}

// One lifetime, SGD with learning rate 1: log tau_e moves by dJ/dlog tau_e (from 100 ms, away
// from the floor of 2 dt = 40 ms), in forward and in reverse mode alike; log_learning_rate
// scales that step alone.
TEST(LearnTauE, AMetaStepMovesItByItsGradient) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  const auto file = test_support::dnms_gradient_file(dir);
  double moved[2] = {0, 0};
  for (const char* engine : {"forward", "adjoint"}) {
    const auto e = core::load_experiment(
        file,
        {"meta.steps=1", "meta.batch=1", "meta.optimizer=\"sgd\"", "meta.learning_rate=1",
         "meta.learn_tau_e=true", "eligibility.tau_e=100",
         fmt::format("meta.gradient=\"{}\"", engine)},
        registry);
    const auto setup = core::make_setup<sdk::Real>(e);
    const core::MetaLearner learner(setup, e.meta);
    core::MetaState s = learner.initial_state();
    ASSERT_EQ(learner.parameters(), static_cast<Eigen::Index>(setup.directions.size()) + 1);
    EXPECT_EQ(learner.direction_names().back(), "log tau_e");
    ASSERT_TRUE(learner.step(s, 1));
    const double tau = setup.eligibility.tau_e, h = 1e-5;
    const double fd =
        (objective(setup, tau * std::exp(h)) - objective(setup, tau * std::exp(-h))) / (2 * h);
    ASSERT_NE(fd, 0.0);
    const double step = s.log_tau_e - std::log(tau);
    EXPECT_NEAR(step, fd, 1e-6 * std::abs(fd)) << engine;
    EXPECT_EQ(s.history.back().theta(learner.parameters() - 1), s.log_tau_e);
    EXPECT_NEAR(*learner.trace(s).tau_e, std::exp(s.log_tau_e), 1e-12 * tau);
    moved[std::string(engine) == "adjoint"] = step;
  }
  EXPECT_NEAR(moved[0], moved[1], 1e-10 * std::abs(moved[0]));

  const auto slow = core::load_experiment(
      file,
      {"meta.steps=1", "meta.batch=1", "meta.optimizer=\"sgd\"", "meta.learning_rate=1",
       "meta.learn_tau_e=true", "eligibility.tau_e=100", "meta.log_learning_rate=0.25"},
      registry);
  const auto setup = core::make_setup<sdk::Real>(slow);
  const core::MetaLearner learner(setup, slow.meta);
  core::MetaState s = learner.initial_state();
  ASSERT_TRUE(learner.step(s, 1));
  EXPECT_NEAR(s.log_tau_e - std::log(setup.eligibility.tau_e), 0.25 * moved[0],
              1e-10 * std::abs(moved[0]));
}

// Meta-learning (and check-gradients) starts it from a finite tau_e of at least 2 dt (a positioned
// error otherwise; a plain run learns nothing and accepts any); no step takes it below 2 dt (the
// step is projected), and a lifetime given a tau_e at or below dt refuses it as a divergence.
TEST(LearnTauE, NeedsAFiniteStartAboveDt) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  std::string text =
      test_support::gradient_experiment("rate_tanh", "monomial", "three_factor", "dnms", false);
  const auto at = text.find("tau_e = 40.0");
  ASSERT_NE(at, std::string::npos);
  for (const char* tau : {"inf", "20.0", "39.0", "5.0"}) {
    const auto file =
        dir.write("start.toml", std::string(text).replace(at, 12, fmt::format("tau_e = {}", tau)));
    const auto e = core::load_experiment(file, {"meta.learn_tau_e=true"}, registry);
    const auto setup = core::make_setup<sdk::Real>(e);  // a plain run learns nothing: accepted
    EXPECT_NO_THROW(core::Lifetime<sdk::Real>(setup, 1, setup.trace->initial_coefficients()));
    try {
      core::validate_meta(e, setup, e.meta);
      ADD_FAILURE() << "tau_e = " << tau << " was accepted";
    } catch (const core::ConfigError& err) {
      EXPECT_THAT(err.what(), testing::HasSubstr("start.toml:"));
      EXPECT_THAT(err.what(), testing::HasSubstr(
                                  "learn_tau_e learns log tau_e, so tau_e must start finite and at "
                                  "least twice the step dt = 20 ms"));
    }
  }
  const auto e = core::load_experiment(test_support::dnms_gradient_file(dir),
                                       {"meta.learn_tau_e=true"}, registry);
  const auto setup = core::make_setup<sdk::Real>(e);
  EXPECT_THROW(core::Lifetime<sdk::Real>(setup, 1, setup.trace->initial_coefficients(), 19.0),
               core::DivergenceError);
}

// The start is the experiment's tau_e exactly, and a step that would cross 2 dt stops there.
TEST(LearnTauE, StartsExactlyAndStaysAboveTwiceDt) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  const auto e =
      core::load_experiment(test_support::dnms_gradient_file(dir),
                            {"meta.learn_tau_e=true", "eligibility.tau_e=100.1"}, registry);
  const auto setup = core::make_setup<sdk::Real>(e);
  const core::MetaLearner learner(setup, e.meta);
  const core::MetaState s = learner.initial_state();
  EXPECT_EQ(*learner.trace(s).tau_e, 100.1);  // bit for bit
  Eigen::VectorXd down = Eigen::VectorXd::Zero(learner.parameters());
  down(down.size() - 1) = -10;                     // to 100.1 e^-10 ms without the projection
  EXPECT_GE(*learner.trace(s, down).tau_e, 40.0);  // never a rounding below the floor
  EXPECT_NEAR(*learner.trace(s, down).tau_e, 40.0, 1e-12);
  down(down.size() - 1) = -0.5;  // 60.7 ms: inside, untouched
  EXPECT_NEAR(*learner.trace(s, down).tau_e, 100.1 * std::exp(-0.5), 1e-12);

  // A step below 1 ms: the floor is 2 dt however small.
  const auto fine = core::load_experiment(
      test_support::dnms_gradient_file(dir),
      {"meta.learn_tau_e=true", "eligibility.tau_e=100.1", "neuron.dt=0.25"}, registry);
  const auto fine_setup = core::make_setup<sdk::Real>(fine);
  const core::MetaLearner fine_learner(fine_setup, fine.meta);
  down(down.size() - 1) = -4.8;  // to 0.82 ms, between 2 dt and 1 ms: untouched
  EXPECT_NEAR(*fine_learner.trace(fine_learner.initial_state(), down).tau_e, 100.1 * std::exp(-4.8),
              1e-12);
  down(down.size() - 1) = -100;
  EXPECT_GE(*fine_learner.trace(fine_learner.initial_state(), down).tau_e, 0.5);
  EXPECT_NEAR(*fine_learner.trace(fine_learner.initial_state(), down).tau_e, 0.5, 1e-12);
}
