#pragma once
// Eigen-decompositions the analyses share (kept out of analysis.hpp so that only analyses pay for
// Eigen's eigenvalue module at compile time).
#include <algorithm>
#include <complex>
#include <vector>

#include <Eigen/Core>
#include <Eigen/Eigenvalues>

namespace neohebb::sdk {

// Eigen-decomposition of a real matrix with the eigenvalues in a fixed order: descending real
// part, then descending imaginary part. Eigenvectors (columns) have unit norm.
struct Spectrum {
  Eigen::VectorXcd values;
  Eigen::MatrixXcd right;  // J v_i = lambda_i v_i
  Eigen::MatrixXcd left;   // u_i^T J = lambda_i u_i^T (empty unless asked for)
};

namespace detail {
inline std::vector<Eigen::Index> descending_order(const Eigen::VectorXcd& v) {
  std::vector<Eigen::Index> order(static_cast<std::size_t>(v.size()));
  for (Eigen::Index i = 0; i < v.size(); ++i) order[static_cast<std::size_t>(i)] = i;
  std::stable_sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) {
    if (v(a).real() != v(b).real()) return v(a).real() > v(b).real();
    return v(a).imag() > v(b).imag();
  });
  return order;
}
}  // namespace detail

// Eigenvalues only, in Spectrum's order.
inline Eigen::VectorXcd sorted_eigenvalues(const Eigen::MatrixXd& J) {
  Eigen::EigenSolver<Eigen::MatrixXd> es(J, false);
  const Eigen::VectorXcd v = es.eigenvalues();
  Eigen::VectorXcd out(v.size());
  const auto order = detail::descending_order(v);
  for (std::size_t i = 0; i < order.size(); ++i) out(Eigen::Index(i)) = v(order[i]);
  return out;
}

// Eigenvalues and right eigenvectors, and with `with_left` the left eigenvectors (from J^T, each
// paired with the nearest unpaired eigenvalue of J).
inline Spectrum spectrum(const Eigen::MatrixXd& J, bool with_left = false) {
  Eigen::EigenSolver<Eigen::MatrixXd> es(J, true);
  const Eigen::VectorXcd v = es.eigenvalues();
  const Eigen::MatrixXcd V = es.eigenvectors();
  const auto order = detail::descending_order(v);
  const Eigen::Index n = v.size();
  Spectrum s;
  s.values.resize(n);
  s.right.resize(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    s.values(i) = v(order[static_cast<std::size_t>(i)]);
    s.right.col(i) = V.col(order[static_cast<std::size_t>(i)]).normalized();
  }
  if (!with_left) return s;
  Eigen::EigenSolver<Eigen::MatrixXd> et(J.transpose(), true);
  const Eigen::VectorXcd w = et.eigenvalues();
  const Eigen::MatrixXcd U = et.eigenvectors();
  std::vector<bool> used(static_cast<std::size_t>(n), false);
  s.left.resize(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    Eigen::Index best = -1;
    for (Eigen::Index j = 0; j < n; ++j)
      if (!used[static_cast<std::size_t>(j)] &&
          (best < 0 || std::abs(w(j) - s.values(i)) < std::abs(w(best) - s.values(i))))
        best = j;
    used[static_cast<std::size_t>(best)] = true;
    s.left.col(i) = U.col(best).normalized();
  }
  return s;
}

// Henrici's departure from normality, sqrt(||J||_F^2 - sum |lambda_i|^2), computed as the
// Frobenius norm of the strictly upper triangle of the complex Schur form (no cancellation).
inline double henrici_departure(const Eigen::MatrixXd& J) {
  Eigen::ComplexSchur<Eigen::MatrixXcd> schur(J.cast<std::complex<double>>());
  const Eigen::MatrixXcd& T = schur.matrixT();
  return T.triangularView<Eigen::StrictlyUpper>().toDenseMatrix().norm();
}

}  // namespace neohebb::sdk
