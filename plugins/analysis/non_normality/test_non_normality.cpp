// Henrici's departure from normality for matrices where it is known: 0 for normal matrices,
// sqrt(n - 1) for an n x n Jordan block.
#include <cmath>

#include <gtest/gtest.h>
#include <neohebb/sdk/testing/analysis_testing.hpp>

#include "non_normality.hpp"

namespace {
using neohebb::plugins::NonNormality;
using namespace neohebb::sdk;
using namespace neohebb::sdk::testing;

// With phi(x) = x, J = W - I at every point: choosing W chooses J.
MemorySink henrici_of(const Eigen::MatrixXd& W) {
  const Eigen::MatrixXd W_in = Eigen::MatrixXd::Zero(W.rows(), 1),
                        W_out = Eigen::MatrixXd::Ones(1, W.rows());
  const TrainedNetwork net{W, W_in, W_out, linear_neuron()};
  AnalysisResults earlier;
  earlier["fixed_points"]["points"] = Eigen::MatrixXd::Zero(1, W.rows());
  return run_analysis(NonNormality({}), net, {}, earlier);
}

TEST(NonNormality, NormalMatricesHaveIndexZero) {
  Eigen::MatrixXd symmetric(3, 3), skew(3, 3);
  symmetric << 1, 2, 3, 2, -1, 0.5, 3, 0.5, 0.2;
  skew << 0, 1, -2, -1, 0, 3, 2, -3, 0;
  for (const Eigen::MatrixXd& W :
       {symmetric, skew, Eigen::MatrixXd(Eigen::MatrixXd::Identity(4, 4))}) {
    const auto r = henrici_of(W);
    EXPECT_LT(r.at("henrici")(0), 1e-12);
    EXPECT_LT(r.at("henrici_normalized")(0), 1e-12);
    EXPECT_LT(r.scalars.at("weights_henrici"), 1e-12);
  }
  // A rotation plus a multiple of the identity is normal too (its eigenvalues are complex).
  Eigen::MatrixXd rotation(2, 2);
  rotation << 0.3, -2, 2, 0.3;
  EXPECT_LT(henrici_of(rotation).at("henrici")(0), 1e-12);
}

// J = W - I with W = (1 + lambda) I + N, N the nilpotent shift: a Jordan block with eigenvalue
// lambda, ||J||_F^2 = n lambda^2 + (n - 1), departure sqrt(n - 1).
TEST(NonNormality, JordanBlockHasIndexSqrtNMinusOne) {
  for (int n : {2, 3, 5}) {
    const double lambda = -0.5;
    Eigen::MatrixXd W = (1 + lambda) * Eigen::MatrixXd::Identity(n, n);
    for (int i = 0; i + 1 < n; ++i) W(i, i + 1) = 1.0;
    const auto r = henrici_of(W);
    EXPECT_NEAR(r.at("henrici")(0), std::sqrt(n - 1.0), 1e-7) << "n = " << n;
    EXPECT_NEAR(r.at("henrici_normalized")(0),
                std::sqrt(n - 1.0) / std::sqrt(n * lambda * lambda + n - 1.0), 1e-7);
  }
}

// A triangular matrix's departure is the norm of its strictly upper part.
TEST(NonNormality, TriangularMatrixDepartureIsItsStrictlyUpperNorm) {
  Eigen::MatrixXd W(3, 3);
  W << 0.1, 2, -1, 0, 0.4, 3, 0, 0, -0.7;
  const auto r = henrici_of(W);
  EXPECT_NEAR(r.at("henrici")(0), std::sqrt(4.0 + 1.0 + 9.0), 1e-10);
  EXPECT_NEAR(r.scalars.at("weights_henrici"), std::sqrt(14.0), 1e-10);
}

}  // namespace
