// Fixed points of networks whose fixed points are known in closed form.
#include <cmath>

#include <gtest/gtest.h>
#include <neohebb/sdk/testing/analysis_testing.hpp>

#include "fixed_points.hpp"

namespace {
using neohebb::plugins::FixedPoints;
using namespace neohebb::sdk;
using namespace neohebb::sdk::testing;

FixedPoints make(ParamSet overrides = {}) {
  return FixedPoints(defaults_of(FixedPoints::schema(), overrides));
}

// The positive root of x = w tanh(x) (w > 1), by bisection.
double self_excited_root(double w) {
  double lo = 1e-6, hi = w;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (mid - w * std::tanh(mid) < 0 ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

// Linear network: F(x) = (W - I) x + W_in u, one fixed point x* = (I - W)^-1 W_in u.
TEST(FixedPoints, LinearNetworkHasItsClosedFormFixedPoint) {
  Eigen::MatrixXd W(3, 3), W_in(3, 1), W_out = Eigen::MatrixXd::Ones(1, 3);
  W << 0.2, -0.3, 0.1, 0.4, 0.1, 0.0, -0.2, 0.3, 0.5;
  W_in << 1.0, -0.5, 2.0;
  const TrainedNetwork net{W, W_in, W_out, linear_neuron()};
  ParamSet p;
  p.set("input", std::vector<double>{0.7});
  const auto r = run_analysis(make(p), net);
  ASSERT_EQ(r.at("points").rows(), 1);
  const Eigen::VectorXd expected =
      (Eigen::MatrixXd::Identity(3, 3) - W).partialPivLu().solve(W_in * 0.7);
  EXPECT_LT((r.at("points").row(0).transpose() - expected).norm(), 1e-9);
  EXPECT_EQ(r.at("is_fixed")(0), 1.0);
  // Eigenvalues of W - I all have Re < 0 here (spectral radius of W below 1).
  EXPECT_EQ(r.at("stable")(0), 1.0);
  EXPECT_EQ(r.scalars.at("fixed_points"), 1.0);
  EXPECT_EQ(r.scalars.at("slow_points"), 0.0);
}

TEST(FixedPoints, LinearNetworkWithAGrowingModeIsUnstable) {
  Eigen::MatrixXd W = Eigen::MatrixXd::Zero(2, 2), W_in = Eigen::MatrixXd::Zero(2, 1),
                  W_out = Eigen::MatrixXd::Ones(1, 2);
  W(0, 0) = 1.5;  // eigenvalue of J: 0.5
  W(1, 1) = 0.5;  // eigenvalue of J: -0.5
  const TrainedNetwork net{W, W_in, W_out, linear_neuron()};
  const auto r = run_analysis(make(), net);
  ASSERT_EQ(r.at("points").rows(), 1);
  EXPECT_LT(r.at("points").norm(), 1e-9);
  EXPECT_EQ(r.at("stable")(0), 0.0);
  EXPECT_NEAR(r.at("max_real_eigenvalue")(0), 0.5, 1e-12);
  EXPECT_EQ(r.at("unstable_dimensions")(0), 1.0);
}

// Two units exciting each other and themselves, W = (w/2) 1 1^T: x1 = x2 = s with s = w tanh(s),
// so exactly three fixed points, 0 (a saddle: eigenvalues -1, w - 1) and +-(x*, x*) (stable:
// eigenvalues -1, w sech^2(x*) - 1 < 0).
TEST(FixedPoints, SymmetricTanhPairHasThreeFixedPointsWithKnownStability) {
  const double w = 2.0, xs = self_excited_root(w);
  Eigen::MatrixXd W = Eigen::MatrixXd::Constant(2, 2, w / 2), W_in = Eigen::MatrixXd::Zero(2, 1),
                  W_out = Eigen::MatrixXd::Ones(1, 2);
  const TrainedNetwork net{W, W_in, W_out, tanh_neuron()};
  const auto r = run_analysis(make(), net);
  ASSERT_EQ(r.scalars.at("fixed_points"), 3.0);
  int found_origin = 0, found_plus = 0, found_minus = 0;
  for (Eigen::Index m = 0; m < r.at("points").rows(); ++m) {
    if (r.at("is_fixed")(m) == 0) continue;
    const Eigen::Vector2d x = r.at("points").row(m).transpose();
    if (x.norm() < 1e-6) {
      ++found_origin;
      EXPECT_EQ(r.at("stable")(m), 0.0);
      EXPECT_NEAR(r.at("max_real_eigenvalue")(m), w - 1, 1e-9);
    } else {
      EXPECT_NEAR(std::abs(x(0)), xs, 1e-8);
      EXPECT_NEAR(x(0), x(1), 1e-8);
      (x(0) > 0 ? found_plus : found_minus)++;
      EXPECT_EQ(r.at("stable")(m), 1.0);
      const double sech2 = 1.0 / (std::cosh(xs) * std::cosh(xs));
      EXPECT_NEAR(r.at("max_real_eigenvalue")(m), -std::min(1.0, 1.0 - w * sech2), 1e-9);
    }
  }
  EXPECT_EQ(found_origin, 1);
  EXPECT_EQ(found_plus, 1);
  EXPECT_EQ(found_minus, 1);
}

// Two uncoupled self-exciting units: 3 x 3 fixed points, 4 stable, 4 saddles, the origin a source.
TEST(FixedPoints, UncoupledTanhPairHasNineFixedPoints) {
  Eigen::MatrixXd W = 2.0 * Eigen::MatrixXd::Identity(2, 2), W_in = Eigen::MatrixXd::Zero(2, 1),
                  W_out = Eigen::MatrixXd::Ones(1, 2);
  const TrainedNetwork net{W, W_in, W_out, tanh_neuron()};
  const auto r = run_analysis(make(), net);
  EXPECT_EQ(r.scalars.at("fixed_points"), 9.0);
  EXPECT_EQ(r.scalars.at("stable_fixed_points"), 4.0);
  int saddles = 0, sources = 0;
  for (Eigen::Index m = 0; m < r.at("points").rows(); ++m) {
    saddles += r.at("unstable_dimensions")(m) == 1;
    sources += r.at("unstable_dimensions")(m) == 2;
  }
  EXPECT_EQ(saddles, 4);
  EXPECT_EQ(sources, 1);
}

// One self-exciting unit with a bias past the saddle-node: F(x) = -x + 2 tanh(x) - 0.6 has one
// root (x < 0) and a ghost where F' = 0, x_g = acosh(sqrt 2): a slow point with q = F(x_g)^2 / 2.
TEST(FixedPoints, GhostOfASaddleNodeIsASlowPoint) {
  Eigen::MatrixXd W = Eigen::MatrixXd::Constant(1, 1, 2.0), W_in = Eigen::MatrixXd::Ones(1, 1),
                  W_out = Eigen::MatrixXd::Ones(1, 1);
  const TrainedNetwork net{W, W_in, W_out, tanh_neuron()};
  ParamSet p;
  p.set("input", std::vector<double>{-0.6});
  const auto r = run_analysis(make(p), net);
  EXPECT_EQ(r.scalars.at("fixed_points"), 1.0);
  ASSERT_EQ(r.scalars.at("slow_points"), 1.0);
  const double xg = std::acosh(std::sqrt(2.0)), Fg = -xg + 2 * std::tanh(xg) - 0.6;
  for (Eigen::Index m = 0; m < r.at("points").rows(); ++m) {
    if (r.at("is_fixed")(m) == 1) {
      EXPECT_LT(r.at("points")(m, 0), 0.0);
      EXPECT_EQ(r.at("stable")(m), 1.0);
    } else {
      EXPECT_NEAR(r.at("points")(m, 0), xg, 1e-4);
      EXPECT_NEAR(r.at("q")(m), 0.5 * Fg * Fg, 1e-8);
    }
  }
}

// A clamped unit is not a state variable: it stays at its value and adds eigenvalue -1.
TEST(FixedPoints, ClampedUnitsStayAtTheirValues) {
  Eigen::MatrixXd W(2, 2), W_in = Eigen::MatrixXd::Zero(2, 1), W_out = Eigen::MatrixXd::Ones(1, 2);
  W << 0.5, 1.0, 3.0, 0.0;
  TrainedNetwork net{W, W_in, W_out, linear_neuron()};
  net.clamped_units = {1};
  net.clamped_values = {2.0};
  const auto r = run_analysis(make(), net);
  ASSERT_EQ(r.at("points").rows(), 1);
  EXPECT_NEAR(r.at("points")(0, 0), 4.0, 1e-9);  // x0 = 0.5 x0 + 1.0 * 2
  EXPECT_EQ(r.at("points")(0, 1), 2.0);
  EXPECT_NEAR(r.at("max_real_eigenvalue")(0), -0.5, 1e-12);
}

TEST(FixedPoints, StartsFromVisitedStatesAreUsedAndSeeded) {
  Eigen::MatrixXd W = 2.0 * Eigen::MatrixXd::Identity(2, 2), W_in = Eigen::MatrixXd::Zero(2, 1),
                  W_out = Eigen::MatrixXd::Ones(1, 2);
  const TrainedNetwork net{W, W_in, W_out, tanh_neuron()};
  Recording rec;
  rec.visited_states = Eigen::MatrixXd::Constant(2, 5, 1.9);  // near (x*, x*)
  ParamSet p;
  p.set("visited_fraction", 1.0);
  p.set("starts", std::int64_t{10});
  const auto r = run_analysis(make(p), net, rec);
  EXPECT_EQ(r.scalars.at("fixed_points"), 1.0);  // all starts end at (x*, x*)
  EXPECT_GT(r.at("points")(0, 0), 1.0);
  const auto again = run_analysis(make(p), net, rec);
  EXPECT_EQ(again.at("points"), r.at("points"));
}

TEST(FixedPoints, AnInputOfTheWrongSizeNamesTheParameter) {
  Eigen::MatrixXd W = Eigen::MatrixXd::Zero(2, 2), W_in = Eigen::MatrixXd::Zero(2, 1),
                  W_out = Eigen::MatrixXd::Ones(1, 2);
  const TrainedNetwork net{W, W_in, W_out, linear_neuron()};
  ParamSet p;
  p.set("input", std::vector<double>{1.0, 2.0});
  try {
    run_analysis(make(p), net);
    FAIL() << "expected a ParameterError";
  } catch (const ParameterError& e) {
    EXPECT_EQ(e.parameter(), "input");
  }
}

}  // namespace
