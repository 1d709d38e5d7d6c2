#pragma once
#include "neohebb/sdk/component.hpp"

namespace neohebb::sdk {

// A rate neuron: transfer function phi and one integration step x' = F(x, I), all elementwise.
// The tangent propagation needs phi' and the partials F_x = dF/dx, F_I = dF/dI.
template <class S>
class NeuronModel : public Component<S> {
 public:
  virtual double dt() const = 0;  // integration step (ms); tasks convert their timings with it
  virtual void rate(VecCRef<S> x, VecRef<S> r) const = 0;
  virtual void rate_derivative(VecCRef<S> x, VecRef<S> dr) const = 0;
  virtual void step(VecCRef<S> x, VecCRef<S> current, VecRef<S> x_next) const = 0;
  virtual void step_partials(VecCRef<S> x, VecCRef<S> current, VecRef<S> F_x,
                             VecRef<S> F_I) const = 0;
};

}  // namespace neohebb::sdk
