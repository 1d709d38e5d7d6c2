// The cost of forward-mode tangents: time per trial with dW/dtheta_p carried for all 36
// coefficients of the degree-5 monomial trace, against the primal trial alone, and the achieved
// GFLOP/s of the tangent pass against Eigen's DGEMM on the shape of its dominant product, both
// measured in the same run. scripts/bench_tangents.sh runs it and prints the ratios.
//
// Eigen heap-allocates its packing buffers in every product whose blocks exceed 128 KB, and glibc
// may hand them back to the kernel between products (trimming the heap, or unmapping blocks
// above its mmap threshold, which moves with what ran before), so a trial may fault its buffers
// in afresh or not. On a VM where a fresh page costs microseconds, that makes the primal trial of
// N = 50 and 100 several times slower depending on which benchmark ran before it, and DGEMM with
// N = 200 (a 35 MB packed block, always mmapped) 3-4x slower. main() therefore keeps every freed
// block in the heap, as the neohebb command does (core/support/allocator.hpp), so the timings are
// of the computation; NEOHEBB_BENCH_SYSTEM_MALLOC=1 keeps glibc's default policy for comparison.
#include <benchmark/benchmark.h>

#include <cstdlib>

#include "bench/tangent_experiment.hpp"
#include "core/engine/lifetime.hpp"
#include "core/engine/seeding.hpp"
#include "core/support/allocator.hpp"

using namespace neohebb;
using bench::tangent_setup;

namespace {

constexpr int kWarmupTrials = 20;
// The dominant tangent product (P N x M K)(M K x N) has M K = 97 * 6 = 582 here; DGEMM is timed
// with a round 600.
constexpr int kInnerDimension = 600;

// Floating-point operations of one trial's tangent pass (Lifetime::propagate_tangents), counted
// from the shapes of its products only:
//   G = U r:            (P N x N)(N x T)                  2 P N^2 T
//   W Rr at each step:  (N x N)(N x P), T times           2 N^2 P T
//   E1 and E2:          (P N x M K)(M K x N) each         2 * 2 P N^2 M K
// The small per-direction (N x K)(K x K) products of dP, the elementwise work, the readout
// tangents and the weight-update tangents are left out (together about 8% more at N = 50, 2% at
// N = 200), so the rate is a slight underestimate.
double tangent_flops(const core::Setup<double>& setup) {
  const double N = setup.network.size, T = setup.layout.steps,
               P = static_cast<double>(setup.directions.size()), K = setup.trace->pre_terms(),
               M = T - setup.eligibility.start_step;
  return 2 * P * N * N * T + 2 * N * N * P * T + 2 * (2 * P * N * (M * K) * N);
}

void run_trials(benchmark::State& state, bool tangents) {
  const auto setup = tangent_setup(static_cast<int>(state.range(0)));
  core::Lifetime<double> life(setup, core::lifetime_seed(setup.seed, 0),
                              setup.trace->initial_coefficients(), {.tangents = tangents});
  // The first trials fault the lifetime's buffers in and start from U = 0: time past them.
  for (int h = 0; h < kWarmupTrials; ++h) life.run_trial();
  for (auto _ : state) benchmark::DoNotOptimize(life.run_trial());
  state.counters["N"] = setup.network.size;
  state.counters["T"] = setup.layout.steps;
  state.counters["P"] = static_cast<double>(setup.directions.size());
  // Over the whole trial, primal included: the script also derives the rate without it.
  if (tangents)
    state.counters["flops"] =
        benchmark::Counter(tangent_flops(setup), benchmark::Counter::kIsIterationInvariantRate);
}

void BM_TrialPrimal(benchmark::State& state) {
  run_trials(state, false);
}

void BM_TrialTangents(benchmark::State& state) {
  run_trials(state, true);
}

// What this machine's DGEMM achieves on the shape of E1 and E2: (36 N x 600)(600 x N).
void BM_Dgemm(benchmark::State& state) {
  const auto N = static_cast<Eigen::Index>(state.range(0));
  const Eigen::MatrixXd A = Eigen::MatrixXd::Random(36 * N, kInnerDimension),
                        B = Eigen::MatrixXd::Random(kInnerDimension, N);
  Eigen::MatrixXd C(36 * N, N);
  for (auto _ : state) {
    C.noalias() = A * B;
    benchmark::DoNotOptimize(C.data());
    benchmark::ClobberMemory();
  }
  state.counters["N"] = static_cast<double>(N);
  state.counters["flops"] = benchmark::Counter(2.0 * double(36 * N) * kInnerDimension * double(N),
                                               benchmark::Counter::kIsIterationInvariantRate);
}

// Rates are per CPU second unless timed in real time; the script's ratios use real time.
void sizes(benchmark::internal::Benchmark* b) {
  b->Arg(50)->Arg(100)->Arg(200)->Unit(benchmark::kMillisecond)->MinTime(1.0)->UseRealTime();
}

}  // namespace

BENCHMARK(BM_TrialPrimal)->Apply(sizes);
BENCHMARK(BM_TrialTangents)->Apply(sizes);
BENCHMARK(BM_Dgemm)->Apply(sizes);

int main(int argc, char** argv) {
  const bool system_malloc = std::getenv("NEOHEBB_BENCH_SYSTEM_MALLOC") != nullptr;
  if (!system_malloc) {
    core::keep_freed_memory();  // as the neohebb command does
  }
  benchmark::AddCustomContext("malloc", system_malloc ? "system" : "kept");
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
