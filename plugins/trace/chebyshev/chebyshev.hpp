#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include <neohebb/sdk/parameters.hpp>
#include <neohebb/sdk/trace_polynomial.hpp>

namespace neohebb::plugins {

// Chebyshev polynomials of the first kind: a_k(r) = T_k(r), b_l(d) = T_l(d / s), k, l =
// 0..degree, so f(r_j, d_i) = sum_kl theta_kl T_k(r_j) T_l(d_i / s). Same parameters and layout as
// `monomial`; on [-1, 1] the T_k are bounded by 1 and far less collinear than the powers, which
// conditions meta-learning better. Values and derivatives come from the three-term recurrences
//   T_0 = 1, T_1 = x, T_{n+1} = 2x T_n - T_{n-1};  T'_{n+1} = 2 T_n + 2x T'_n - T'_{n-1},
// never from 1/sqrt(1 - x^2): exact at |x| = 1 and valid in complex arithmetic.
template <class S>
class Chebyshev final : public sdk::TracePolynomial<S> {
 public:
  static sdk::ParamSchema schema() {
    using sdk::ParamSpec;
    return {
        ParamSpec::integer("degree", 5, "highest order of T_k(r) and T_l(d)")
            .at_least(0)
            .at_most(12),
        ParamSpec::reals("coefficients", {},
                         "initial theta, (degree+1)^2 values, row-major: index k*(degree+1)+l "
                         "multiplies T_k(r) T_l(d); empty = all zero"),
        ParamSpec::real("post_scale", 1.0, "s in b_l(d) = T_l(d / s)").above(0),
        ParamSpec::integers("learnable", {},
                            "1/0 per coefficient (same order): which ones meta-learning may "
                            "change; empty = all"),
    };
  }

  explicit Chebyshev(const sdk::ParamSet& p)
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
  std::string pre_term_name(int k) const override { return "T" + std::to_string(k) + "(r)"; }
  std::string post_term_name(int l) const override { return "T" + std::to_string(l) + "(d)"; }

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

  void values(sdk::VecCRef<S> x, sdk::MatRef<S> T) const {
    T.col(0).setOnes();
    if (n_ > 1) T.col(1) = x;
    for (int n = 1; n + 1 < n_; ++n)
      T.col(n + 1) = S(2.0) * x.cwiseProduct(T.col(n)) - T.col(n - 1);
  }
  void derivatives(sdk::VecCRef<S> x, sdk::MatRef<S> dT) const {
    sdk::Mat<S> T(x.size(), n_);
    values(x, T);
    dT.col(0).setZero();
    if (n_ > 1) dT.col(1).setOnes();
    for (int n = 1; n + 1 < n_; ++n)
      dT.col(n + 1) = S(2.0) * (T.col(n) + x.cwiseProduct(dT.col(n))) - dT.col(n - 1);
  }

  int n_;  // degree + 1
  double post_scale_;
  sdk::Mat<sdk::Real> theta_;
  Eigen::MatrixXi learnable_;
};

}  // namespace neohebb::plugins
