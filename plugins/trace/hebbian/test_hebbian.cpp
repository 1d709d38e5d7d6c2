#include <gtest/gtest.h>

#include <neohebb/sdk/testing/derivative_check.hpp>

#include "hebbian.hpp"

using namespace neohebb;

TEST(Hebbian, DerivativesMatchComplexStep) {
  const auto report = sdk::testing::check_derivatives<plugins::Hebbian>(
      sdk::defaults_of(plugins::Hebbian<double>::schema()));
  EXPECT_TRUE(report.ok()) << report.table();
  EXPECT_EQ(report.rows.size(), 2u);
}

// theta * a(r) * b(d) with d = xbar - x must equal scale * r (x - xbar).
TEST(Hebbian, EqualsHebbianIncrementInHostConvention) {
  sdk::ParamSet p;
  p.set("scale", 2.5);
  p.set("learnable", true);
  plugins::Hebbian<double> trace(sdk::defaults_of(plugins::Hebbian<double>::schema(), p));
  const double r = 0.7, x = 0.3, xbar = 0.1, d = xbar - x;
  Eigen::VectorXd rv(1), dv(1);
  rv << r;
  dv << d;
  Eigen::MatrixXd A(1, 1), B(1, 1);
  trace.pre_basis(rv, A);
  trace.post_basis(dv, B);
  const double f = trace.initial_coefficients()(0, 0) * A(0, 0) * B(0, 0);
  EXPECT_NEAR(f, 2.5 * r * (x - xbar), 1e-15);
  EXPECT_TRUE(trace.learnable(0, 0));
  EXPECT_EQ(trace.pre_term_name(0), "r");
  EXPECT_EQ(trace.post_term_name(0), "d");
}

TEST(Hebbian, DefaultsToAFixedUnitScale) {
  plugins::Hebbian<double> trace(sdk::defaults_of(plugins::Hebbian<double>::schema()));
  EXPECT_EQ(trace.initial_coefficients()(0, 0), -1.0);
  EXPECT_FALSE(trace.learnable(0, 0));
}
