#pragma once
// The network of one lifetime: options read from [network], [exploration], [eligibility], and
// its initial weights drawn from the lifetime's seed.
#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include <neohebb/sdk/parameters.hpp>
#include <neohebb/sdk/rng.hpp>

namespace neohebb::core {

struct NetworkOptions {
  int size = 200;
  double gain = 1.5;
  bool self_connections = true;
  bool normal_inputs = false;
  double input_scale = 1.0;
  std::vector<int> input_free_units;
  bool unit_readout = false;
  std::vector<int> readout_units;
  std::vector<int> clamped_units;
  std::vector<double> clamped_values;
  double initial_state = 0.1;
};

struct ExplorationOptions {
  double probability = 0;
  double amplitude = 0;
  bool normal = false;
  int start_step = 0;
};

struct EligibilityOptions {
  double tau_e = 0;  // ms; inf = no decay
  double average_beta = 0;
  bool deviation_before_average = true;
  bool post_perturbation = false;  // the trace's postsynaptic variable is the kick xi, not d
  int start_step = 0;
  bool scale_by_dt = true;
  bool reset_average = true;
};

NetworkOptions network_options(const sdk::ParamSet& p);
ExplorationOptions exploration_options(const sdk::ParamSet& p);
EligibilityOptions eligibility_options(const sdk::ParamSet& p);

struct NetworkWeights {
  Eigen::MatrixXd W;      // N x N, W(post, pre), plastic
  Eigen::MatrixXd W_in;   // N x inputs, fixed
  Eigen::MatrixXd W_out;  // outputs x N, fixed
};

// W ~ N(0, gain^2 / N); W_in uniform or normal with the free units' rows zeroed; W_out
// N(0, 1/N) or one-hot on the readout units.
NetworkWeights initial_weights(const NetworkOptions& o, int inputs, int outputs, sdk::Rng& rng);

}  // namespace neohebb::core
