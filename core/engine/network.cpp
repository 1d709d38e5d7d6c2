#include "core/engine/network.hpp"

#include <cmath>

namespace neohebb::core {
NetworkWeights initial_weights(const NetworkSection& o, int inputs, int outputs, sdk::Rng& rng) {
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
      w.W_in(i, j) = o.input_weights == Distribution::Normal
                         ? o.input_scale * rng.normal()
                         : rng.uniform(-o.input_scale, o.input_scale);
  for (int u : o.input_free_units) w.W_in.row(u).setZero();
  if (o.readout == Readout::Unit) {
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
