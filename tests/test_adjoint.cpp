// Reverse-mode meta-gradients against forward mode and the complex step (the adjoint column of
// the gradient check), for every combination of the installed plugins under both estimators,
// with every Miconi option and several checkpoint intervals; and meta-learning in reverse mode
// against forward mode.
#include <cmath>

#include <fmt/format.h>

#include "core/engine/setup.hpp"
#include "core/loader/plugin_search.hpp"
#include "core/meta/adjoint_gradient.hpp"
#include "core/meta/gradient_check.hpp"
#include "core/meta/gradient_engine.hpp"
#include "core/meta/meta_learner.hpp"
#include "gradient_experiments.hpp"
#include "test_support.hpp"

using namespace neohebb;
using test_support::gradient_experiment;
using test_support::miconi_options_experiment;

namespace {

constexpr int kForward = 0, kComplexStep = 1, kAdjoint = 3;

// The largest error of the adjoint column against forward mode and the complex step, over the
// tables of one check (per trial and cumulative).
struct Errors {
  double vs_forward = 0, vs_complex_step = 0;
};

Errors adjoint_errors(const core::Experiment& e) {
  core::GradientCheckOptions options;
  options.finite_differences = false;
  const auto check = core::check_gradients(e, options);
  Errors out;
  for (const auto& t : check.tables) {
    out.vs_forward =
        std::max(out.vs_forward, core::max_relative_error(t.values, kAdjoint, kForward));
    out.vs_complex_step =
        std::max(out.vs_complex_step, core::max_relative_error(t.values, kAdjoint, kComplexStep));
  }
  EXPECT_GT(check.tables.back().values.col(kAdjoint).cwiseAbs().maxCoeff(), 0.0);
  return out;
}

}  // namespace

TEST(Adjoint, MatchesForwardModeAndComplexStepForEveryCombination) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  core::load_default_plugins(registry);
  Errors worst;
  const int combinations = test_support::for_each_gradient_combination(
      registry, dir, [&](const std::string& label, const core::Experiment& e) {
        const Errors err = adjoint_errors(e);
        EXPECT_LE(err.vs_forward, 1e-12) << label;
        EXPECT_LE(err.vs_complex_step, 1e-9) << label;
        worst.vs_forward = std::max(worst.vs_forward, err.vs_forward);
        worst.vs_complex_step = std::max(worst.vs_complex_step, err.vs_complex_step);
      });
  EXPECT_GE(combinations, 4);
  RecordProperty("max_error_vs_forward", fmt::format("{:.3e}", worst.vs_forward));
  RecordProperty("max_error_vs_complex_step", fmt::format("{:.3e}", worst.vs_complex_step));
}

// Clamped units, unit readout, a running average carried across trials, both deviations and
// node perturbation, |Rbar| modulation, clipping, warm-up; with a checkpoint every trial, every
// 7 trials (stretches that do not divide the lifetime), the default sqrt(H) and one stretch.
TEST(Adjoint, MiconiOptionsMatchForwardModeAndComplexStep) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  Errors worst;
  for (const char* deviation : {"before_average", "after_average", "perturbation"})
    for (const char* reward : {"task", "policy"})
      for (const char* every : {"0", "1", "7", "100"}) {
        const auto e = core::load_experiment(
            dir.write("exp.toml", miconi_options_experiment(deviation, reward)),
            {fmt::format("meta.checkpoint_every={}", every)}, registry);
        const Errors err = adjoint_errors(e);
        EXPECT_LE(err.vs_forward, 1e-12) << deviation << " " << reward << " every " << every;
        EXPECT_LE(err.vs_complex_step, 1e-9) << deviation << " " << reward << " every " << every;
        worst.vs_forward = std::max(worst.vs_forward, err.vs_forward);
        worst.vs_complex_step = std::max(worst.vs_complex_step, err.vs_complex_step);
      }
  RecordProperty("max_error_vs_forward", fmt::format("{:.3e}", worst.vs_forward));
  RecordProperty("max_error_vs_complex_step", fmt::format("{:.3e}", worst.vs_complex_step));
}

// The objective's weights and the REINFORCE credit: late trials only, immediate credit; an
// eligibility that starts late, decays and is not scaled by dt; the average carried over; a
// global baseline with clipping, or none.
TEST(Adjoint, ObjectiveAndEligibilityOptionsMatchForwardMode) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  for (const char* baseline : {"global", "none"})
    for (bool reinforce : {false, true}) {
      const auto e = core::load_experiment(
          dir.write("exp.toml", gradient_experiment("rate_tanh", "monomial", "three_factor", "dnms",
                                                    reinforce)),
          {"meta.objective=\"late\"", "meta.late_fraction=0.3", "meta.credit=\"immediate\"",
           "eligibility.start_step=5", "eligibility.scale_by_dt=false",
           "eligibility.reset_average=false", "eligibility.deviation=\"after_average\"",
           fmt::format("rule.baseline=\"{}\"", baseline),
           // Without a baseline every synapse would be clipped (a zero gradient).
           fmt::format("rule.clip={}", std::string(baseline) == "none" ? 0.0 : 2e-4)},
          registry);
      const Errors err = adjoint_errors(e);
      EXPECT_LE(err.vs_forward, 1e-12) << baseline << " " << reinforce;
      EXPECT_LE(err.vs_complex_step, 1e-9) << baseline << " " << reinforce;
    }
}

// The smooth clip c tanh(mu / c), saturated on many synapses: the three modes agree where the
// hard clip would have no derivative.
TEST(Adjoint, SmoothClipMatchesForwardModeAndComplexStep) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  core::GradientCheckOptions options;
  options.finite_differences = false;
  for (const char* reward : {"task", "policy"}) {
    const auto file = dir.write("exp.toml", miconi_options_experiment("before_average", reward));
    const auto e = core::load_experiment(file, {"rule.clip_shape=\"smooth\""}, registry);
    const Errors err = adjoint_errors(e);
    EXPECT_LE(err.vs_forward, 1e-12) << reward;
    EXPECT_LE(err.vs_complex_step, 1e-9) << reward;
    // The clip is active: the hard one gives another gradient.
    const Eigen::VectorXd smooth =
        core::check_gradients(e, options).tables.back().values.col(kForward);
    const Eigen::VectorXd hard =
        core::check_gradients(core::load_experiment(file, {}, registry), options)
            .tables.back()
            .values.col(kForward);
    EXPECT_GT((smooth - hard).norm(), 1e-3 * hard.norm()) << reward;
  }
}

TEST(Adjoint, AutoChoosesTheCheaperEngineByItsCostModel) {
  core::GradientShape g{.directions = 1, .size = 100, .steps = 100, .trials = 400};
  g.checkpoint_every = core::checkpoint_interval(0, g.trials);
  EXPECT_EQ(g.checkpoint_every, 20);
  EXPECT_FALSE(core::use_adjoint(core::GradientEngine::Forward, {.directions = 100}));
  EXPECT_TRUE(core::use_adjoint(core::GradientEngine::Adjoint, g));
  EXPECT_FALSE(core::use_adjoint(core::GradientEngine::Auto, g));  // 2.7 against 5.2 trials
  g.directions = 10;
  EXPECT_TRUE(core::use_adjoint(core::GradientEngine::Auto, g));
  // Without recomputation (c = 1) the adjoint costs one primal trial less: even at P = 2.
  g.directions = 2;
  EXPECT_FALSE(core::use_adjoint(core::GradientEngine::Auto, g));
  g.checkpoint_every = 1;
  EXPECT_TRUE(core::use_adjoint(core::GradientEngine::Auto, g));
  EXPECT_EQ(core::checkpoint_interval(0, 1), 1);
  EXPECT_EQ(core::checkpoint_interval(7, 400), 7);
}

// The default interval keeps the checkpoints and a stretch's starts under 2 sqrt(H) N^2 doubles
// (plus N per start with a carried running average), for every H.
TEST(Adjoint, DefaultCheckpointingStaysUnderTwoSqrtHMatrices) {
  for (std::int64_t H = 1; H <= 100000; ++H) {
    const core::GradientShape g{
        .size = 1, .trials = H, .checkpoint_every = core::checkpoint_interval(0, H)};
    ASSERT_LE(core::adjoint_memory_doubles(g), 2 * std::sqrt(double(H))) << H;
  }
}

// What a lifetime really holds matches the model (the rule's few baselines aside), for one
// checkpoint every trial, every 4, the default round(sqrt(30)) = 5 and one for the lifetime.
TEST(Adjoint, HeldCheckpointsMatchTheMemoryModel) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  const auto e = core::load_experiment(
      dir.write("exp.toml",
                gradient_experiment("rate_tanh", "monomial", "three_factor", "dnms", false)),
      {"experiment.trials=30", "network.size=12"}, registry);
  const auto setup = core::make_setup<double>(e);
  for (const int every : {0, 1, 4, 30}) {
    const auto g = core::gradient_shape(setup, every);
    core::AdjointLifetime life(setup, 5, setup.trace->initial_coefficients(), g.checkpoint_every);
    for (int h = 0; h < 30; ++h) life.run_trial();
    life.gradient(std::vector<double>(30, 1.0));
    const double starts = core::adjoint_memory_doubles(g) / (12.0 * 12.0);
    const double rule_state = double(life.peak_doubles()) / starts - 12.0 * 12.0;
    EXPECT_GE(rule_state, 0) << every;
    EXPECT_LE(rule_state, 8) << every;  // a baseline per condition
    if (every == 0) {                   // the default interval: under the bound
      EXPECT_LE(double(life.peak_doubles()), 2 * std::sqrt(30.0) * (12 * 12 + 8));
    }
  }
}

// A few meta-steps (Adam, batch of 3 lifetimes on 2 threads) take theta the same way whichever
// mode computes the gradient, for both estimators (REINFORCE's baseline starts from the first
// batch, so reverse mode sweeps back only after the whole batch has run).
TEST(Adjoint, MetaLearningFollowsTheSameThetaAsForwardMode) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  for (bool reinforce : {false, true}) {
    const auto path = dir.write("exp.toml", gradient_experiment("rate_tanh", "monomial",
                                                                "three_factor", "dnms", reinforce));
    std::vector<Eigen::MatrixXd> thetas;
    for (const char* mode : {"forward", "adjoint"}) {
      const auto e =
          core::load_experiment(path,
                                {"meta.steps=4", "meta.batch=3", "meta.learning_rate=0.05",
                                 fmt::format("meta.gradient=\"{}\"", mode)},
                                registry);
      const auto setup = core::make_setup<sdk::Real>(e);
      core::MetaLearner learner(setup, e.meta);
      core::MetaState s = learner.initial_state();
      for (int k = 0; k < e.meta.steps; ++k) ASSERT_TRUE(learner.step(s, 2));
      thetas.push_back(s.theta);
    }
    const Eigen::MatrixXd start =
        core::make_setup<sdk::Real>(core::load_experiment(path, {}, registry))
            .trace->initial_coefficients();
    EXPECT_GT((thetas[0] - start).norm(), 0.0);
    EXPECT_LE((thetas[1] - thetas[0]).norm() / thetas[0].norm(), 1e-10) << reinforce;
  }
}
