#pragma once
#include <string>

#include <neohebb/sdk/polynomial_trace.hpp>

namespace neohebb::plugins {

// Legendre polynomials, values and derivatives from the recurrences
//   P_0 = 1, P_1 = x, (n+1) P_{n+1} = (2n+1) x P_n - n P_{n-1};  P'_{n+1} = P'_{n-1} + (2n+1) P_n,
// exact at |x| = 1 and valid in complex arithmetic.
struct LegendreBasis {
  template <class S, class V>
  static void values(const V& x, sdk::MatRef<S> P) {
    P.col(0).setOnes();
    if (P.cols() > 1) P.col(1) = x;
    for (int n = 1; n + 1 < P.cols(); ++n)
      P.col(n + 1) = (S(2.0 * n + 1) * x.cwiseProduct(P.col(n)) - S(n) * P.col(n - 1)) / S(n + 1);
  }
  template <class S, class V>
  static void derivatives(const V& x, sdk::MatRef<S> dP) {
    sdk::Mat<S> P(x.size(), dP.cols());
    values<S>(x, P);
    dP.col(0).setZero();
    if (dP.cols() > 1) dP.col(1).setOnes();
    for (int n = 1; n + 1 < dP.cols(); ++n)
      dP.col(n + 1) = dP.col(n - 1) + S(2.0 * n + 1) * P.col(n);
  }
  static std::string term_name(int n, const std::string& var) {
    std::string out = "P";  // appended: GCC 12 warns (-Wrestrict) on "literal" + string
    out += std::to_string(n);
    out += '(';
    out += var;
    out += ')';
    return out;
  }
};

// a_k(r) = P_k(r), b_l(d) = P_l(d / s), k, l = 0..degree, so
// f(r_j, d_i) = sum_kl theta_kl P_k(r_j) P_l(d_i / s). Same parameters and layout as `monomial`;
// the P_k are orthogonal on [-1, 1] under the plain (unweighted) measure, which conditions
// meta-learning better than the powers.
template <class S>
class Legendre final : public sdk::PolynomialTrace<S, LegendreBasis> {
 public:
  using sdk::PolynomialTrace<S, LegendreBasis>::PolynomialTrace;
  static sdk::ParamSchema schema() {
    return Legendre::PolynomialTrace::schema({.degree = "highest order of P_k(r) and P_l(d)",
                                              .term = "P_k(r) P_l(d)",
                                              .post = "P_l(d / s)"});
  }
};

}  // namespace neohebb::plugins
