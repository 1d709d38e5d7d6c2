// Forward-mode meta-gradients against the complex step and finite differences, for every
// combination of the installed neuron models, trace polynomials, rules and tasks, under both
// estimators, on a small network (N = 10, H = 20, 20 ms steps).
#include <fmt/format.h>

#include "core/loader/plugin_search.hpp"
#include "core/meta/gradient_check.hpp"
#include "test_support.hpp"

using namespace neohebb;

namespace {

// Settings that keep a component fast or give it something to learn; others use defaults. The
// neuron's 20 ms step keeps the tasks' default trials (0.7-3.2 s) to 35-160 steps.
std::string polynomial_trace() {
  std::string c;
  for (int i = 0; i < 16; ++i) c += fmt::format("{}{}", i ? ", " : "", 0.02 * ((i * 7) % 11 - 5));
  return "degree = 3\ncoefficients = [" + c + "]\n";
}

const std::map<std::string, std::string> kSettings = {
    {"rate_tanh", "tau = 100.0\ndt = 20.0\n"},
    {"dnms",
     "pre_stimulus = 0.0\nstimulus1 = 40.0\ndelay1 = 40.0\nstimulus2 = 40.0\ndelay2 = 40.0\n"
     "response = 40.0\n"},
    {"monomial", polynomial_trace()},
    {"chebyshev", polynomial_trace()},
    {"legendre", polynomial_trace()},
    {"miconi_cubic", "learnable = true\nscale = 20.0\n"},
    {"hebbian", "learnable = true\n"},
    {"three_factor", "eta = 0.005\nbaseline_init = -0.5\n"},
};

std::string section(const std::string& name, const std::string& type) {
  const auto it = kSettings.find(type);
  return fmt::format("[{}]\ntype = \"{}\"\n{}\n", name, type,
                     it == kSettings.end() ? "" : it->second);
}

std::string experiment(const std::string& neuron, const std::string& trace, const std::string& rule,
                       const std::string& task, bool reinforce) {
  return fmt::format(
      "[experiment]\nseed = 5\ntrials = 20\nreward = \"{}\"\n\n"
      "[meta]\nestimator = \"{}\"\n\n"
      "[network]\nsize = 10\ngain = 0.7\n\n[exploration]\nprobability = 0.02\namplitude = 2.0\n\n"
      "[eligibility]\ntau_e = 40.0\n\n{}{}{}{}",
      reinforce ? "policy" : "task", reinforce ? "reinforce" : "pathwise",
      section("neuron", neuron), section("trace", trace), section("rule", rule),
      section("task", task));
}

}  // namespace

TEST(Tangents, ForwardModeMatchesComplexStepAndFiniteDifferencesForEveryCombination) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  core::load_default_plugins(registry);
  int combinations = 0, fd_compared = 0;
  for (const auto& neuron : registry.names(sdk::Kind::NeuronModel))
    for (const auto& trace : registry.names(sdk::Kind::TracePolynomial))
      for (const auto& rule : registry.names(sdk::Kind::PlasticityRule))
        for (const auto& task : registry.names(sdk::Kind::Task))
          for (bool reinforce : {false, true}) {
            const auto c = registry.find(sdk::Kind::Task, task);
            auto probe =
                core::instantiate<sdk::Task<double>, double>(*c, sdk::defaults_of(c->info->params));
            if (reinforce && !probe->has_policy()) continue;
            const std::string label = fmt::format("{} / {} / {} / {} / {}", neuron, trace, rule,
                                                  task, reinforce ? "reinforce" : "pathwise");
            const auto e = core::load_experiment(
                dir.write("exp.toml", experiment(neuron, trace, rule, task, reinforce)), {},
                registry);
            const auto check = core::check_gradients(e, {});
            ASSERT_GT(check.tangent_norm.back(), 0.0) << label;
            for (const auto& t : check.tables) {
              EXPECT_LE(core::max_relative_error(t.values, 0, 1), 1e-10)
                  << label << ", " << t.label;
              // A central difference resolves a derivative only down to ~eps |R| / h: compare
              // with it where the gradient is well above that floor.
              if (t.values.col(1).cwiseAbs().maxCoeff() < 1e-5) continue;
              EXPECT_LE(core::max_relative_error(t.values, 0, 2), 1e-6) << label << ", " << t.label;
              ++fd_compared;
            }
            EXPECT_GT(check.tables.back().values.col(1).cwiseAbs().maxCoeff(), 0.0) << label;
            ++combinations;
          }
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
      const std::string toml = fmt::format(
          R"([experiment]
seed = 9
trials = 30
reward = "{}"
[meta]
estimator = "{}"
[network]
size = 12
readout = "unit"
input_free_units = [0]
clamped_units = [1, 4]
clamped_values = [1.0, -1.0]
[exploration]
probability = 0.05
amplitude = 3.0
[eligibility]
tau_e = inf
{}
reset_average = false
scale_by_dt = false
[neuron]
tau = 5.0
[trace]
type = "miconi_cubic"
learnable = true
scale = 50.0
[rule]
type = "three_factor"
eta = 0.1
modulation = "baseline_magnitude"
clip = 3e-3
warmup_trials = 5
[task]
type = "dnms"
pre_stimulus = 1.0
stimulus1 = 8.0
delay1 = 8.0
stimulus2 = 8.0
delay2 = 8.0
response = 8.0
)",
          reward, std::string(reward) == "task" ? "pathwise" : "reinforce",
          std::string(deviation) == "perturbation" ? std::string("postsynaptic = \"perturbation\"")
                                                   : fmt::format("deviation = \"{}\"", deviation));
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
