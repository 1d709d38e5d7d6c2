#pragma once
// One Euler step of the network, the only one in the host: the lifetime's trials and the test
// trials of the analyses both step through it, so clamping and the order of operations cannot
// drift between them.
//
//   I  = W r + drive_t (+ the kicks the caller adds)
//   x' = F(x, I), then the clamped units reset to their values
#include <neohebb/sdk/neuron_model.hpp>
#include <neohebb/sdk/rng.hpp>

#include "core/config/sections.hpp"

namespace neohebb::core {

template <class S>
class NetworkStepper {
 public:
  NetworkStepper(const sdk::NeuronModel<S>& neuron, const NetworkSection& network)
      : neuron_(neuron), network_(network) {}

  // x at a trial's start: U(-a, a) per unit (a = [network] initial_state; 0 when a = 0), clamped.
  void initial_state(sdk::Rng& rng, sdk::Vec<S>& x) const;

  // I = W r + drive.
  template <class Drive>
  void input_current(const sdk::Mat<S>& W, const sdk::Vec<S>& r, const Drive& drive,
                     sdk::Vec<S>& current) const {
    current.noalias() = W * r;
    current += drive;
  }

  // x' = F(x, I), clamped.
  void advance(const sdk::Vec<S>& x, const sdk::Vec<S>& current, sdk::Vec<S>& x_next) const {
    neuron_.step(x, current, x_next);
    clamp(x_next);
  }

  // Holds the clamped units at their values.
  void clamp(sdk::Vec<S>& x) const {
    for (std::size_t i = 0; i < network_.clamped_units.size(); ++i)
      x(network_.clamped_units[i]) = S(network_.clamped_values[i]);
  }

  // The tangents of a step (one column per direction): a clamped unit does not depend on theta.
  void clamp_tangent(sdk::Mat<S>& X) const {
    for (int u : network_.clamped_units) X.row(u).setZero();
  }

  const sdk::NeuronModel<S>& neuron() const { return neuron_; }

 private:
  const sdk::NeuronModel<S>& neuron_;
  const NetworkSection& network_;
};

}  // namespace neohebb::core
