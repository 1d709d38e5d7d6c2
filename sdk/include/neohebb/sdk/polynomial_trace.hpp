#pragma once
// A trace polynomial whose pre- and postsynaptic bases are the first degree+1 members of one
// polynomial family p_0, p_1, ...: a_k(r) = p_k(r), b_l(d) = p_l(d / s), k, l = 0..degree, so
// f(r_j, d_i) = sum_kl theta_kl p_k(r_j) p_l(d_i / s) with (degree + 1)^2 coefficients. The scale s
// (`post_scale`) brings d, often ~0.01-0.5, to order one.
//
// The family is a `Basis`, a struct of static functions:
//   template <class S, class V> static void values(const V& x, MatRef<S> out);
//   template <class S, class V> static void derivatives(const V& x, MatRef<S> out);
//       out(j, n) = p_n(x_j), resp. p_n'(x_j), for n = 0..out.cols()-1; V is any Eigen vector
//       expression of scalar S (double or std::complex<double>: keep them complex-step safe).
//   static std::string term_name(int n, const std::string& var);  // p_n of var, e.g. "T3(r)"
// A plugin derives from PolynomialTrace<S, ItsBasis>, inherits the constructor and declares
// `static ParamSchema schema()` with PolynomialTrace::schema(its docs).
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "neohebb/sdk/errors.hpp"
#include "neohebb/sdk/parameters.hpp"
#include "neohebb/sdk/trace_polynomial.hpp"

namespace neohebb::sdk {

// The family-specific words of the shared parameter docs.
struct PolynomialDocs {
  std::string degree;  // doc of `degree`, e.g. "highest order of T_k(r) and T_l(d)"
  std::string term;    // what coefficient k*(degree+1)+l multiplies, e.g. "T_k(r) T_l(d)"
  std::string post;    // b_l(d) written out, e.g. "T_l(d / s)"
};

template <class S, class Basis>
class PolynomialTrace : public TracePolynomial<S> {
 public:
  // degree, coefficients, post_scale, learnable: the parameters every such plugin takes.
  static ParamSchema schema(const PolynomialDocs& docs) {
    return {
        ParamSpec::integer("degree", 5, docs.degree).at_least(0).at_most(12),
        ParamSpec::reals("coefficients", {},
                         "initial theta, (degree+1)^2 values, row-major: index k*(degree+1)+l "
                         "multiplies " +
                             docs.term + "; empty = all zero"),
        ParamSpec::real("post_scale", 1.0, "s in b_l(d) = " + docs.post).above(0),
        ParamSpec::integers("learnable", {},
                            "1/0 per coefficient (same order): which ones meta-learning may "
                            "change; empty = all"),
    };
  }

  explicit PolynomialTrace(const ParamSet& p)
      : n_(static_cast<int>(p.integer("degree")) + 1),
        post_scale_(p.real("post_scale")),
        theta_(square(p.reals("coefficients"), "coefficients", "values", 0.0)),
        learnable_(square<std::int64_t>(p.integers("learnable"), "learnable", "flags", 1)) {
    for (Eigen::Index i = 0; i < learnable_.size(); ++i)
      if (learnable_(i) != 0 && learnable_(i) != 1)
        throw ParameterError("learnable", "learnable holds flags, each 0 or 1; got " +
                                              std::to_string(learnable_(i)));
  }

  int pre_terms() const override { return n_; }
  int post_terms() const override { return n_; }
  void pre_basis(VecCRef<S> r, MatRef<S> A) const override { Basis::template values<S>(r, A); }
  void pre_basis_derivative(VecCRef<S> r, MatRef<S> dA) const override {
    Basis::template derivatives<S>(r, dA);
  }
  void post_basis(VecCRef<S> d, MatRef<S> B) const override {
    const Vec<S> x = d / post_scale_;
    Basis::template values<S>(x, B);
  }
  void post_basis_derivative(VecCRef<S> d, MatRef<S> dB) const override {
    const Vec<S> x = d / post_scale_;
    Basis::template derivatives<S>(x, dB);
    dB /= post_scale_;
  }
  Mat<Real> initial_coefficients() const override { return theta_; }
  bool learnable(int k, int l) const override { return learnable_(k, l) != 0; }
  std::string pre_term_name(int k) const override { return Basis::term_name(k, "r"); }
  std::string post_term_name(int l) const override { return Basis::term_name(l, "d"); }

 private:
  template <class T>
  using Square = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;

  // A flat row-major (degree+1)^2 list as a matrix; empty = all `fill`.
  template <class T>
  Square<T> square(const std::vector<T>& v, const std::string& name, const std::string& what,
                   T fill) const {
    const auto want = static_cast<std::size_t>(n_) * static_cast<std::size_t>(n_);
    if (v.empty()) return Square<T>::Constant(n_, n_, fill);
    if (v.size() != want)
      throw ParameterError(name, name + " must hold (degree+1)^2 = " + std::to_string(want) + " " +
                                     what + ", got " + std::to_string(v.size()));
    return Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
        v.data(), n_, n_);
  }

  int n_;  // degree + 1
  double post_scale_;
  Mat<Real> theta_;
  Square<std::int64_t> learnable_;
};

}  // namespace neohebb::sdk
