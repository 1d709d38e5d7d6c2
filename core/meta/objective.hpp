#pragma once
// The lifetime objective J = sum_h w_h R_h and the per-trial credit of the REINFORCE estimator,
// shared by the meta-learner and the gradient check.
#include <vector>

#include <neohebb/sdk/parameters.hpp>

namespace neohebb::core {

struct MetaOptions {
  int steps = 0;
  bool reinforce = false;
  int batch = 1;
  bool late_only = false;
  double late_fraction = 1.0;
  bool reward_to_go = true;
  double baseline_decay = 0.9;
  bool adam = true;
  double learning_rate = 0.01, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
  double l1 = 0, clip_norm = 0;
  bool backtrack = false;  // on a diverging lifetime: halve the last step and retry
  bool skip = false;       // on a diverging lifetime: leave it out of the meta-step's mean
  int evaluate = 0;        // held-out lifetimes for the initial-vs-learned comparison
};

MetaOptions meta_options(const sdk::ParamSet& p);

// w_h, summing to 1: uniform over all trials or over the last late_fraction of them.
std::vector<double> objective_weights(const MetaOptions& o, std::int64_t trials);

// REINFORCE credit G_h: reward-to-go sum_{h' >= h} w_h' R_h', or w_h R_h.
std::vector<double> credit(const MetaOptions& o, const std::vector<double>& weights,
                           const std::vector<double>& rewards);

}  // namespace neohebb::core
