#include "core/support/progress.hpp"

#include <cstdio>

#include <fmt/format.h>
#include <unistd.h>

namespace neohebb::core {
namespace {
std::string clock_text(double seconds) {
  const auto s = static_cast<long>(seconds + 0.5);
  return s >= 3600 ? fmt::format("{}h{:02}m", s / 3600, (s / 60) % 60)
                   : fmt::format("{}:{:02}", s / 60, s % 60);
}
}  // namespace

Progress::Progress(std::string label, std::int64_t total, bool quiet)
    : label_(std::move(label)),
      total_(total > 0 ? total : 1),
      quiet_(quiet),
      tty_(::isatty(fileno(stderr)) != 0),
      start_(std::chrono::steady_clock::now()),
      last_line_(start_) {}

void Progress::draw() {
  if (quiet_) return;
  const auto now = std::chrono::steady_clock::now();
  const std::int64_t done = done_.load(std::memory_order_relaxed);
  const double frac = static_cast<double>(done) / static_cast<double>(total_);
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const std::string eta = done > 0 ? clock_text(elapsed * (1 - frac) / frac) : "?";
  if (tty_) {
    constexpr int kWidth = 30;
    const int filled = static_cast<int>(frac * kWidth);
    fmt::print(stderr, "\r\033[K{} [{}{}] {:5.1f}% {}/{} ETA {}", label_, std::string(filled, '#'),
               std::string(kWidth - filled, '.'), 100 * frac, done, total_, eta);
    std::fflush(stderr);
    return;
  }
  const int decile = static_cast<int>(frac * 10);
  if (decile > last_decile_ || now - last_line_ > std::chrono::seconds(30)) {
    last_decile_ = decile;
    last_line_ = now;
    fmt::print(stderr, "{}: {}/{} ({:.0f}%), elapsed {}, ETA {}\n", label_, done, total_,
               100 * frac, clock_text(elapsed), eta);
  }
}

void Progress::finish() {
  if (quiet_) return;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  fmt::print(stderr, "{}{}: {} done in {}\n", tty_ ? "\r\033[K" : "", label_, done_.load(),
             clock_text(elapsed));
}

}  // namespace neohebb::core
