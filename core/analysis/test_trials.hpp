#pragma once
// Test trials of a trained network for its analyses: the task's trials run with the final
// weights, plasticity and exploration off, recorded per condition.
#include <cstdint>

#include <neohebb/sdk/analysis.hpp>

#include "core/engine/network.hpp"
#include "core/engine/setup.hpp"

namespace neohebb::core {

// Runs trials 0, 1, ... of the task (seeded from `seed`) until every condition the task lays
// out has `per_condition` trials, or until 50 x conditions x per_condition trials were drawn (a
// task may never draw some condition; it is then absent from the recording). Also finds the
// constant inputs for fixed-point searches: zero, then each condition's context (the input
// channels that stay constant through every recorded trial of the condition), when nonzero and
// new. Visited states: about 50 per trial, at most 2000.
sdk::Recording record_test_trials(const Setup<sdk::Real>& setup, const NetworkWeights& weights,
                                  int per_condition, std::uint64_t seed);

}  // namespace neohebb::core
