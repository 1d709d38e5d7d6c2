#include "core/support/progress.hpp"

namespace neohebb::core {

Reporter& silent_reporter() {
  static Reporter silent;
  return silent;
}

Progress::Progress(Reporter& reporter, std::string label, std::int64_t total)
    : reporter_(reporter), label_(std::move(label)), total_(total > 0 ? total : 1) {}

void Progress::report() const {
  reporter_.progress({label_, done_.load(std::memory_order_relaxed), total_, false});
}

void Progress::finish() const {
  reporter_.progress({label_, done_.load(std::memory_order_relaxed), total_, true});
}

}  // namespace neohebb::core
