#include "core/support/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

namespace neohebb::core {

std::vector<std::exception_ptr> parallel_for(int n, int threads,
                                             const std::function<void(int)>& job,
                                             const std::function<bool()>& poll) {
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(std::max(n, 0)));
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  threads = std::max(1, std::min(threads, n));
  std::atomic<int> next{0}, running{threads};
  std::atomic<bool> stop{false};
  auto worker = [&] {
    for (int i; !stop.load() && (i = next.fetch_add(1)) < n;) {
      try {
        job(i);
      } catch (...) {
        errors[static_cast<std::size_t>(i)] = std::current_exception();
        stop = true;
      }
    }
    running.fetch_sub(1);
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  while (poll && running.load() > 0) {
    if (!poll()) stop = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (auto& t : pool) t.join();
  return errors;
}

void rethrow_first(const std::vector<std::exception_ptr>& errors) {
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace neohebb::core
