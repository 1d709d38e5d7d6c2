#pragma once
// The one thread pool of the host: independent jobs (lifetimes, gradient-check runs) on up to
// `threads` threads. Every job writes only its own slot and the caller reduces in index order, so
// no number depends on the thread count.
#include <exception>
#include <functional>
#include <vector>

namespace neohebb::core {

// The threads a `threads = 0` means: the cores this process may run on (its CPU affinity, as
// mpirun, srun or taskset set it), and at most its share of the machine's cores among the ranks
// of an MPI job on this machine.
int default_threads();
// How many processes of one job run on this machine (Cluster::start sets it).
void set_ranks_sharing_cores(int ranks);

// Runs job(i) for i in [0, n) on up to `threads` threads (0: default_threads()). `poll`, if given,
// runs on the calling thread about every 100 ms while jobs run (progress, interrupts); when it
// returns false, or after a job has thrown, no further job starts. Returns one exception_ptr per
// job: null where it succeeded or never started.
std::vector<std::exception_ptr> parallel_for(int n, int threads,
                                             const std::function<void(int)>& job,
                                             const std::function<bool()>& poll = {});

// The first error of parallel_for's result, rethrown (no-op if there is none).
void rethrow_first(const std::vector<std::exception_ptr>& errors);

}  // namespace neohebb::core
