#include <gtest/gtest.h>

#include <neohebb/sdk/testing/derivative_check.hpp>

#include "monomial.hpp"

using namespace neohebb;

namespace {
sdk::ParamSet with(const std::string& name, sdk::ParamValue v) {
  sdk::ParamSet s;
  s.set(name, std::move(v));
  return sdk::defaults_of(plugins::Monomial<double>::schema(), s);
}
}  // namespace

TEST(Monomial, DerivativesMatchComplexStep) {
  const auto report = sdk::testing::check_derivatives<plugins::Monomial>(
      sdk::defaults_of(plugins::Monomial<double>::schema()));
  EXPECT_TRUE(report.ok()) << report.table();
  EXPECT_EQ(report.rows.size(), 2u);
}

TEST(Monomial, ScaledPostBasisDerivativesMatchComplexStep) {
  const auto report = sdk::testing::check_derivatives<plugins::Monomial>(with("post_scale", 0.2));
  EXPECT_TRUE(report.ok()) << report.table();
}

TEST(Monomial, BasisIsPowers) {
  plugins::Monomial<double> m(with("degree", std::int64_t{3}));
  Eigen::VectorXd r(2);
  r << 0.5, -2.0;
  Eigen::MatrixXd A(2, 4);
  m.pre_basis(r, A);
  EXPECT_DOUBLE_EQ(A(0, 0), 1.0);
  EXPECT_DOUBLE_EQ(A(0, 3), 0.125);
  EXPECT_DOUBLE_EQ(A(1, 2), 4.0);
  EXPECT_EQ(m.pre_term_name(2), "r^2");
}

TEST(Monomial, CoefficientsAreRowMajorByPrePower) {
  std::vector<double> c(36, 0.0);
  c[3 * 6 + 3] = -1.0;  // r^3 d^3
  c[1 * 6 + 2] = 0.5;   // r^1 d^2
  plugins::Monomial<double> m(with("coefficients", c));
  EXPECT_DOUBLE_EQ(m.initial_coefficients()(3, 3), -1.0);
  EXPECT_DOUBLE_EQ(m.initial_coefficients()(1, 2), 0.5);
  EXPECT_TRUE(m.learnable(0, 5));
}

TEST(Monomial, RejectsWrongCoefficientCount) {
  try {
    plugins::Monomial<double> m(with("coefficients", std::vector<double>{1.0, 2.0}));
    FAIL() << "expected a ParameterError";
  } catch (const sdk::ParameterError& e) {
    EXPECT_EQ(e.parameter(), "coefficients");
    EXPECT_NE(std::string(e.what()).find("36"), std::string::npos);
  }
}
