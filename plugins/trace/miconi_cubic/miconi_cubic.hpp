#pragma once
#include <neohebb/sdk/parameters.hpp>
#include <neohebb/sdk/trace_polynomial.hpp>

namespace neohebb::plugins {

// Miconi (2017)'s supralinear trace, fixed: f = scale * (r_j (x_i - xbar_i))^3. With the host's
// deviation d = xbar - x this is one separable term, a(r) = r^3, b(d) = d^3, theta = -scale
// (the cube is odd). The variant "post_only", r_j (x_i - xbar_i)^3, is the older form Miconi's
// arm-model code still uses.
template <class S>
class MiconiCubic final : public sdk::TracePolynomial<S> {
 public:
  static sdk::ParamSchema schema() {
    return {
        sdk::ParamSpec::real("scale", 1.0, "multiplies the whole increment"),
        sdk::ParamSpec::text("variant", "product",
                             "'product': (r_j (x_i - xbar_i))^3; 'post_only': r_j (x_i - xbar_i)^3")
            .one_of({"product", "post_only"}),
        sdk::ParamSpec::boolean("learnable", false,
                                "let meta-learning change the coefficient (-scale)"),
    };
  }

  explicit MiconiCubic(const sdk::ParamSet& p)
      : scale_(p.real("scale")),
        pre_power_(p.text("variant") == "product" ? 3 : 1),
        learnable_(p.flag("learnable")) {}

  int pre_terms() const override { return 1; }
  int post_terms() const override { return 1; }
  void pre_basis(sdk::VecCRef<S> r, sdk::MatRef<S> A) const override {
    A.col(0) = r.unaryExpr([this](const S& v) { return sdk::ipow(v, pre_power_); });
  }
  void pre_basis_derivative(sdk::VecCRef<S> r, sdk::MatRef<S> dA) const override {
    const double k = pre_power_;
    dA.col(0) = r.unaryExpr([this, k](const S& v) { return S(k) * sdk::ipow(v, pre_power_ - 1); });
  }
  void post_basis(sdk::VecCRef<S> d, sdk::MatRef<S> B) const override {
    B.col(0) = d.unaryExpr([](const S& v) { return S(v * v * v); });
  }
  void post_basis_derivative(sdk::VecCRef<S> d, sdk::MatRef<S> dB) const override {
    dB.col(0) = d.unaryExpr([](const S& v) { return S(3.0 * v * v); });
  }
  sdk::Mat<sdk::Real> initial_coefficients() const override {
    return sdk::Mat<sdk::Real>::Constant(1, 1, -scale_);
  }
  bool learnable(int, int) const override { return learnable_; }
  std::string pre_term_name(int) const override { return pre_power_ == 3 ? "r^3" : "r"; }
  std::string post_term_name(int) const override { return "d^3"; }

 private:
  double scale_;
  int pre_power_;
  bool learnable_;
};

}  // namespace neohebb::plugins
