#pragma once
#include <string>

#include <neohebb/sdk/polynomial_trace.hpp>

namespace neohebb::plugins {

// Chebyshev polynomials of the first kind, values and derivatives from the three-term recurrences
//   T_0 = 1, T_1 = x, T_{n+1} = 2x T_n - T_{n-1};  T'_{n+1} = 2 T_n + 2x T'_n - T'_{n-1},
// never from 1/sqrt(1 - x^2): exact at |x| = 1 and valid in complex arithmetic.
struct ChebyshevBasis {
  template <class S, class V>
  static void values(const V& x, sdk::MatRef<S> T) {
    T.col(0).setOnes();
    if (T.cols() > 1) T.col(1) = x;
    for (int n = 1; n + 1 < T.cols(); ++n)
      T.col(n + 1) = S(2.0) * x.cwiseProduct(T.col(n)) - T.col(n - 1);
  }
  template <class S, class V>
  static void derivatives(const V& x, sdk::MatRef<S> dT) {
    sdk::Mat<S> T(x.size(), dT.cols());
    values<S>(x, T);
    dT.col(0).setZero();
    if (dT.cols() > 1) dT.col(1).setOnes();
    for (int n = 1; n + 1 < dT.cols(); ++n)
      dT.col(n + 1) = S(2.0) * (T.col(n) + x.cwiseProduct(dT.col(n))) - dT.col(n - 1);
  }
  static std::string term_name(int n, const std::string& var) {
    std::string out = "T";  // appended: GCC 12 warns (-Wrestrict) on "literal" + string
    out += std::to_string(n);
    out += '(';
    out += var;
    out += ')';
    return out;
  }
};

// a_k(r) = T_k(r), b_l(d) = T_l(d / s), k, l = 0..degree, so
// f(r_j, d_i) = sum_kl theta_kl T_k(r_j) T_l(d_i / s). Same parameters and layout as `monomial`;
// on [-1, 1] the T_k are bounded by 1 and far less collinear than the powers, which conditions
// meta-learning better.
template <class S>
class Chebyshev final : public sdk::PolynomialTrace<S, ChebyshevBasis> {
 public:
  using sdk::PolynomialTrace<S, ChebyshevBasis>::PolynomialTrace;
  static sdk::ParamSchema schema() {
    return Chebyshev::PolynomialTrace::schema({.degree = "highest order of T_k(r) and T_l(d)",
                                               .term = "T_k(r) T_l(d)",
                                               .post = "T_l(d / s)"});
  }
};

}  // namespace neohebb::plugins
