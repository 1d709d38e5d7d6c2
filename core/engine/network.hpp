#pragma once
// The weights of one lifetime's network, drawn from the lifetime's seed as [network] says.
#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include <neohebb/sdk/rng.hpp>

#include "core/config/sections.hpp"

namespace neohebb::core {

struct NetworkWeights {
  Eigen::MatrixXd W;      // N x N, W(post, pre), plastic
  Eigen::MatrixXd W_in;   // N x inputs, fixed
  Eigen::MatrixXd W_out;  // outputs x N, fixed
};

// W ~ N(0, gain^2 / N); W_in uniform or normal with the free units' rows zeroed; W_out
// N(0, 1/N) or one-hot on the readout units.
NetworkWeights initial_weights(const NetworkSection& o, int inputs, int outputs, sdk::Rng& rng);

}  // namespace neohebb::core
