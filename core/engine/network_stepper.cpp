#include "core/engine/network_stepper.hpp"

namespace neohebb::core {

template <class S>
void NetworkStepper<S>::initial_state(sdk::Rng& rng, sdk::Vec<S>& x) const {
  const double a = network_.initial_state;
  for (Eigen::Index i = 0; i < x.size(); ++i) x(i) = a > 0 ? S(rng.uniform(-a, a)) : S(0);
  clamp(x);
}

template class NetworkStepper<sdk::Real>;
template class NetworkStepper<sdk::Complex>;

}  // namespace neohebb::core
