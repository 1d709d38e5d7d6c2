#pragma once
#include <string>

#include <neohebb/sdk/polynomial_trace.hpp>

namespace neohebb::plugins {

// The powers p_n(x) = x^n, p_n'(x) = n x^(n-1), both by repeated multiplication (exact for
// complex arguments).
struct MonomialBasis {
  template <class S, class V>
  static void values(const V& x, sdk::MatRef<S> out) {
    out.col(0).setOnes();
    for (int k = 1; k < out.cols(); ++k) out.col(k) = out.col(k - 1).cwiseProduct(x);
  }
  template <class S, class V>
  static void derivatives(const V& x, sdk::MatRef<S> out) {
    out.col(0).setZero();
    if (out.cols() == 1) return;
    out.col(1).setOnes();
    sdk::Vec<S> pw = sdk::Vec<S>::Ones(x.size());
    for (int k = 2; k < out.cols(); ++k) {
      pw = pw.cwiseProduct(x);
      out.col(k) = S(static_cast<double>(k)) * pw;
    }
  }
  static std::string term_name(int k, const std::string& var) {
    return var + "^" + std::to_string(k);
  }
};

// The paper's trace polynomial: a_k(r) = r^k, b_l(d) = (d / s)^l for k, l = 0..degree, so
// f(r_j, d_i) = sum_kl theta_kl r_j^k (d_i / s)^l with (degree + 1)^2 coefficients. The scale s
// (default 1: the paper's monomials) brings d, often ~0.01-0.5, to order one, so that equal
// changes of the coefficients change the trace by comparable amounts (meta-learning conditioning).
template <class S>
class Monomial final : public sdk::PolynomialTrace<S, MonomialBasis> {
 public:
  using sdk::PolynomialTrace<S, MonomialBasis>::PolynomialTrace;
  static sdk::ParamSchema schema() {
    return Monomial::PolynomialTrace::schema(
        {.degree = "highest power of r and of d", .term = "r^k d^l", .post = "(d / s)^l"});
  }
};

}  // namespace neohebb::plugins
