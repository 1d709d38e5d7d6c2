#pragma once
#include <string>

#include <neohebb/sdk/parameters.hpp>
#include <neohebb/sdk/trace_polynomial.hpp>

namespace neohebb::plugins {

// The paper's trace polynomial: a_k(r) = r^k, b_l(d) = (d / s)^l for k, l = 0..degree, so
// f(r_j, d_i) = sum_kl theta_kl r_j^k (d_i / s)^l with (degree + 1)^2 coefficients. The scale s
// (default 1: the paper's monomials) brings d, often ~0.01-0.5, to order one, so that equal
// changes of the coefficients change the trace by comparable amounts (meta-learning conditioning).
template <class S>
class Monomial final : public sdk::TracePolynomial<S> {
 public:
  static sdk::ParamSchema schema() {
    return {
        sdk::ParamSpec::integer("degree", 5, "highest power of r and of d").at_least(0).at_most(12),
        sdk::ParamSpec::reals("coefficients", {},
                              "initial theta, (degree+1)^2 values, row-major: index k*(degree+1)+l "
                              "multiplies r^k d^l; empty = all zero"),
        sdk::ParamSpec::real("post_scale", 1.0, "s in b_l(d) = (d / s)^l").above(0),
        sdk::ParamSpec::integers("learnable", {},
                                 "1/0 per coefficient (same order): which ones meta-learning may "
                                 "change; empty = all"),
    };
  }

  explicit Monomial(const sdk::ParamSet& p)
      : terms_(static_cast<int>(p.integer("degree")) + 1), post_scale_(p.real("post_scale")) {
    const auto n = static_cast<std::size_t>(terms_ * terms_);
    const auto& c = p.reals("coefficients");
    const auto& m = p.integers("learnable");
    if (!c.empty() && c.size() != n)
      throw sdk::ParameterError("coefficients",
                                "coefficients must hold (degree+1)^2 = " + std::to_string(n) +
                                    " values, got " + std::to_string(c.size()));
    if (!m.empty() && m.size() != n)
      throw sdk::ParameterError(
          "learnable", "learnable must hold (degree+1)^2 = " + std::to_string(n) + " flags, got " +
                           std::to_string(m.size()));
    theta_ = sdk::Mat<sdk::Real>::Zero(terms_, terms_);
    learnable_ = Eigen::MatrixXi::Ones(terms_, terms_);
    for (int k = 0; k < terms_; ++k)
      for (int l = 0; l < terms_; ++l) {
        const auto i = static_cast<std::size_t>(k * terms_ + l);
        if (!c.empty()) theta_(k, l) = c[i];
        if (!m.empty()) learnable_(k, l) = m[i] != 0;
      }
  }

  int pre_terms() const override { return terms_; }
  int post_terms() const override { return terms_; }
  void pre_basis(sdk::VecCRef<S> r, sdk::MatRef<S> A) const override { powers(r, A); }
  void pre_basis_derivative(sdk::VecCRef<S> r, sdk::MatRef<S> dA) const override {
    power_derivatives(r, dA);
  }
  void post_basis(sdk::VecCRef<S> d, sdk::MatRef<S> B) const override {
    powers(d / post_scale_, B);
  }
  void post_basis_derivative(sdk::VecCRef<S> d, sdk::MatRef<S> dB) const override {
    power_derivatives(d / post_scale_, dB);
    dB /= post_scale_;
  }
  sdk::Mat<sdk::Real> initial_coefficients() const override { return theta_; }
  bool learnable(int k, int l) const override { return learnable_(k, l) != 0; }
  std::string pre_term_name(int k) const override { return "r^" + std::to_string(k); }
  std::string post_term_name(int l) const override { return "d^" + std::to_string(l); }

 private:
  template <class V>
  void powers(const V& v, sdk::MatRef<S> out) const {
    out.col(0).setOnes();
    for (int k = 1; k < terms_; ++k) out.col(k) = out.col(k - 1).cwiseProduct(v);
  }
  // d/dv v^k = k v^(k-1), built from the powers themselves.
  template <class V>
  void power_derivatives(const V& v, sdk::MatRef<S> out) const {
    out.col(0).setZero();
    if (terms_ == 1) return;
    out.col(1).setOnes();
    sdk::Vec<S> pw = sdk::Vec<S>::Ones(v.size());
    for (int k = 2; k < terms_; ++k) {
      pw = pw.cwiseProduct(v);
      out.col(k) = S(static_cast<double>(k)) * pw;
    }
  }

  int terms_;
  double post_scale_;
  sdk::Mat<sdk::Real> theta_;
  Eigen::MatrixXi learnable_;
};

}  // namespace neohebb::plugins
