#include "core/meta/objective.hpp"

#include <algorithm>
#include <cmath>

namespace neohebb::core {

std::vector<double> objective_weights(const MetaSection& o, std::int64_t trials) {
  const auto H = static_cast<std::size_t>(trials);
  const std::size_t counted =
      o.objective == ObjectiveTrials::Late
          ? std::max<std::size_t>(1,
                                  static_cast<std::size_t>(std::ceil(o.late_fraction * double(H))))
          : H;
  std::vector<double> w(H, 0.0);
  for (std::size_t h = H - std::min(counted, H); h < H; ++h) w[h] = 1.0 / double(counted);
  return w;
}

std::vector<double> credit(const MetaSection& o, const std::vector<double>& weights,
                           const std::vector<double>& rewards) {
  std::vector<double> g(rewards.size(), 0.0);
  double to_go = 0;
  for (std::size_t h = rewards.size(); h-- > 0;) {
    to_go += weights[h] * rewards[h];
    g[h] = o.credit == Credit::RewardToGo ? to_go : weights[h] * rewards[h];
  }
  return g;
}

}  // namespace neohebb::core
