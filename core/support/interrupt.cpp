#include "core/support/interrupt.hpp"

#include <atomic>
#include <csignal>

namespace neohebb::core {
namespace {
std::atomic<bool> requested{false};
extern "C" void on_signal(int) {
  requested.store(true);
}
}  // namespace

void install_interrupt_handler() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  // Past the file size limit (ulimit -f) a write then fails with EFBIG and is reported like a
  // full disk, keeping the last checkpoint, instead of the signal ending the process unannounced.
  std::signal(SIGXFSZ, SIG_IGN);
}

bool interrupted() {
  return requested.load();
}

void request_interrupt() {
  requested.store(true);
}

}  // namespace neohebb::core
