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
}

bool interrupted() {
  return requested.load();
}

}  // namespace neohebb::core
