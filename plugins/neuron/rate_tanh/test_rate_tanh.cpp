#include <gtest/gtest.h>

#include <neohebb/sdk/testing/derivative_check.hpp>

#include "rate_tanh.hpp"

using namespace neohebb;

TEST(RateTanh, DerivativesMatchComplexStep) {
  const auto params = sdk::defaults_of(plugins::RateTanh<double>::schema());
  const auto report = sdk::testing::check_derivatives<plugins::RateTanh>(params);
  EXPECT_TRUE(report.ok()) << report.table();
}

TEST(RateTanh, EulerStepMatchesDefinition) {
  const auto params = sdk::defaults_of(plugins::RateTanh<double>::schema());
  plugins::RateTanh<double> neuron(params);
  Eigen::VectorXd x(2), I(2), out(2);
  x << 0.5, -1.0;
  I << 1.0, 0.0;
  neuron.step(x, I, out);
  EXPECT_DOUBLE_EQ(out(0), 0.5 + (1.0 / 30.0) * (1.0 - 0.5));
  EXPECT_DOUBLE_EQ(out(1), -1.0 + (1.0 / 30.0) * (0.0 + 1.0));
}

TEST(RateTanh, RejectsStepLongerThanTimeConstant) {
  sdk::ParamSet over;
  over.set("dt", 40.0);
  const auto params = sdk::defaults_of(plugins::RateTanh<double>::schema(), over);
  EXPECT_THROW(plugins::RateTanh<double>{params}, sdk::ParameterError);
}

TEST(RateTanh, FastRateMatchesStdTanh) {
  plugins::RateTanh<double> neuron(sdk::defaults_of(plugins::RateTanh<double>::schema()));
  Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(2001, -400.0, 400.0), r(2001);
  x.head(5) << -1e-12, 1e-12, 0.0, -20.0, 20.0;
  neuron.rate(x, r);
  for (Eigen::Index i = 0; i < x.size(); ++i) EXPECT_NEAR(r(i), std::tanh(x(i)), 4e-16) << x(i);
}
