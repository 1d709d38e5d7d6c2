// Spectra of Jacobians known in closed form.
#include <cmath>

#include <gtest/gtest.h>
#include <neohebb/sdk/testing/analysis_testing.hpp>

#include "jacobian_spectrum.hpp"

namespace {
using neohebb::plugins::JacobianSpectrum;
using namespace neohebb::sdk;
using namespace neohebb::sdk::testing;

JacobianSpectrum make(ParamSet overrides = {}) {
  return JacobianSpectrum(defaults_of(JacobianSpectrum::schema(), overrides));
}

AnalysisResults with_points(const Eigen::MatrixXd& points) {
  AnalysisResults r;
  r["fixed_points"]["points"] = points;
  return r;
}

// Linear network: J = W - I everywhere. W = [[0, -2], [2, 0]] rotates: eigenvalues -1 +- 2i.
TEST(JacobianSpectrum, LinearNetworkHasTheEigenvaluesOfWMinusI) {
  Eigen::MatrixXd W(2, 2), W_in = Eigen::MatrixXd::Zero(2, 1), W_out = Eigen::MatrixXd::Ones(1, 2);
  W << 0, -2, 2, 0;
  const TrainedNetwork net{W, W_in, W_out, linear_neuron()};
  const auto r = run_analysis(make(), net, {}, with_points(Eigen::MatrixXd::Zero(1, 2)));
  const Eigen::MatrixXd re = r.complex_at("fixed_point_eigenvalues").real(),
                        im = r.complex_at("fixed_point_eigenvalues").imag();
  ASSERT_EQ(re.rows(), 1);
  EXPECT_NEAR(re(0, 0), -1.0, 1e-12);
  EXPECT_NEAR(re(0, 1), -1.0, 1e-12);
  EXPECT_NEAR(im(0, 0), 2.0, 1e-12);  // descending imaginary part among equal real parts
  EXPECT_NEAR(im(0, 1), -2.0, 1e-12);
  // Each written eigenvector satisfies J v = lambda v.
  const Eigen::MatrixXcd& V = r.complex_at("eigenvectors_0");
  const Eigen::MatrixXd J = W - Eigen::MatrixXd::Identity(2, 2);
  for (int i = 0; i < 2; ++i) {
    const std::complex<double> lambda(re(0, i), im(0, i));
    EXPECT_LT((J.cast<std::complex<double>>() * V.col(i) - lambda * V.col(i)).norm(), 1e-12);
    EXPECT_NEAR(V.col(i).norm(), 1.0, 1e-12);
  }
}

// Tanh pair W = (w/2) 1 1^T at +-(x*, x*): eigenvalues w sech^2(x*) - 1 and -1; at the origin
// w - 1 and -1.
TEST(JacobianSpectrum, TanhPairAtItsFixedPoints) {
  const double w = 2.0, xs = 1.9150080481545;  // x* = 2 tanh(x*)
  Eigen::MatrixXd W = Eigen::MatrixXd::Constant(2, 2, w / 2), W_in = Eigen::MatrixXd::Zero(2, 1),
                  W_out = Eigen::MatrixXd::Ones(1, 2);
  const TrainedNetwork net{W, W_in, W_out, tanh_neuron()};
  Eigen::MatrixXd points(2, 2);
  points << 0, 0, xs, xs;
  const auto r = run_analysis(make(), net, {}, with_points(points));
  const Eigen::MatrixXd re = r.complex_at("fixed_point_eigenvalues").real();
  EXPECT_NEAR(re(0, 0), w - 1, 1e-12);
  EXPECT_NEAR(re(0, 1), -1, 1e-12);
  const double sech2 = 1 / (std::cosh(xs) * std::cosh(xs));
  EXPECT_NEAR(re(1, 0), w * sech2 - 1, 1e-9);
  EXPECT_NEAR(re(1, 1), -1, 1e-12);
  EXPECT_EQ(r.complex_at("fixed_point_eigenvalues").imag().norm(), 0.0);
}

TEST(JacobianSpectrum, SamplesAlongEachConditionsTrajectory) {
  Eigen::MatrixXd W = Eigen::MatrixXd::Constant(2, 2, 1.0), W_in = Eigen::MatrixXd::Zero(2, 1),
                  W_out = Eigen::MatrixXd::Ones(1, 2);
  const TrainedNetwork net{W, W_in, W_out, tanh_neuron()};
  Recording rec;
  rec.conditions = {"a", "b"};
  rec.mean_states = {Eigen::MatrixXd::Zero(2, 30), Eigen::MatrixXd::Constant(2, 30, 5.0)};
  ParamSet p;
  p.set("trajectory_samples", std::int64_t{4});
  const auto r = run_analysis(make(p), net, rec, with_points(Eigen::MatrixXd(0, 2)));
  ASSERT_EQ(r.complex_at("trajectory_eigenvalues").rows(), 8);
  EXPECT_TRUE(r.vectors.count("trajectory_step") && r.vectors.count("trajectory_condition"));
  EXPECT_EQ(r.at("trajectory_step")(3), 29.0);
  EXPECT_EQ(r.at("trajectory_condition")(4), 1.0);
  EXPECT_NEAR(r.complex_at("trajectory_eigenvalues")(0, 0).real(), 1.0,
              1e-12);  // J = 1 1^T - I at 0
  EXPECT_EQ(r.complex_at("fixed_point_eigenvalues").rows(), 0);
}

}  // namespace
