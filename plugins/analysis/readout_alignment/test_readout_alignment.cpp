// Readout overlaps with eigenvectors that are known: a diagonal Jacobian has the unit vectors as
// left and right eigenvectors; a triangular one has distinct left and right eigenvectors.
#include <cmath>

#include <gtest/gtest.h>
#include <neohebb/sdk/testing/analysis_testing.hpp>

#include "readout_alignment.hpp"

namespace {
using neohebb::plugins::ReadoutAlignment;
using namespace neohebb::sdk;
using namespace neohebb::sdk::testing;

MemorySink run(const Eigen::MatrixXd& W, const Eigen::MatrixXd& W_out,
               const NeuronModel<Real>& neuron, const Eigen::MatrixXd& points,
               const std::string& readout = "weights") {
  const Eigen::MatrixXd W_in = Eigen::MatrixXd::Zero(W.rows(), 1);
  const TrainedNetwork net{W, W_in, W_out, neuron};
  AnalysisResults earlier;
  earlier["fixed_points"]["points"] = points;
  ParamSet p;
  p.set("readout", readout);
  return run_analysis(ReadoutAlignment(defaults_of(ReadoutAlignment::schema(), p)), net, {},
                      earlier);
}

TEST(ReadoutAlignment, DiagonalJacobianOverlapsAreTheReadoutsDirectionCosines) {
  Eigen::MatrixXd W = Eigen::Vector3d(0.5, 0.2, -0.4).asDiagonal();  // J = diag(-.5, -.8, -1.4)
  Eigen::MatrixXd W_out(2, 3);
  W_out << 3, 4, 0, 0, 0, 2;
  const auto r = run(W, W_out, linear_neuron(), Eigen::MatrixXd::Zero(1, 3));
  // Eigenvalue order (descending real part) is units 0, 1, 2.
  EXPECT_NEAR(r.at("right_overlap_0")(0, 0), 0.6, 1e-12);
  EXPECT_NEAR(r.at("right_overlap_0")(0, 1), 0.8, 1e-12);
  EXPECT_NEAR(r.at("right_overlap_0")(0, 2), 0.0, 1e-12);
  EXPECT_NEAR(r.at("left_overlap_1")(0, 2), 1.0, 1e-12);
  EXPECT_EQ(r.scalars.at("outputs"), 2.0);
}

// J = [[a, b], [0, c]], a > c: right eigenvectors (1, 0) and (b, c - a) normalised; left
// eigenvectors (a - c, b) and (0, 1) normalised.
TEST(ReadoutAlignment, TriangularJacobianSeparatesLeftAndRight) {
  const double a = -0.2, b = 1.0, c = -1.0;
  Eigen::MatrixXd W(2, 2);
  W << 1 + a, b, 0, 1 + c;
  const Eigen::MatrixXd W_out = Eigen::RowVector2d(1.0, 0.0);
  const auto r = run(W, W_out, linear_neuron(), Eigen::MatrixXd::Zero(1, 2));
  EXPECT_NEAR(r.at("right_overlap_0")(0, 0), 1.0, 1e-12);
  EXPECT_NEAR(r.at("right_overlap_0")(0, 1), std::abs(b) / std::hypot(b, c - a), 1e-12);
  EXPECT_NEAR(r.at("left_overlap_0")(0, 0), std::abs(a - c) / std::hypot(a - c, b), 1e-12);
  EXPECT_NEAR(r.at("left_overlap_0")(0, 1), 0.0, 1e-12);
}

// 'linearized' weighs the readout by phi'(x*): at a saturated unit it sees nothing.
TEST(ReadoutAlignment, LinearizedReadoutIsWeightedByTheSlope) {
  Eigen::MatrixXd W = Eigen::Vector2d(0.5, 0.1).asDiagonal();
  const Eigen::MatrixXd W_out = Eigen::RowVector2d(1.0, 1.0);
  Eigen::MatrixXd point(1, 2);
  point << 0.0, 30.0;  // unit 1 saturated: phi'(30) ~ 0
  const auto r = run(W, W_out, tanh_neuron(), point, "linearized");
  // J = diag(-0.5, -1): eigenvalue order unit 0, unit 1.
  EXPECT_NEAR(r.at("right_overlap_0")(0, 0), 1.0, 1e-12);
  EXPECT_NEAR(r.at("right_overlap_0")(0, 1), 0.0, 1e-12);
}

}  // namespace
