// Time per trial of the primal inner loop at Miconi's size (N = 200, T = 1000), against a naive
// per-synapse implementation of the same trial (what Miconi's code does: the trace updated
// synapse by synapse at every step). scripts/bench_inner_loop.sh runs it and prints the ratio.
#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <cmath>
#include <random>

#include "core/config/experiment.hpp"
#include "core/engine/lifetime.hpp"
#include "core/engine/seeding.hpp"
#include "core/support/allocator.hpp"

using namespace neohebb;

namespace {

core::PluginRegistry& registry() {
  static core::PluginRegistry r;
  return r;
}

core::Setup<double> miconi_setup(const std::vector<std::string>& sets) {
  const auto e =
      core::load_experiment(NEOHEBB_SOURCE_DIR "/experiments/miconi_dnms.toml", sets, registry());
  return core::make_setup<double>(e);
}

void run_trials(benchmark::State& state, const std::vector<std::string>& sets) {
  const auto setup = miconi_setup(sets);
  core::Lifetime<double> life(setup, core::lifetime_seed(setup.seed, 0),
                              setup.trace->initial_coefficients());
  for (int h = 0; h < 101; ++h) life.run_trial();  // past the warm-up: every timed trial updates W
  for (auto _ : state) benchmark::DoNotOptimize(life.run_trial());
  state.counters["N"] = setup.network.size;
  state.counters["T"] = setup.layout.steps;
}

void BM_Trial_MiconiCubic(benchmark::State& state) {
  run_trials(state, {});
}

// The meta-learning trace: degree-5 monomials, 36 coefficients, K = 6 columns per step.
void BM_Trial_Monomial5(benchmark::State& state) {
  std::vector<double> theta(36, 0.0);
  theta[3 * 6 + 3] = -1.0;
  std::string list = "trace.coefficients=[";
  for (std::size_t i = 0; i < theta.size(); ++i)
    list += fmt::format("{}{}", i ? "," : "", theta[i]);
  run_trials(state, {"trace.type=monomial", list + "]"});
}

// The same trial written synapse by synapse, as Miconi's reference code does it.
void BM_Trial_NaivePerSynapse(benchmark::State& state) {
  const int N = 200, T = 1000;
  std::mt19937_64 rng(1);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> unit(-1, 1), coin(0, 1);
  Eigen::MatrixXd W(N, N), W_in(N, 2), e(N, N), input = Eigen::MatrixXd::Zero(2, T);
  for (int i = 0; i < N * N; ++i) W(i) = 1.5 * normal(rng) / std::sqrt(double(N));
  for (int i = 0; i < 2 * N; ++i) W_in(i) = unit(rng);
  input.block(0, 1, 1, 200).setOnes();
  input.block(1, 400, 1, 200).setOnes();
  Eigen::VectorXd x(N), xbar(N), r(N), I(N), d(N);
  for (auto _ : state) {
    for (int i = 0; i < N; ++i) x(i) = 0.1 * unit(rng);
    xbar = x;
    r = x.array().tanh();
    e.setZero();
    double out = 0;
    for (int t = 0; t < T; ++t) {
      I.noalias() = W * r + W_in * input.col(t);
      if (t > 3)
        for (int i = 0; i < N; ++i)
          if (coin(rng) < 0.003) I(i) += 16.0 * unit(rng);
      const Eigen::VectorXd r_prev = r;
      x += (1.0 / 30.0) * (I - x);
      d = x - xbar;
      xbar = 0.05 * xbar + 0.95 * x;
      r = x.array().tanh();
      if (t >= 3)
        for (int j = 0; j < N; ++j)
          for (int i = 0; i < N; ++i) {
            const double v = r_prev(j) * d(i);
            e(i, j) += v * v * v;
          }
      if (t >= 800) out += std::abs(r(0) - 0.98);
    }
    W += (1e-4 * out / 200) * e.unaryExpr([](double v) { return std::clamp(v, -3e-4, 3e-4); });
    benchmark::DoNotOptimize(W.data());
  }
  state.counters["N"] = N;
  state.counters["T"] = T;
}

// The floor both trials share: the 1000 recurrent products W r of a trial, one per step. At
// N = 200, W (320 KB) streams from L2 at every step.
void BM_RecurrentProductsOnly(benchmark::State& state) {
  const int N = 200, T = 1000;
  const Eigen::MatrixXd W = Eigen::MatrixXd::Random(N, N) * 0.1;
  Eigen::VectorXd r = Eigen::VectorXd::Random(N), I(N);
  for (auto _ : state) {
    for (int t = 0; t < T; ++t) {
      I.noalias() = W * r;
      r.swap(I);
      r *= 0.9;
    }
    benchmark::DoNotOptimize(r.data());
  }
}

}  // namespace

BENCHMARK(BM_RecurrentProductsOnly)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_Trial_NaivePerSynapse)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_Trial_MiconiCubic)->Unit(benchmark::kMillisecond)->MinTime(2.0);
BENCHMARK(BM_Trial_Monomial5)->Unit(benchmark::kMillisecond)->MinTime(2.0);
int main(int argc, char** argv) {
  core::keep_freed_memory();  // as the neohebb command does
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
