#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include <neohebb/sdk/parameters.hpp>
#include <neohebb/sdk/trace_polynomial.hpp>

namespace neohebb::plugins {

// Legendre polynomials: a_k(r) = P_k(r), b_l(d) = P_l(d / s), k, l = 0..degree, so
// f(r_j, d_i) = sum_kl theta_kl P_k(r_j) P_l(d_i / s). Same parameters and layout as `monomial`;
// the P_k are orthogonal on [-1, 1] under the plain (unweighted) measure, which conditions
// meta-learning better than the powers. Values and derivatives come from the recurrences
//   P_0 = 1, P_1 = x, (n+1) P_{n+1} = (2n+1) x P_n - n P_{n-1};  P'_{n+1} = P'_{n-1} + (2n+1) P_n,
// exact at |x| = 1 and valid in complex arithmetic.
template <class S>
class Legendre final : public sdk::TracePolynomial<S> {
 public:
  static sdk::ParamSchema schema() {
    using sdk::ParamSpec;
    return {
        ParamSpec::integer("degree", 5, "highest order of P_k(r) and P_l(d)")
            .at_least(0)
            .at_most(12),
        ParamSpec::reals("coefficients", {},
                         "initial theta, (degree+1)^2 values, row-major: index k*(degree+1)+l "
                         "multiplies P_k(r) P_l(d); empty = all zero"),
        ParamSpec::real("post_scale", 1.0, "s in b_l(d) = P_l(d / s)").above(0),
        ParamSpec::integers("learnable", {},
                            "1/0 per coefficient (same order): which ones meta-learning may "
                            "change; empty = all"),
    };
  }

  explicit Legendre(const sdk::ParamSet& p)
      : n_(static_cast<int>(p.integer("degree")) + 1),
        post_scale_(p.real("post_scale")),
        theta_(square<sdk::Real>(p.reals("coefficients"), "coefficients", 0.0)),
        learnable_(square<int>(p.integers("learnable"), "learnable", 1)) {}

  int pre_terms() const override { return n_; }
  int post_terms() const override { return n_; }
  void pre_basis(sdk::VecCRef<S> r, sdk::MatRef<S> A) const override { values(r, A); }
  void pre_basis_derivative(sdk::VecCRef<S> r, sdk::MatRef<S> dA) const override {
    derivatives(r, dA);
  }
  void post_basis(sdk::VecCRef<S> d, sdk::MatRef<S> B) const override {
    values(d / post_scale_, B);
  }
  void post_basis_derivative(sdk::VecCRef<S> d, sdk::MatRef<S> dB) const override {
    derivatives(d / post_scale_, dB);
    dB /= post_scale_;
  }
  sdk::Mat<sdk::Real> initial_coefficients() const override { return theta_; }
  bool learnable(int k, int l) const override { return learnable_(k, l) != 0; }
  std::string pre_term_name(int k) const override { return "P" + std::to_string(k) + "(r)"; }
  std::string post_term_name(int l) const override { return "P" + std::to_string(l) + "(d)"; }

 private:
  // A flat row-major (degree+1)^2 list as a matrix; empty = all `fill`.
  template <class T, class V>
  Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> square(const std::vector<V>& v,
                                                          const std::string& name, T fill) const {
    using RowMajor = Eigen::Matrix<V, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const auto want = static_cast<std::size_t>(n_) * static_cast<std::size_t>(n_);
    if (v.empty()) return Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>::Constant(n_, n_, fill);
    if (v.size() != want)
      throw sdk::ParameterError(name, name + " must hold (degree+1)^2 = " + std::to_string(want) +
                                          " values, got " + std::to_string(v.size()));
    return Eigen::Map<const RowMajor>(v.data(), n_, n_).template cast<T>();
  }

  void values(sdk::VecCRef<S> x, sdk::MatRef<S> P) const {
    P.col(0).setOnes();
    if (n_ > 1) P.col(1) = x;
    for (int n = 1; n + 1 < n_; ++n)
      P.col(n + 1) = (S(2.0 * n + 1) * x.cwiseProduct(P.col(n)) - S(n) * P.col(n - 1)) / S(n + 1);
  }
  void derivatives(sdk::VecCRef<S> x, sdk::MatRef<S> dP) const {
    sdk::Mat<S> P(x.size(), n_);
    values(x, P);
    dP.col(0).setZero();
    if (n_ > 1) dP.col(1).setOnes();
    for (int n = 1; n + 1 < n_; ++n) dP.col(n + 1) = dP.col(n - 1) + S(2.0 * n + 1) * P.col(n);
  }

  int n_;  // degree + 1
  double post_scale_;
  sdk::Mat<sdk::Real> theta_;
  Eigen::MatrixXi learnable_;
};

}  // namespace neohebb::plugins
