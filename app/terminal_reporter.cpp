#include "app/terminal_reporter.hpp"

#include <cstdio>

#include <fmt/format.h>
#include <unistd.h>

namespace neohebb::app {
namespace {

std::string clock_text(double seconds) {
  const auto s = static_cast<long>(seconds + 0.5);
  return s >= 3600 ? fmt::format("{}h{:02}m", s / 3600, (s / 60) % 60)
                   : fmt::format("{}:{:02}", s / 60, s % 60);
}

double fraction(const core::ProgressUpdate& u) {
  return static_cast<double>(u.done) / static_cast<double>(u.total);
}

std::string eta(const core::ProgressUpdate& u, double elapsed) {
  const double f = fraction(u);
  return u.done > 0 ? clock_text(elapsed * (1 - f) / f) : "?";
}

}  // namespace

TerminalReporter::TerminalReporter(bool quiet)
    : quiet_(quiet), tty_(::isatty(fileno(stderr)) != 0) {}

void TerminalReporter::progress(const core::ProgressUpdate& u) {
  if (quiet_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  auto [it, added] = stages_.try_emplace(u.label, Stage{now, now, 0});
  Stage& stage = it->second;
  const double elapsed = std::chrono::duration<double>(now - stage.start).count();
  if (u.finished) {
    fmt::print(stderr, "{}{}: {} done in {}\n", bar_shown_ ? "\r\033[K" : "", u.label, u.done,
               clock_text(elapsed));
    bar_shown_ = false;
    stages_.erase(it);
    return;
  }
  if (tty_)
    draw_bar(u, elapsed);
  else
    draw_line(u, stage, elapsed);
}

void TerminalReporter::draw_bar(const core::ProgressUpdate& u, double elapsed) {
  constexpr int kWidth = 30;
  const double f = fraction(u);
  const int filled = static_cast<int>(f * kWidth);
  fmt::print(stderr, "\r\033[K{} [{}{}] {:5.1f}% {}/{} ETA {}", u.label, std::string(filled, '#'),
             std::string(kWidth - filled, '.'), 100 * f, u.done, u.total, eta(u, elapsed));
  std::fflush(stderr);
  bar_shown_ = true;
}

void TerminalReporter::draw_line(const core::ProgressUpdate& u, Stage& stage, double elapsed) {
  const auto now = std::chrono::steady_clock::now();
  const int decile = static_cast<int>(fraction(u) * 10);
  if (decile <= stage.last_decile && now - stage.last_line <= std::chrono::seconds(30)) return;
  stage.last_decile = decile;
  stage.last_line = now;
  fmt::print(stderr, "{}: {}/{} ({:.0f}%), elapsed {}, ETA {}\n", u.label, u.done, u.total,
             100 * fraction(u), clock_text(elapsed), eta(u, elapsed));
}

void TerminalReporter::note(const std::string& message) {
  if (quiet_) return;
  std::lock_guard<std::mutex> lock(mutex_);
  fmt::print(stderr, "{}{}\n", bar_shown_ ? "\r\033[K" : "", message);
  bar_shown_ = false;
}

}  // namespace neohebb::app
