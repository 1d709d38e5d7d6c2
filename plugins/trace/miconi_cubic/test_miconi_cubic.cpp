#include <gtest/gtest.h>

#include <neohebb/sdk/testing/derivative_check.hpp>

#include "miconi_cubic.hpp"

using namespace neohebb;

TEST(MiconiCubic, DerivativesMatchComplexStep) {
  for (const char* variant : {"product", "post_only"}) {
    sdk::ParamSet p;
    p.set("variant", std::string(variant));
    const auto report = sdk::testing::check_derivatives<plugins::MiconiCubic>(
        sdk::defaults_of(plugins::MiconiCubic<double>::schema(), p));
    EXPECT_TRUE(report.ok()) << variant << "\n" << report.table();
  }
}

// theta * a(r) * b(d) with d = xbar - x must equal Miconi's (r (x - xbar))^3.
TEST(MiconiCubic, EqualsMiconisIncrementInHostConvention) {
  plugins::MiconiCubic<double> trace(sdk::defaults_of(plugins::MiconiCubic<double>::schema()));
  const double r = 0.7, x = 0.3, xbar = 0.1, d = xbar - x;
  Eigen::VectorXd rv(1), dv(1);
  rv << r;
  dv << d;
  Eigen::MatrixXd A(1, 1), B(1, 1);
  trace.pre_basis(rv, A);
  trace.post_basis(dv, B);
  const double f = trace.initial_coefficients()(0, 0) * A(0, 0) * B(0, 0);
  EXPECT_NEAR(f, std::pow(r * (x - xbar), 3), 1e-15);
  EXPECT_FALSE(trace.learnable(0, 0));
}
