#pragma once
// The experiments the gradient tests share: one per combination of the installed plugins on a
// small network (N = 10, H = 20, 20 ms steps), and one with every Miconi option switched on.
#include <map>
#include <string>

#include <fmt/format.h>

#include "core/config/experiment.hpp"
#include "core/engine/lifetime.hpp"
#include "core/engine/setup.hpp"
#include "core/meta/meta_learner.hpp"
#include "test_support.hpp"

namespace neohebb::test_support {

// Settings that keep a component fast or give it something to learn; others use defaults. The
// neuron's 20 ms step keeps the tasks' default trials (0.7-3.2 s) to 35-160 steps.
inline std::string polynomial_trace() {
  std::string c;
  for (int i = 0; i < 16; ++i) c += fmt::format("{}{}", i ? ", " : "", 0.02 * ((i * 7) % 11 - 5));
  return "degree = 3\ncoefficients = [" + c + "]\n";
}

inline const std::map<std::string, std::string> kSettings = {
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

inline std::string section(const std::string& name, const std::string& type) {
  const auto it = kSettings.find(type);
  return fmt::format("[{}]\ntype = \"{}\"\n{}\n", name, type,
                     it == kSettings.end() ? "" : it->second);
}

inline std::string gradient_experiment(const std::string& neuron, const std::string& trace,
                                       const std::string& rule, const std::string& task,
                                       bool reinforce) {
  return fmt::format(
      "[experiment]\nseed = 5\ntrials = 20\nreward = \"{}\"\n\n"
      "[meta]\nestimator = \"{}\"\n\n"
      "[network]\nsize = 10\ngain = 0.7\n\n[exploration]\nprobability = 0.02\namplitude = 2.0\n\n"
      "[eligibility]\ntau_e = 40.0\n\n{}{}{}{}",
      reinforce ? "policy" : "task", reinforce ? "reinforce" : "pathwise",
      section("neuron", neuron), section("trace", trace), section("rule", rule),
      section("task", task));
}

// The pathwise DNMS experiment of the gradient tests, written to `dir`.
inline std::string dnms_gradient_file(const TempDir& dir) {
  return dir.write("exp.toml",
                   gradient_experiment("rate_tanh", "monomial", "three_factor", "dnms", false));
}

// The objective (mean task reward) of meta-step 0's lifetime 0 with the trace at theta, tau_e:
// what a meta-step's finite differences are taken of.
inline double first_lifetime_objective(const core::Setup<sdk::Real>& setup,
                                       const Eigen::MatrixXd& theta, double tau_e) {
  core::Lifetime<sdk::Real> life(setup, core::meta_lifetime_seed(setup.seed, 0, 0), theta, tau_e);
  double sum = 0;
  for (std::int64_t h = 0; h < setup.trials; ++h) sum += life.run_trial().task_reward;
  return sum / double(setup.trials);
}

// Clamped units, unit readout, carried-over running average, |Rbar| modulation, clipping,
// warm-up, no decay; `deviation` is "before_average", "after_average" or "perturbation" (node
// perturbation), `reward` "task" or "policy".
inline std::string miconi_options_experiment(const std::string& deviation,
                                             const std::string& reward) {
  return fmt::format(
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
}

// Calls f(label, experiment) for every combination of the plugins in `registry` (loaded by the
// caller) and both estimators, REINFORCE only where the task has a policy; returns how many.
template <class F>
int for_each_gradient_combination(core::PluginRegistry& registry, const TempDir& dir, F&& f) {
  int combinations = 0;
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
            f(label,
              core::load_experiment(
                  dir.write("exp.toml", gradient_experiment(neuron, trace, rule, task, reinforce)),
                  {}, registry));
            ++combinations;
          }
  return combinations;
}

}  // namespace neohebb::test_support
