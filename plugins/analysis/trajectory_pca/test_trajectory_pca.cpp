// PCA of trajectories built from known directions and amplitudes.
#include <cmath>

#include <gtest/gtest.h>
#include <neohebb/sdk/testing/analysis_testing.hpp>

#include "trajectory_pca.hpp"

namespace {
using neohebb::plugins::TrajectoryPca;
using namespace neohebb::sdk;
using namespace neohebb::sdk::testing;

// Two conditions moving along orthogonal directions e0 (amplitude 3) and e1 (amplitude 1) around
// an offset c: the components are e0 and e1, with variance ratio 9 : 1.
TEST(TrajectoryPca, RecoversKnownDirectionsAndVariances) {
  const int n = 4, T = 100;
  const Eigen::MatrixXd W = Eigen::MatrixXd::Zero(n, n), W_in = Eigen::MatrixXd::Zero(n, 1),
                        W_out = Eigen::MatrixXd::Ones(1, n);
  const TrainedNetwork net{W, W_in, W_out, linear_neuron()};
  const Eigen::Vector4d c(0.5, -1, 2, 0.25);
  Recording rec;
  rec.conditions = {"first", "second"};
  Eigen::MatrixXd a(n, T), b(n, T);
  for (int t = 0; t < T; ++t) {
    const double s = std::sin(2 * M_PI * t / T);
    a.col(t) = c + 3 * s * Eigen::Vector4d::UnitX();
    b.col(t) = c + 1 * s * Eigen::Vector4d::UnitY();
  }
  rec.mean_states = {a, b};
  AnalysisResults earlier;
  earlier["fixed_points"]["points"] = (c + Eigen::Vector4d::UnitX()).transpose();
  ParamSet p;
  p.set("components", std::int64_t{3});
  const auto r =
      run_analysis(TrajectoryPca(defaults_of(TrajectoryPca::schema(), p)), net, rec, earlier);
  const auto& comp = r.at("components");
  ASSERT_EQ(comp.rows(), 3);
  EXPECT_NEAR(comp(0, 0), 1.0, 1e-12);  // sign fixed: largest entry positive
  EXPECT_NEAR(std::abs(comp(1, 1)), 1.0, 1e-12);
  const auto& ratio = r.at("explained_variance_ratio");
  EXPECT_NEAR(ratio(0), 0.9, 1e-12);
  EXPECT_NEAR(ratio(1), 0.1, 1e-12);
  EXPECT_NEAR(ratio(2), 0.0, 1e-12);
  ASSERT_EQ(r.at("trajectory_0").rows(), T);
  ASSERT_EQ(r.at("trajectory_0").cols(), 3);
  EXPECT_NEAR(r.at("trajectory_0")(T / 4, 0), 3.0, 1e-12);  // sin = 1 at t = T/4
  EXPECT_NEAR(r.at("trajectory_1")(T / 4, 0), 0.0, 1e-12);
  EXPECT_NEAR(r.at("fixed_points")(0, 0), 1.0, 1e-12);
  EXPECT_NEAR(r.scalars.at("explained_variance_ratio_top2"), 1.0, 1e-12);
}

TEST(TrajectoryPca, WithoutTrajectoriesItSaysSo) {
  const Eigen::MatrixXd W = Eigen::MatrixXd::Zero(2, 2), W_in = Eigen::MatrixXd::Zero(2, 1),
                        W_out = Eigen::MatrixXd::Ones(1, 2);
  const TrainedNetwork net{W, W_in, W_out, linear_neuron()};
  EXPECT_THROW(run_analysis(TrajectoryPca(defaults_of(TrajectoryPca::schema())), net), Error);
}

}  // namespace
