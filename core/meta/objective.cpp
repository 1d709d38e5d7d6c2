#include "core/meta/objective.hpp"

#include <algorithm>
#include <cmath>

namespace neohebb::core {

MetaOptions meta_options(const sdk::ParamSet& p) {
  MetaOptions o;
  o.steps = static_cast<int>(p.integer("steps"));
  o.reinforce = p.text("estimator") == "reinforce";
  o.batch = static_cast<int>(p.integer("batch"));
  o.late_only = p.text("objective") == "late";
  o.late_fraction = p.real("late_fraction");
  o.reward_to_go = p.text("credit") == "reward_to_go";
  o.baseline_decay = p.real("baseline_decay");
  o.adam = p.text("optimizer") == "adam";
  o.learning_rate = p.real("learning_rate");
  o.beta1 = p.real("beta1");
  o.beta2 = p.real("beta2");
  o.epsilon = p.real("epsilon");
  o.l1 = p.real("l1");
  o.clip_norm = p.real("clip_norm");
  o.backtrack = p.text("on_divergence") == "backtrack";
  o.skip = p.text("on_divergence") == "skip";
  o.evaluate = static_cast<int>(p.integer("evaluate"));
  return o;
}

std::vector<double> objective_weights(const MetaOptions& o, std::int64_t trials) {
  const auto H = static_cast<std::size_t>(trials);
  const std::size_t counted =
      o.late_only ? std::max<std::size_t>(
                        1, static_cast<std::size_t>(std::ceil(o.late_fraction * double(H))))
                  : H;
  std::vector<double> w(H, 0.0);
  for (std::size_t h = H - std::min(counted, H); h < H; ++h) w[h] = 1.0 / double(counted);
  return w;
}

std::vector<double> credit(const MetaOptions& o, const std::vector<double>& weights,
                           const std::vector<double>& rewards) {
  std::vector<double> g(rewards.size(), 0.0);
  double to_go = 0;
  for (std::size_t h = rewards.size(); h-- > 0;) {
    to_go += weights[h] * rewards[h];
    g[h] = o.reward_to_go ? to_go : weights[h] * rewards[h];
  }
  return g;
}

}  // namespace neohebb::core
