#pragma once
// parallel_for over the ranks of an MPI job: each rank runs its own block of the jobs on its
// threads, then the results travel to every rank (or to rank 0), so that afterwards each
// result slot and error holds what one process would have computed, and every reduction
// over them runs in job order on the ranks that need it: the same numbers whatever the ranks and
// threads. With one rank it is parallel_for.
#include <exception>
#include <functional>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/support/parallel.hpp"  // rethrow_first for the errors returned

namespace neohebb::core {

// The jobs [begin, end) of [0, n) that `rank` of `size` runs: contiguous blocks, the first
// n mod size ranks one job more. The same jobs go to the same rank every time (REINFORCE's
// backward sweeps run where their forward sweeps were kept).
struct JobBlock {
  int begin = 0, end = 0;
};
JobBlock jobs_of_rank(int n, int rank, int size);

enum class Collect { Everywhere, OnRoot };

// The untyped core of distributed_for: `send(i)` packs job i's result, `receive(i, value)`
// stores another rank's.
std::vector<std::exception_ptr> distributed_jobs(
    int n, int threads, const std::function<void(int)>& job, const std::function<bool()>& poll,
    const std::function<nlohmann::json(int)>& send,
    const std::function<void(int, const nlohmann::json&)>& receive, Collect collect);

// Runs job(i) for every i in [0, n) once across the cluster; job i writes only results[i].
// Returns one error per job as parallel_for does (another rank's rebuilt: wire.hpp). `R` is sent
// with the free functions to_wire(const R&) -> nlohmann::json and from_wire(const json&, R&).
// Collect::OnRoot: only rank 0 receives the others' results and errors (for results only it
// uses). A rank interrupted (Ctrl-C, SIGTERM) makes every rank's interrupted() true.
template <class R>
std::vector<std::exception_ptr> distributed_for(int n, int threads, std::vector<R>& results,
                                                const std::function<void(int)>& job,
                                                const std::function<bool()>& poll = {},
                                                Collect collect = Collect::Everywhere) {
  return distributed_jobs(
      n, threads, job, poll, [&](int i) { return to_wire(results[static_cast<std::size_t>(i)]); },
      [&](int i, const nlohmann::json& j) { from_wire(j, results[static_cast<std::size_t>(i)]); },
      collect);
}

}  // namespace neohebb::core
