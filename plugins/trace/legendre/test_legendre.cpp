#include <gtest/gtest.h>

#include <cmath>

#include <neohebb/sdk/testing/derivative_check.hpp>

#include "legendre.hpp"

using namespace neohebb;

namespace {
sdk::ParamSet with(const std::string& name, sdk::ParamValue v) {
  sdk::ParamSet s;
  s.set(name, std::move(v));
  return sdk::defaults_of(plugins::Legendre<double>::schema(), s);
}
}  // namespace

TEST(Legendre, DerivativesMatchComplexStep) {
  for (std::int64_t degree : {0, 1, 2, 5, 12}) {
    const auto report = sdk::testing::check_derivatives<plugins::Legendre>(with("degree", degree));
    EXPECT_TRUE(report.ok()) << "degree " << degree << "\n" << report.table();
    EXPECT_EQ(report.rows.size(), 2u);
  }
}

TEST(Legendre, ScaledPostBasisDerivativesMatchComplexStep) {
  const auto report = sdk::testing::check_derivatives<plugins::Legendre>(with("post_scale", 0.2));
  EXPECT_TRUE(report.ok()) << report.table();
}

TEST(Legendre, BasisMatchesClosedForms) {
  plugins::Legendre<double> t(with("degree", std::int64_t{3}));
  Eigen::VectorXd x(4);
  x << 0.3, -0.7, 1.0, -1.0;
  Eigen::MatrixXd A(4, 4), dA(4, 4);
  t.pre_basis(x, A);
  t.pre_basis_derivative(x, dA);
  for (int j = 0; j < 4; ++j) {
    const double v = x(j);
    EXPECT_DOUBLE_EQ(A(j, 0), 1.0);
    EXPECT_DOUBLE_EQ(A(j, 1), v);
    EXPECT_NEAR(A(j, 2), (3 * v * v - 1) / 2, 1e-15);
    EXPECT_NEAR(A(j, 3), (5 * v * v * v - 3 * v) / 2, 1e-15);
    EXPECT_NEAR(dA(j, 3), (15 * v * v - 3) / 2, 1e-14);
  }
  EXPECT_EQ(t.pre_term_name(2), "P2(r)");
  EXPECT_EQ(t.post_term_name(3), "P3(d)");
}

// P_n(+-1) = (+-1)^n and P'_n(+-1) = (+-1)^(n+1) n (n + 1) / 2.
TEST(Legendre, ExactAtTheEndpoints) {
  plugins::Legendre<double> t(with("degree", std::int64_t{12}));
  Eigen::VectorXd x(2);
  x << 1.0, -1.0;
  Eigen::MatrixXd A(2, 13), dA(2, 13);
  t.pre_basis(x, A);
  t.pre_basis_derivative(x, dA);
  for (int n = 0; n <= 12; ++n) {
    const double sign = n % 2 ? -1.0 : 1.0, slope = n * (n + 1) / 2.0;
    EXPECT_NEAR(A(0, n), 1.0, 1e-14);
    EXPECT_NEAR(A(1, n), sign, 1e-14);
    EXPECT_EQ(dA(0, n), slope);
    EXPECT_EQ(dA(1, n), -sign * slope);
  }
  plugins::Legendre<sdk::Complex> tc(with("degree", std::int64_t{12}));
  const double h = 1e-30;
  Eigen::VectorXcd xc(1);
  xc << sdk::Complex(1.0, h);
  Eigen::MatrixXcd Ac(1, 13);
  tc.pre_basis(xc, Ac);
  for (int n = 0; n <= 12; ++n) EXPECT_NEAR(Ac(0, n).imag() / h, n * (n + 1) / 2.0, 1e-12);
}

TEST(Legendre, PostBasisIsScaled) {
  auto p = with("degree", std::int64_t{3});
  p.set("post_scale", 0.5);
  plugins::Legendre<double> t(p);
  Eigen::VectorXd d(1);
  d << 0.2;  // d / s = 0.4
  Eigen::MatrixXd B(1, 4), dB(1, 4);
  t.post_basis(d, B);
  t.post_basis_derivative(d, dB);
  EXPECT_NEAR(B(0, 3), (5 * 0.064 - 3 * 0.4) / 2, 1e-15);
  EXPECT_NEAR(dB(0, 3), (15 * 0.16 - 3) / 2 / 0.5, 1e-14);
}

TEST(Legendre, CoefficientsAreRowMajorByPreOrder) {
  std::vector<double> c(16, 0.0);
  c[3 * 4 + 1] = -1.0;  // P3(r) P1(d)
  auto p = with("coefficients", c);
  p.set("degree", std::int64_t{3});
  p.set("learnable", std::vector<std::int64_t>{1, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1});
  plugins::Legendre<double> t(p);
  EXPECT_DOUBLE_EQ(t.initial_coefficients()(3, 1), -1.0);
  EXPECT_DOUBLE_EQ(t.initial_coefficients()(1, 3), 0.0);
  EXPECT_FALSE(t.learnable(1, 2));
  EXPECT_TRUE(t.learnable(2, 1));
}

TEST(Legendre, RejectsWrongCoefficientCount) {
  try {
    plugins::Legendre<double> t(with("coefficients", std::vector<double>(35, 0.0)));
    FAIL() << "expected a ParameterError";
  } catch (const sdk::ParameterError& e) {
    EXPECT_EQ(e.parameter(), "coefficients");
    EXPECT_NE(std::string(e.what()).find("36"), std::string::npos);
  }
}
