// p = (-J)^-1 W_in against the finite-difference change of the steady state reached by
// integrating the dynamics with the input nudged up and down.
#include <cmath>

#include <gtest/gtest.h>
#include <neohebb/sdk/testing/analysis_testing.hpp>

#include "input_sensitivity.hpp"

namespace {
using neohebb::plugins::InputSensitivity;
using namespace neohebb::sdk;
using namespace neohebb::sdk::testing;

// The state dx/dt = F(x) settles to from x0 (forward Euler, dt = 0.05 tau, to |F| < 1e-13).
Eigen::VectorXd steady_state(const TrainedNetwork& net, const Eigen::VectorXd& u,
                             Eigen::VectorXd x) {
  Eigen::VectorXd F(x.size());
  for (int step = 0; step < 2'000'000; ++step) {
    net.velocity(x, u, F);
    if (F.norm() < 1e-13) return x;
    x += 0.05 * F;
  }
  ADD_FAILURE() << "the dynamics did not settle";
  return x;
}

TEST(InputSensitivity, MatchesTheFiniteDifferenceSteadyStateResponse) {
  Eigen::MatrixXd W(3, 3), W_in(3, 2), W_out(1, 3);
  W << 1.2, -0.4, 0.3, 0.5, 0.8, -0.6, 0.1, 0.7, 0.9;
  W_in << 0.5, -0.2, 0.1, 0.4, -0.3, 0.6;
  W_out << 1.0, -1.0, 0.5;
  const TrainedNetwork net{W, W_in, W_out, tanh_neuron()};
  // Dynamic-size: with a fixed-size Vector2d, GCC 12's AVX-512 inlining reports a false
  // -Warray-bounds on the conversion to VectorXd.
  const Eigen::VectorXd u = (Eigen::VectorXd(2) << 0.2, -0.1).finished();
  const Eigen::VectorXd x_star = steady_state(net, u, Eigen::VectorXd::Constant(3, 0.5));
  AnalysisResults earlier;
  earlier["fixed_points"]["points"] = x_star.transpose();
  earlier["fixed_points"]["is_fixed"] = Eigen::VectorXd::Ones(1);
  earlier["fixed_points"]["stable"] = Eigen::VectorXd::Ones(1);
  const auto r =
      run_analysis(InputSensitivity(defaults_of(InputSensitivity::schema())), net, {}, earlier);
  const double h = 1e-5;
  Eigen::VectorXd slope(3);
  tanh_neuron().rate_derivative(x_star, slope);
  for (int j = 0; j < 2; ++j) {
    Eigen::VectorXd du = Eigen::VectorXd::Zero(2);
    du(j) = h;
    const Eigen::VectorXd fd =
        (steady_state(net, u + du, x_star) - steady_state(net, u - du, x_star)) / (2 * h);
    const Eigen::VectorXd p = r.at("sensitivity_" + std::to_string(j)).row(0).transpose();
    EXPECT_LT((p - fd).norm(), 1e-6 * fd.norm())
        << "input " << j << "\np  = " << p.transpose() << "\nfd = " << fd.transpose();
    EXPECT_NEAR(r.at("readout_sensitivity")(0, j), (W_out * slope.asDiagonal() * fd)(0),
                1e-6 * fd.norm());
  }
  EXPECT_EQ(r.at("fixed_point_index")(0), 0.0);
}

// Linear network: p = (I - W)^-1 W_in everywhere; clamped units do not respond.
TEST(InputSensitivity, LinearNetworkClosedFormAndClampedUnits) {
  Eigen::MatrixXd W(2, 2), W_in(2, 1), W_out = Eigen::MatrixXd::Ones(1, 2);
  W << 0.5, 0.2, 0.3, -0.4;
  W_in << 1.0, 2.0;
  TrainedNetwork net{W, W_in, W_out, linear_neuron()};
  AnalysisResults earlier;
  earlier["fixed_points"]["points"] = Eigen::MatrixXd::Zero(2, 2);
  earlier["fixed_points"]["is_fixed"] = Eigen::MatrixXd::Ones(2, 1);
  earlier["fixed_points"]["stable"] = (Eigen::MatrixXd(2, 1) << 0, 1).finished();  // the second
  const InputSensitivity a(defaults_of(InputSensitivity::schema()));
  const auto r = run_analysis(a, net, {}, earlier);
  ASSERT_EQ(r.at("sensitivity_0").rows(), 1);
  EXPECT_EQ(r.at("fixed_point_index")(0), 1.0);
  const Eigen::Vector2d p = (Eigen::Matrix2d::Identity() - W).inverse() * W_in;
  EXPECT_LT((r.at("sensitivity_0").row(0).transpose() - p).norm(), 1e-12);
  net.clamped_units = {1};
  net.clamped_values = {0.0};
  const auto c = run_analysis(a, net, {}, earlier);
  EXPECT_NEAR(c.at("sensitivity_0")(0, 0), 1.0 / 0.5, 1e-12);  // x0 = 0.5 x0 + u
  EXPECT_EQ(c.at("sensitivity_0")(0, 1), 0.0);
}

}  // namespace
