#pragma once

namespace neohebb::core {

// Eigen heap-allocates its packing buffers in every large matrix product, and glibc may hand
// them back to the kernel in between (heap trimming, or mmap above a threshold that moves with
// what ran before). Faulting them in again made a trial several times slower on some machines
// (N = 100: 2.1 ms instead of 0.35 ms; bench/bench_tangents.cpp). Keeping freed memory in the
// process makes those allocations cheap and the timings stable. Call once, at program start.
void keep_freed_memory();

}  // namespace neohebb::core
