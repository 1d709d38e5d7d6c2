#include "core/support/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <sched.h>

namespace neohebb::core {

namespace {
std::atomic<int> ranks_sharing{1};
}

void set_ranks_sharing_cores(int ranks) {
  ranks_sharing = std::max(1, ranks);
}

int default_threads() {
  const int machine = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  int cores = machine;
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) cores = CPU_COUNT(&set);
  // Ranks not bound to cores of their own (or bound to a socket each) share the machine's.
  return std::max(1, std::min(cores, machine / ranks_sharing.load()));
}

std::vector<std::exception_ptr> parallel_for(int n, int threads,
                                             const std::function<void(int)>& job,
                                             const std::function<bool()>& poll) {
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(std::max(n, 0)));
  if (threads <= 0) threads = default_threads();
  threads = std::max(1, std::min(threads, n));
  std::atomic<int> next{0};
  std::atomic<bool> stop{false};
  int running = threads;  // guarded by `mutex`; the last worker to finish wakes the poller
  std::mutex mutex;
  std::condition_variable finished;
  auto worker = [&] {
    for (int i; !stop.load() && (i = next.fetch_add(1)) < n;) {
      try {
        job(i);
      } catch (...) {
        errors[static_cast<std::size_t>(i)] = std::current_exception();
        stop = true;
      }
    }
    std::lock_guard<std::mutex> lock(mutex);
    if (--running == 0) finished.notify_all();
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  if (poll) {
    // Poll about every 100 ms, but return as soon as the jobs are done (a short meta-step
    // should not wait out the interval).
    std::unique_lock<std::mutex> lock(mutex);
    while (!finished.wait_for(lock, std::chrono::milliseconds(100), [&] { return running == 0; })) {
      lock.unlock();
      if (!poll()) stop = true;
      lock.lock();
    }
  }
  for (auto& t : pool) t.join();
  return errors;
}

void rethrow_first(const std::vector<std::exception_ptr>& errors) {
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace neohebb::core
