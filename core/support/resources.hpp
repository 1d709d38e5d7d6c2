#pragma once
// This machine's memory and this process's use of it and of the CPU: for refusing experiments
// that could never fit before they start, and for reporting the peak memory in run.json and the
// CPU time of each meta-step.

namespace neohebb::core {

// Physical memory in bytes (0 when unknown).
double machine_memory();

// The most resident memory this process has held so far, in bytes.
double peak_resident_memory();

// CPU seconds (user + system, all threads) this process has used so far.
double process_cpu_seconds();

}  // namespace neohebb::core
