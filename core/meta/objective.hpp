#pragma once
// The lifetime objective J = sum_h w_h R_h and the per-trial credit of the REINFORCE estimator,
// shared by the meta-learner and the gradient check.
#include <vector>

#include <cstdint>

#include "core/config/sections.hpp"

namespace neohebb::core {

// w_h, summing to 1: uniform over all trials or over the last late_fraction of them.
std::vector<double> objective_weights(const MetaSection& o, std::int64_t trials);

// REINFORCE credit G_h: reward-to-go sum_{h' >= h} w_h' R_h', or w_h R_h.
std::vector<double> credit(const MetaSection& o, const std::vector<double>& weights,
                           const std::vector<double>& rewards);

}  // namespace neohebb::core
