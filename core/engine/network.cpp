#include "core/engine/network.hpp"

#include <cmath>

namespace neohebb::core {
namespace {
std::vector<int> to_ints(const std::vector<std::int64_t>& v) {
  return {v.begin(), v.end()};
}
}  // namespace

NetworkOptions network_options(const sdk::ParamSet& p) {
  NetworkOptions o;
  o.size = static_cast<int>(p.integer("size"));
  o.gain = p.real("gain");
  o.self_connections = p.flag("self_connections");
  o.normal_inputs = p.text("input_weights") == "normal";
  o.input_scale = p.real("input_scale");
  o.input_free_units = to_ints(p.integers("input_free_units"));
  o.unit_readout = p.text("readout") == "unit";
  o.readout_units = to_ints(p.integers("readout_units"));
  o.clamped_units = to_ints(p.integers("clamped_units"));
  o.clamped_values = p.reals("clamped_values");
  o.initial_state = p.real("initial_state");
  return o;
}

ExplorationOptions exploration_options(const sdk::ParamSet& p) {
  return {p.real("probability"), p.real("amplitude"), p.text("distribution") == "normal",
          static_cast<int>(p.integer("start_step"))};
}

EligibilityOptions eligibility_options(const sdk::ParamSet& p) {
  EligibilityOptions o;
  o.tau_e = p.real("tau_e");
  o.average_beta = p.real("average_beta");
  o.deviation_before_average = p.text("deviation") == "before_average";
  o.post_perturbation = p.text("postsynaptic") == "perturbation";
  o.start_step = static_cast<int>(p.integer("start_step"));
  o.scale_by_dt = p.flag("scale_by_dt");
  o.reset_average = p.flag("reset_average");
  return o;
}

NetworkWeights initial_weights(const NetworkOptions& o, int inputs, int outputs, sdk::Rng& rng) {
  const int n = o.size;
  NetworkWeights w;
  const double sd = o.gain / std::sqrt(static_cast<double>(n));
  w.W.resize(n, n);
  for (int j = 0; j < n; ++j)
    for (int i = 0; i < n; ++i) w.W(i, j) = sd * rng.normal();
  if (!o.self_connections) w.W.diagonal().setZero();
  w.W_in.resize(n, inputs);
  for (int j = 0; j < inputs; ++j)
    for (int i = 0; i < n; ++i)
      w.W_in(i, j) = o.normal_inputs ? o.input_scale * rng.normal()
                                     : rng.uniform(-o.input_scale, o.input_scale);
  for (int u : o.input_free_units) w.W_in.row(u).setZero();
  if (o.unit_readout) {
    w.W_out = Eigen::MatrixXd::Zero(outputs, n);
    for (int k = 0; k < outputs; ++k)
      w.W_out(k, o.readout_units[static_cast<std::size_t>(k)]) = 1.0;
  } else {
    w.W_out.resize(outputs, n);
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < outputs; ++k) w.W_out(k, j) = rng.normal() / std::sqrt(double(n));
  }
  return w;
}

}  // namespace neohebb::core
