#pragma once
// How the core tells whoever runs it what it is doing: the progress of each long stage, and the
// events a user should hear of (a lifetime left out, a meta-step backtracked). The core never
// prints; the command line renders these, and a library user may ignore them.
#include <atomic>
#include <cstdint>
#include <string>

namespace neohebb::core {

struct ProgressUpdate {
  const std::string& label;  // the stage: an experiment's name, "held-out evaluation", ...
  std::int64_t done = 0, total = 0;
  bool finished = false;  // the stage's last update
};

class Reporter {
 public:
  virtual ~Reporter() = default;
  // A stage's progress, from the thread that waits for the workers (about every 100 ms).
  virtual void progress(const ProgressUpdate&) {}
  // An event, one line without a trailing newline; may come from any thread.
  virtual void note(const std::string&) {}
};

// Reports nothing.
Reporter& silent_reporter();

// In an MPI job of `ranks` ranks each counts only the trials of its own share of a stage's
// lifetimes; rank 0 reports its count times the ranks (at most the total) as the stage's.
void set_progress_ranks(int ranks);

// The counter of one stage: workers advance it, the waiting thread reports it.
class Progress {
 public:
  Progress(Reporter& reporter, std::string label, std::int64_t total);
  void advance(std::int64_t n = 1) { done_.fetch_add(n, std::memory_order_relaxed); }
  void report() const;
  void finish() const;
  Reporter& reporter() const { return reporter_; }

 private:
  Reporter& reporter_;
  std::string label_;
  std::int64_t total_;
  std::atomic<std::int64_t> done_{0};
};

}  // namespace neohebb::core
