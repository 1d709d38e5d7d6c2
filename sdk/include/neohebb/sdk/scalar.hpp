#pragma once
// Scalar types the numerical code of every plugin is instantiated for, and complex-step-safe
// forms of the non-analytic operations: they decide on the real part and carry the imaginary
// part through unchanged, so Im f(x + ih) / h stays the exact derivative.
#include <cmath>
#include <complex>
#include <type_traits>

#include <Eigen/Core>

namespace neohebb::sdk {

using Real = double;
using Complex = std::complex<double>;

template <class S>
inline constexpr bool is_complex_v = !std::is_same_v<S, Real>;

template <class S>
using Vec = Eigen::Matrix<S, Eigen::Dynamic, 1>;
template <class S>
using Mat = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>;
template <class S>
using VecRef = Eigen::Ref<Vec<S>>;
template <class S>
using VecCRef = Eigen::Ref<const Vec<S>>;
template <class S>
using MatRef = Eigen::Ref<Mat<S>>;
template <class S>
using MatCRef = Eigen::Ref<const Mat<S>>;

inline double real_part(Real v) {
  return v;
}
inline double real_part(const Complex& v) {
  return v.real();
}

// |v| with the sign decided on the real part (std::abs of a complex is the modulus: wrong here).
template <class S>
S abs_cs(const S& v) {
  return real_part(v) < 0.0 ? S(-v) : v;
}

// Clamp to [lo, hi]; a clamped value is a constant, so its derivative is zero.
template <class S>
S clip_cs(const S& v, double lo, double hi) {
  if (real_part(v) > hi) return S(hi);
  if (real_part(v) < lo) return S(lo);
  return v;
}

template <class S>
bool is_finite(const S& v) {
  if constexpr (is_complex_v<S>)
    return std::isfinite(v.real()) && std::isfinite(v.imag());
  else
    return std::isfinite(v);
}

// Integer power by repeated multiplication: exact for complex arguments and cheaper than pow.
template <class S>
S ipow(const S& v, int k) {
  S out(1.0);
  for (int i = 0; i < k; ++i) out *= v;
  return out;
}

}  // namespace neohebb::sdk
