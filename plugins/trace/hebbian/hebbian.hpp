#pragma once
#include <string>

#include <neohebb/sdk/parameters.hpp>
#include <neohebb/sdk/trace_polynomial.hpp>

namespace neohebb::plugins {

// The plain reward-modulated Hebbian trace f = scale * r_j (x_i - xbar_i): presynaptic rate times
// the postsynaptic deviation from its running average, with no supralinearity. With the host's
// deviation d = xbar - x this is one term, a(r) = r, b(d) = d, theta = -scale.
template <class S>
class Hebbian final : public sdk::TracePolynomial<S> {
 public:
  static sdk::ParamSchema schema() {
    return {
        sdk::ParamSpec::real("scale", 1.0, "multiplies the whole increment"),
        sdk::ParamSpec::boolean("learnable", false,
                                "let meta-learning change the coefficient (-scale)"),
    };
  }

  explicit Hebbian(const sdk::ParamSet& p)
      : scale_(p.real("scale")), learnable_(p.flag("learnable")) {}

  int pre_terms() const override { return 1; }
  int post_terms() const override { return 1; }
  void pre_basis(sdk::VecCRef<S> r, sdk::MatRef<S> A) const override { A.col(0) = r; }
  void pre_basis_derivative(sdk::VecCRef<S>, sdk::MatRef<S> dA) const override {
    dA.col(0).setOnes();
  }
  void post_basis(sdk::VecCRef<S> d, sdk::MatRef<S> B) const override { B.col(0) = d; }
  void post_basis_derivative(sdk::VecCRef<S>, sdk::MatRef<S> dB) const override {
    dB.col(0).setOnes();
  }
  sdk::Mat<sdk::Real> initial_coefficients() const override {
    return sdk::Mat<sdk::Real>::Constant(1, 1, -scale_);
  }
  bool learnable(int, int) const override { return learnable_; }
  std::string pre_term_name(int) const override { return "r"; }
  std::string post_term_name(int) const override { return "d"; }

 private:
  double scale_;
  bool learnable_;
};

}  // namespace neohebb::plugins
