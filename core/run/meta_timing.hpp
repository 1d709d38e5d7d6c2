#pragma once
// meta_timing.csv: the CPU and wall seconds of each meta-step (with its validation), and of the
// initial validation as step 0, so that estimators can be compared at equal compute. Timings are
// not results: they differ from run to run, so they stay out of the checkpoint and of the
// comparisons of run directories.
#include <string>
#include <vector>

namespace neohebb::core {

struct StepTiming {
  int step = 0;
  double cpu_seconds = 0, wall_seconds = 0;
  // In an MPI job, rank 0's: wall seconds inside collectives (waiting for the slowest rank
  // included) and bytes it sent and received (cluster/cluster.hpp); 0 with one rank.
  double communication_seconds = 0, communication_bytes = 0;
};

// meta_step,cpu_seconds,wall_seconds,cumulative_cpu_seconds,communication_seconds,
// communication_bytes (cpu_seconds: rank 0's process in an MPI job)
std::string meta_timing_csv(const std::vector<StepTiming>& rows);

// The rows of an earlier meta_timing.csv up to `last_step` (a resumed run continues them); rows
// that do not parse are dropped, since a timing is never worth stopping a run for.
std::vector<StepTiming> parse_meta_timing(const std::string& csv, int last_step);

}  // namespace neohebb::core
