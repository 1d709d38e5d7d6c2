#pragma once
// Progress on stderr: a redrawn bar with ETA on a terminal, a plain line every 10% (or 30 s)
// otherwise, nothing with --quiet. Workers only bump an atomic counter; one thread draws.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace neohebb::core {

class Progress {
 public:
  Progress(std::string label, std::int64_t total, bool quiet);
  void advance(std::int64_t n = 1) { done_.fetch_add(n, std::memory_order_relaxed); }
  void draw();    // called periodically by one thread
  void finish();  // final line, clears the bar

 private:
  std::string label_;
  std::int64_t total_;
  bool quiet_, tty_;
  std::atomic<std::int64_t> done_{0};
  std::chrono::steady_clock::time_point start_, last_line_;
  int last_decile_ = 0;
};

}  // namespace neohebb::core
