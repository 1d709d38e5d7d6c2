// Forward-mode meta-gradients against the complex step and finite differences, for every
// combination of the installed neuron models, trace polynomials, rules and tasks, under both
// estimators, on a small network (N = 10, H = 20, 20 ms steps).
#include <fmt/format.h>

#include "core/loader/plugin_search.hpp"
#include "core/meta/gradient_check.hpp"
#include "gradient_experiments.hpp"
#include "test_support.hpp"

using namespace neohebb;
using test_support::gradient_experiment;
using test_support::miconi_options_experiment;

TEST(Tangents, ForwardModeMatchesComplexStepAndFiniteDifferencesForEveryCombination) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  core::load_default_plugins(registry);
  int fd_compared = 0;
  const int combinations = test_support::for_each_gradient_combination(
      registry, dir, [&](const std::string& label, const core::Experiment& e) {
        const auto check = core::check_gradients(e, {});
        ASSERT_GT(check.tangent_norm.back(), 0.0) << label;
        for (const auto& t : check.tables) {
          EXPECT_LE(core::max_relative_error(t.values, 0, 1), 1e-10) << label << ", " << t.label;
          // A central difference resolves a derivative only down to ~eps |R| / h: compare
          // with it where the gradient is well above that floor.
          if (t.values.col(1).cwiseAbs().maxCoeff() < 1e-5) continue;
          EXPECT_LE(core::max_relative_error(t.values, 0, 2), 1e-6) << label << ", " << t.label;
          ++fd_compared;
        }
        EXPECT_GT(check.tables.back().values.col(1).cwiseAbs().maxCoeff(), 0.0) << label;
      });
  EXPECT_GE(combinations, 4);
  EXPECT_GE(fd_compared, 2 * combinations);  // most tables are above the finite-difference floor
}

// Every Miconi option on the path of the tangents: clamped units, unit readout, carried-over
// running average, deviation after the average, |Rbar| modulation, clipping, warm-up, no decay;
// and node perturbation (the kick as the postsynaptic variable).
// Clipping makes the lifetime non-smooth, so only the complex step is a fair reference.
TEST(Tangents, MiconiOptionsMatchComplexStep) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  for (const char* deviation : {"before_average", "after_average", "perturbation"})
    for (const char* reward : {"task", "policy"}) {
      const std::string toml = miconi_options_experiment(deviation, reward);
      const auto e = core::load_experiment(dir.write("exp.toml", toml), {}, registry);
      core::GradientCheckOptions options;
      options.finite_differences = false;
      const auto check = core::check_gradients(e, options);
      const auto& cumulative = check.tables.back();
      EXPECT_GT(cumulative.values.col(1).cwiseAbs().maxCoeff(), 0.0) << deviation << " " << reward;
      for (const auto& t : check.tables)
        EXPECT_LE(core::max_relative_error(t.values, 0, 1), 1e-10)
            << deviation << " " << reward << ", " << t.label;
    }
}
