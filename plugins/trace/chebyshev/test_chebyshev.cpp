#include <gtest/gtest.h>

#include <cmath>

#include <neohebb/sdk/testing/derivative_check.hpp>

#include "chebyshev.hpp"

using namespace neohebb;

namespace {
sdk::ParamSet with(const std::string& name, sdk::ParamValue v) {
  sdk::ParamSet s;
  s.set(name, std::move(v));
  return sdk::defaults_of(plugins::Chebyshev<double>::schema(), s);
}
}  // namespace

TEST(Chebyshev, DerivativesMatchComplexStep) {
  for (std::int64_t degree : {0, 1, 2, 5, 12}) {
    const auto report = sdk::testing::check_derivatives<plugins::Chebyshev>(with("degree", degree));
    EXPECT_TRUE(report.ok()) << "degree " << degree << "\n" << report.table();
    EXPECT_EQ(report.rows.size(), 2u);
  }
}

TEST(Chebyshev, ScaledPostBasisDerivativesMatchComplexStep) {
  const auto report = sdk::testing::check_derivatives<plugins::Chebyshev>(with("post_scale", 0.2));
  EXPECT_TRUE(report.ok()) << report.table();
}

TEST(Chebyshev, BasisMatchesClosedForms) {
  plugins::Chebyshev<double> t(with("degree", std::int64_t{3}));
  Eigen::VectorXd x(4);
  x << 0.3, -0.7, 1.0, -1.0;
  Eigen::MatrixXd A(4, 4), dA(4, 4);
  t.pre_basis(x, A);
  t.pre_basis_derivative(x, dA);
  for (int j = 0; j < 4; ++j) {
    const double v = x(j);
    EXPECT_DOUBLE_EQ(A(j, 0), 1.0);
    EXPECT_DOUBLE_EQ(A(j, 1), v);
    EXPECT_NEAR(A(j, 2), 2 * v * v - 1, 1e-15);
    EXPECT_NEAR(A(j, 3), 4 * v * v * v - 3 * v, 1e-15);
    EXPECT_NEAR(dA(j, 3), 12 * v * v - 3, 1e-14);
  }
  EXPECT_EQ(t.pre_term_name(3), "T3(r)");
  EXPECT_EQ(t.post_term_name(0), "T0(d)");
}

// T_n(+-1) = (+-1)^n and T'_n(+-1) = (+-1)^(n+1) n^2: the recurrence has no 1/sqrt(1 - x^2).
TEST(Chebyshev, ExactAtTheEndpoints) {
  plugins::Chebyshev<double> t(with("degree", std::int64_t{12}));
  Eigen::VectorXd x(2);
  x << 1.0, -1.0;
  Eigen::MatrixXd A(2, 13), dA(2, 13);
  t.pre_basis(x, A);
  t.pre_basis_derivative(x, dA);
  for (int n = 0; n <= 12; ++n) {
    const double sign = n % 2 ? -1.0 : 1.0;
    EXPECT_EQ(A(0, n), 1.0);
    EXPECT_EQ(A(1, n), sign);
    EXPECT_EQ(dA(0, n), n * n);
    EXPECT_EQ(dA(1, n), -sign * n * n);
  }
  // The complex instance differentiates through the endpoint too.
  plugins::Chebyshev<sdk::Complex> tc(with("degree", std::int64_t{12}));
  const double h = 1e-30;
  Eigen::VectorXcd xc(1);
  xc << sdk::Complex(1.0, h);
  Eigen::MatrixXcd Ac(1, 13);
  tc.pre_basis(xc, Ac);
  for (int n = 0; n <= 12; ++n) EXPECT_DOUBLE_EQ(Ac(0, n).imag() / h, n * n);
}

TEST(Chebyshev, PostBasisIsScaled) {
  auto p = with("degree", std::int64_t{3});
  p.set("post_scale", 0.5);
  plugins::Chebyshev<double> t(p);
  Eigen::VectorXd d(1);
  d << 0.2;  // d / s = 0.4
  Eigen::MatrixXd B(1, 4), dB(1, 4);
  t.post_basis(d, B);
  t.post_basis_derivative(d, dB);
  EXPECT_NEAR(B(0, 3), 4 * 0.064 - 3 * 0.4, 1e-15);
  EXPECT_NEAR(dB(0, 3), (12 * 0.16 - 3) / 0.5, 1e-14);
}

TEST(Chebyshev, CoefficientsAreRowMajorByPreOrder) {
  std::vector<double> c(36, 0.0);
  c[3 * 6 + 3] = -1.0;  // T3(r) T3(d)
  c[1 * 6 + 2] = 0.5;   // T1(r) T2(d)
  auto p = with("coefficients", c);
  std::vector<std::int64_t> m(36, 1);
  m[2 * 6 + 4] = 0;
  p.set("learnable", m);
  plugins::Chebyshev<double> t(p);
  EXPECT_DOUBLE_EQ(t.initial_coefficients()(3, 3), -1.0);
  EXPECT_DOUBLE_EQ(t.initial_coefficients()(1, 2), 0.5);
  EXPECT_DOUBLE_EQ(t.initial_coefficients()(2, 1), 0.0);
  EXPECT_FALSE(t.learnable(2, 4));
  EXPECT_TRUE(t.learnable(4, 2));
  plugins::Chebyshev<double> zero(with("degree", std::int64_t{2}));
  EXPECT_TRUE(zero.initial_coefficients().isZero());
  EXPECT_TRUE(zero.learnable(0, 2));
}

TEST(Chebyshev, RejectsWrongCounts) {
  try {
    plugins::Chebyshev<double> t(with("coefficients", std::vector<double>{1.0, 2.0}));
    FAIL() << "expected a ParameterError";
  } catch (const sdk::ParameterError& e) {
    EXPECT_EQ(e.parameter(), "coefficients");
    EXPECT_NE(std::string(e.what()).find("36"), std::string::npos);
  }
  try {
    plugins::Chebyshev<double> t(with("learnable", std::vector<std::int64_t>{1}));
    FAIL() << "expected a ParameterError";
  } catch (const sdk::ParameterError& e) {
    EXPECT_EQ(e.parameter(), "learnable");
  }
}
