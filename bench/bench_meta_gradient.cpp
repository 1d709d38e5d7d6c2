// The cost of one meta-gradient of a 20-trial lifetime (T = 100) with each engine, as a ratio to
// the primal lifetime measured in the same run, for P = 10 and 36 learnable coefficients at
// N = 50, 100 and 200 (the experiment of bench_tangents). scripts/bench_meta_gradient.sh runs it
// and prints the ratios.
//
// Forward mode runs the lifetime with the tangents of all P directions; reverse mode runs the
// forward sweep, keeping a checkpoint every round(sqrt(20)) = 4 trials, then the backward sweep.
// Where the backward sweep's time goes is timed on single trials: the same trial run again
// (as the stretch is rebuilt from its checkpoint), replayed keeping its trajectory, and replayed
// with the adjoint pulled back through it.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <vector>

#include "bench/tangent_experiment.hpp"
#include "core/engine/lifetime.hpp"
#include "core/engine/seeding.hpp"
#include "core/meta/adjoint_gradient.hpp"
#include "core/meta/gradient_engine.hpp"
#include "core/support/allocator.hpp"

using namespace neohebb;

namespace {

constexpr int kTrials = 20;

core::Setup<double> setup_for(const benchmark::State& state) {
  return bench::tangent_setup(static_cast<int>(state.range(0)), static_cast<int>(state.range(1)));
}

void label(benchmark::State& state, const core::Setup<double>& setup) {
  state.counters["N"] = setup.network.size;
  state.counters["P"] = static_cast<double>(setup.directions.size());
  state.counters["T"] = setup.layout.steps;
}

// The objective's weights: the mean reward over the lifetime (objective = "all").
std::vector<double> weights() {
  return std::vector<double>(kTrials, 1.0 / kTrials);
}

void BM_LifetimePrimal(benchmark::State& state) {
  const auto setup = setup_for(state);
  for (auto _ : state) {
    core::Lifetime<double> life(setup, core::lifetime_seed(setup.seed, 0),
                                setup.trace->initial_coefficients());
    double sum = 0;
    for (int h = 0; h < kTrials; ++h) sum += life.run_trial().task_reward;
    benchmark::DoNotOptimize(sum);
  }
  label(state, setup);
}

void BM_GradientForward(benchmark::State& state) {
  const auto setup = setup_for(state);
  const auto c = weights();
  for (auto _ : state) {
    core::Lifetime<double> life(setup, core::lifetime_seed(setup.seed, 0),
                                setup.trace->initial_coefficients(), {.tangents = true});
    Eigen::VectorXd g = Eigen::VectorXd::Zero(setup.tangent_directions());
    for (int h = 0; h < kTrials; ++h) {
      life.run_trial();
      g += c[static_cast<std::size_t>(h)] * life.task_reward_tangent();
    }
    benchmark::DoNotOptimize(g.data());
  }
  label(state, setup);
}

// range(2) = 1: the whole meta-gradient; 0: the forward sweep alone.
void BM_GradientAdjoint(benchmark::State& state) {
  const auto setup = setup_for(state);
  const auto c = weights();
  const bool backward = state.range(2) != 0;
  for (auto _ : state) {
    core::AdjointLifetime life(setup, core::lifetime_seed(setup.seed, 0),
                               setup.trace->initial_coefficients(),
                               core::checkpoint_interval(0, kTrials));
    for (int h = 0; h < kTrials; ++h) life.run_trial();
    if (backward) {
      const Eigen::VectorXd g = life.gradient(c);
      benchmark::DoNotOptimize(g.data());
    }
  }
  label(state, setup);
}

core::AdjointState adjoint_state(const core::Setup<double>& setup,
                                 const core::LifetimeCheckpoint& start) {
  const auto N = static_cast<Eigen::Index>(setup.network.size);
  core::AdjointState a;
  a.W = Eigen::MatrixXd::Constant(N, N, 1e-3);
  a.xbar.setZero(N);
  a.theta.setZero(setup.trace->pre_terms(), setup.trace->post_terms());
  a.rule.assign(start.rule_state.size(), 0.0);
  return a;
}

// One trial of the backward sweep, from the start of trial 10 of the lifetime: range(2) = 0 runs
// it again (with its update), 1 replays it keeping the trajectory, 2 replays it and pulls the
// adjoint back through it. The restore of the start is in all three.
void BM_BackwardTrial(benchmark::State& state) {
  const auto setup = setup_for(state);
  core::Lifetime<double> life(setup, core::lifetime_seed(setup.seed, 0),
                              setup.trace->initial_coefficients(), {.adjoint = true});
  for (int h = 0; h < kTrials / 2; ++h) life.run_trial();
  const core::LifetimeCheckpoint start = life.save();
  core::AdjointState a = adjoint_state(setup, start);
  const auto part = state.range(2);
  for (auto _ : state) {
    life.restore(start);
    if (part == 0) {
      benchmark::DoNotOptimize(life.run_trial());
    } else {
      benchmark::DoNotOptimize(life.replay_trial());
      if (part == 2) life.adjoint_trial(a, 1.0 / kTrials);
    }
  }
  label(state, setup);
}

void gradient_shapes(benchmark::internal::Benchmark* b) {
  for (int P : {10, 36})
    for (int N : {50, 100, 200}) b->Args({N, P});
  b->Unit(benchmark::kMillisecond)->MinTime(0.5)->UseRealTime();
}

void adjoint_shapes(benchmark::internal::Benchmark* b) {
  for (int P : {10, 36})
    for (int N : {50, 100, 200})
      for (int backward : {0, 1}) b->Args({N, P, backward});
  b->Unit(benchmark::kMillisecond)->MinTime(0.5)->UseRealTime();
}

// The adjoint's work does not depend on P: single trials are timed at P = 36 only.
void trial_shapes(benchmark::internal::Benchmark* b) {
  for (int N : {50, 100, 200})
    for (int part : {0, 1, 2}) b->Args({N, 36, part});
  b->Unit(benchmark::kMillisecond)->MinTime(0.5)->UseRealTime();
}

}  // namespace

BENCHMARK(BM_LifetimePrimal)->Apply(gradient_shapes);
BENCHMARK(BM_GradientForward)->Apply(gradient_shapes);
BENCHMARK(BM_GradientAdjoint)->Apply(adjoint_shapes);
BENCHMARK(BM_BackwardTrial)->Apply(trial_shapes);

int main(int argc, char** argv) {
  const bool system_malloc = std::getenv("NEOHEBB_BENCH_SYSTEM_MALLOC") != nullptr;
  if (!system_malloc) core::keep_freed_memory();  // as the neohebb command does
  benchmark::AddCustomContext("malloc", system_malloc ? "system" : "kept");
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
