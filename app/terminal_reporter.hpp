#pragma once
// The core's progress and events on stderr: a redrawn bar with an ETA on a terminal, a plain
// line every 10% (or 30 s) otherwise, notes on their own lines; nothing with --quiet.
#include <chrono>
#include <map>
#include <mutex>
#include <string>

#include "core/support/progress.hpp"

namespace neohebb::app {

class TerminalReporter final : public core::Reporter {
 public:
  explicit TerminalReporter(bool quiet);
  void progress(const core::ProgressUpdate& u) override;
  void note(const std::string& message) override;

 private:
  struct Stage {
    std::chrono::steady_clock::time_point start, last_line;
    int last_decile = 0;
  };
  void draw_bar(const core::ProgressUpdate& u, double elapsed);
  void draw_line(const core::ProgressUpdate& u, Stage& stage, double elapsed);

  bool quiet_, tty_;
  bool bar_shown_ = false;  // a bar is on the current line: a note clears it first
  std::mutex mutex_;
  std::map<std::string, Stage> stages_;
};

}  // namespace neohebb::app
