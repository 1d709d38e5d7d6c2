#pragma once
// The experiment the meta-gradient benchmarks time (bench_tangents, bench_meta_gradient).
//
// DNMS at dt = 10 ms without the pre-stimulus period: T = 100 steps, short enough that the
// tangent trials of N = 200 stay near a tenth of a second. Small coefficients, a small clipped
// learning rate and mild exploration keep the network well behaved over the warm-up and timed
// trials, so every trial does the same work.
#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>
#include <unistd.h>

#include "core/config/experiment.hpp"
#include "core/engine/setup.hpp"

namespace neohebb::bench {

inline constexpr const char* kTangentExperiment = R"([experiment]
seed = 1

[network]
gain = 1.2

[exploration]
probability = 0.03
amplitude = 3.0

[neuron]
type = "rate_tanh"
tau = 30.0
dt = 10.0

[trace]
type = "monomial"
degree = 5
coefficients = [{}]
learnable = [{}]

[rule]
type = "three_factor"
eta = 0.01
clip = 1e-3

[task]
type = "dnms"
pre_stimulus = 0.0
)";

inline core::PluginRegistry& registry() {
  static core::PluginRegistry r;
  return r;
}

// Learnable: all 36 coefficients of the degree-5 trace, or the 10 of experiments/meta_dnms.toml
// (r^k d^3 and r^k d^5, k = 1..5).
inline bool learnable(int index, int directions) {
  const int k = index / 6, l = index % 6;
  return directions == 36 || (k >= 1 && (l == 3 || l == 5));
}

// load_experiment reads a file, so the experiment goes through a temporary one.
inline core::Setup<double> tangent_setup(int N, int directions = 36) {
  std::string coefficients, mask;
  for (int i = 0; i < 36; ++i) {
    coefficients += i ? ", 0.001" : "0.001";
    mask += fmt::format("{}{}", i ? ", " : "", learnable(i, directions) ? 1 : 0);
  }
  const auto file = std::filesystem::temp_directory_path() /
                    fmt::format("neohebb_bench_tangents_{}.toml", ::getpid());
  std::ofstream(file) << fmt::format(kTangentExperiment, coefficients, mask);
  const auto e = core::load_experiment(file, {fmt::format("network.size={}", N)}, registry());
  std::filesystem::remove(file);
  return core::make_setup<double>(e);
}

}  // namespace neohebb::bench
