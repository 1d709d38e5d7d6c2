#include "core/support/progress.hpp"

#include <algorithm>

namespace neohebb::core {

Reporter& silent_reporter() {
  static Reporter silent;
  return silent;
}

namespace {
std::atomic<int> progress_ranks{1};

std::int64_t shown(std::int64_t done, std::int64_t total) {
  return std::min(total, done * progress_ranks.load());
}
}  // namespace

void set_progress_ranks(int ranks) {
  progress_ranks = std::max(1, ranks);
}

Progress::Progress(Reporter& reporter, std::string label, std::int64_t total)
    : reporter_(reporter), label_(std::move(label)), total_(total > 0 ? total : 1) {}

void Progress::report() const {
  reporter_.progress({label_, shown(done_.load(std::memory_order_relaxed), total_), total_, false});
}

void Progress::finish() const {
  reporter_.progress({label_, shown(done_.load(std::memory_order_relaxed), total_), total_, true});
}

}  // namespace neohebb::core
