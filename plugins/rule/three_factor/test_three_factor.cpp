#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>

#include <neohebb/sdk/testing/derivative_check.hpp>

#include "three_factor.hpp"

using namespace neohebb;

namespace {
sdk::ParamSet params(std::initializer_list<std::pair<const char*, sdk::ParamValue>> over) {
  sdk::ParamSet s;
  for (const auto& [k, v] : over) s.set(k, v);
  return sdk::defaults_of(plugins::ThreeFactor<double>::schema(), s);
}
}  // namespace

TEST(ThreeFactor, DerivativesMatchComplexStepInEveryMode) {
  for (const char* baseline : {"global", "per_condition", "none"})
    for (const char* modulation : {"plain", "baseline_magnitude"})
      for (const char* shape : {"hard", "smooth"}) {
        if (std::string(baseline) == "none" && std::string(modulation) != "plain") continue;
        const auto p = params({{"baseline", std::string(baseline)},
                               {"modulation", std::string(modulation)},
                               {"baseline_init", -0.5},
                               {"clip", 1e-2},
                               {"clip_shape", std::string(shape)}});
        const auto report = sdk::testing::check_derivatives<plugins::ThreeFactor>(p);
        EXPECT_TRUE(report.ok()) << baseline << "/" << modulation << "/" << shape << "\n"
                                 << report.table();
      }
}

// Miconi: dJ = clip(-ETA * Ebar_k * (E - Ebar_k) * hebb), Ebar_k <- 0.75 Ebar_k + 0.25 E.
TEST(ThreeFactor, ReproducesMiconisUpdateWithPerConditionBaseline) {
  plugins::ThreeFactor<double> rule(params({{"modulation", std::string("baseline_magnitude")},
                                            {"clip", 3e-4},
                                            {"warmup_trials", std::int64_t{101}}}));
  rule.begin_lifetime(4, 0);
  EXPECT_FALSE(rule.plastic(100));
  EXPECT_TRUE(rule.plastic(101));
  double ebar = 0;
  for (int h = 0; h < 3; ++h) {  // condition 1 only; other conditions untouched
    const double E = 0.9 - 0.1 * h;
    rule.end_trial({h, 1, -E}, nullptr);
    ebar = 0.75 * ebar + 0.25 * E;
  }
  EXPECT_NEAR(rule.baseline(1), -ebar, 1e-15);
  EXPECT_EQ(rule.baseline(0), 0.0);
  Eigen::MatrixXd e(1, 2), mu(1, 2), W = Eigen::MatrixXd::Zero(1, 2);
  e << 1e-3, 1.0;
  const double E = 0.5;
  rule.weight_update({200, 1, -E}, e, W, mu);
  EXPECT_NEAR(mu(0, 0), -0.1 * ebar * (E - ebar) * 1e-3, 1e-18);
  EXPECT_DOUBLE_EQ(mu(0, 1), -3e-4);  // clipped
}

TEST(ThreeFactor, TangentIsZeroWhereClipped) {
  plugins::ThreeFactor<double> rule(params({{"clip", 1e-3}, {"baseline", std::string("none")}}));
  rule.begin_lifetime(1, 1);
  Eigen::MatrixXd e(1, 2), E = Eigen::MatrixXd::Ones(1, 2), W = Eigen::MatrixXd::Zero(1, 2),
                           dmu(1, 2);
  e << 1e-3, 1.0;
  rule.weight_update_tangent({0, 0, 1.0}, 0, 0.5, e, E, W, W, dmu);
  EXPECT_NE(dmu(0, 0), 0.0);
  EXPECT_EQ(dmu(0, 1), 0.0);
}

// c tanh(mu / c): the identity for small changes, bounded by c, and with a derivative where the
// hard clip has none.
TEST(ThreeFactor, SmoothClipIsBoundedAndKeepsItsSlope) {
  plugins::ThreeFactor<double> rule(params(
      {{"clip", 1e-3}, {"clip_shape", std::string("smooth")}, {"baseline", std::string("none")}}));
  rule.begin_lifetime(1, 1);
  Eigen::MatrixXd e(1, 3), E = Eigen::MatrixXd::Ones(1, 3), W = Eigen::MatrixXd::Zero(1, 3),
                           mu(1, 3), dmu(1, 3);
  e << 1e-6, 1e-2, -1.0;  // mu = eta e = 1e-7, 1e-3, -0.1 before the clip
  rule.weight_update({0, 0, 1.0}, e, W, mu);
  EXPECT_NEAR(mu(0, 0), 1e-7, 1e-15);  // tanh(x) = x - x^3 / 3 + ...
  EXPECT_NEAR(mu(0, 1), 1e-3 * std::tanh(1.0), 1e-18);
  EXPECT_GE(mu(0, 2), -1e-3);
  EXPECT_NEAR(mu(0, 2), -1e-3, 1e-15);
  rule.weight_update_tangent({0, 0, 1.0}, 0, 0.0, e, E, W, W, dmu);
  EXPECT_NEAR(dmu(0, 0), 0.1, 1e-9);                                           // slope 1
  EXPECT_NEAR(dmu(0, 1), 0.1 * (1 - std::tanh(1.0) * std::tanh(1.0)), 1e-15);  // sech^2(1)
}

namespace {
// The largest complex-step value of a learned parameter's weight_update_tangent rows.
double largest_parameter_row(const sdk::testing::DerivativeReport& report,
                             const std::string& name) {
  double largest = 0;
  for (const auto& row : report.rows)
    if (row.what.find("parameter " + name + " weight_update_tangent") == 0)
      largest = std::max(largest, row.magnitude);
  return largest;
}

// A rule whose step is scaled by |Rbar|^power, its baselines starting at `init`.
sdk::ParamSet scaled_params(double power, double init) {
  return params({{"modulation", std::string("baseline_magnitude")},
                 {"modulation_power", power},
                 {"baseline_init", init}});
}
plugins::ThreeFactor<double> scaled_rule(double power, double init) {
  return plugins::ThreeFactor<double>(scaled_params(power, init));
}
}  // namespace

// baseline_tau, the clip level and (scaled by |Rbar|^p) the exponent p, learned in log space:
// their tangents and adjoints against the complex step (check_derivatives learns them all at
// once, after two other directions), with the clip reached.
TEST(ThreeFactor, LearnableParametersHaveExactDerivatives) {
  for (const char* modulation : {"plain", "baseline_magnitude"})
    for (const char* shape : {"hard", "smooth"}) {
      const bool scaled = std::string(modulation) == "baseline_magnitude";
      const auto p = params({{"modulation", std::string(modulation)},
                             {"modulation_power", scaled ? 1.7 : 1.0},
                             {"baseline_init", -0.5},
                             {"clip", 1e-2},
                             {"clip_shape", std::string(shape)}});
      const plugins::ThreeFactor<double> rule(p);
      const auto learnable = rule.learnable_parameters();
      ASSERT_EQ(learnable.size(), scaled ? 3u : 2u);
      EXPECT_EQ(learnable[0].name, "baseline_tau");
      EXPECT_EQ(learnable[0].minimum, 1.0);
      EXPECT_EQ(learnable[1].name, "clip");
      if (scaled) {
        EXPECT_EQ(learnable[2].name, "modulation_power");
      }
      const auto report = sdk::testing::check_derivatives<plugins::ThreeFactor>(p);
      EXPECT_TRUE(report.ok()) << modulation << "/" << shape << "\n" << report.table();
      for (const auto& parameter : learnable)
        EXPECT_GT(largest_parameter_row(report, parameter.name), 1e-6)
            << parameter.name << " " << modulation << "/" << shape;
    }
  // Without a baseline or a clip there is nothing of that kind to learn.
  EXPECT_TRUE(plugins::ThreeFactor<double>(params({{"baseline", std::string("none")}}))
                  .learnable_parameters()
                  .empty());
}

// m = |Rbar|^p: with p = 2 the step is Miconi's times |Rbar|, its state derivatives (through
// Rbar) agree with the complex step at p = 0.5, 1 and 3, and p other than 1 needs the scaling.
TEST(ThreeFactor, ModulationPowerScalesTheStepByAPowerOfTheBaseline) {
  Eigen::MatrixXd e(1, 1), W = Eigen::MatrixXd::Zero(1, 1), mu1(1, 1), mu2(1, 1);
  e << 0.3;
  auto miconi = scaled_rule(1.0, -0.4), squared = scaled_rule(2.0, -0.4);
  miconi.begin_lifetime(4, 0);
  squared.begin_lifetime(4, 0);
  miconi.weight_update({0, 1, -0.9}, e, W, mu1);
  squared.weight_update({0, 1, -0.9}, e, W, mu2);
  EXPECT_NEAR(mu1(0, 0), 0.1 * 0.4 * (-0.9 + 0.4) * 0.3, 1e-17);
  EXPECT_NEAR(mu2(0, 0), 0.4 * mu1(0, 0), 1e-17);
  // A baseline that starts above zero (as with 0/1 rewards) takes the other sign of |Rbar|'.
  for (double power : {0.5, 1.0, 3.0})
    for (double init : {-0.5, 0.5}) {
      const auto report =
          sdk::testing::check_derivatives<plugins::ThreeFactor>(scaled_params(power, init));
      EXPECT_TRUE(report.ok()) << power << " " << init << "\n" << report.table();
    }
  EXPECT_THROW(plugins::ThreeFactor<double>(params({{"modulation_power", 2.0}})),
               sdk::ParameterError);
}

// At Rbar = 0: |Rbar|^2 = 0, so no step and no slope (the tangent and the adjoint of Rbar vanish
// although dRbar does not); |Rbar|^0 = 1, the plain rule's step. A power of 0 is not learnable
// (its log is -inf).
TEST(ThreeFactor, ModulationPowerAtAZeroBaseline) {
  Eigen::MatrixXd e(1, 1), E = Eigen::MatrixXd::Ones(1, 1), W = Eigen::MatrixXd::Zero(1, 1),
                           mu(1, 1), dmu(1, 1), e_bar(1, 1), W_bar(1, 1);
  e << 0.3;
  auto squared = scaled_rule(2.0, 0.0), flat = scaled_rule(0.0, 0.0);
  squared.begin_lifetime(1, 1);
  flat.begin_lifetime(1, 1);
  const double dR = 1.0;
  squared.end_trial({0, 0, 0.0}, &dR);  // Rbar stays 0, dRbar = 1/4
  ASSERT_EQ(squared.baseline(0), 0.0);
  squared.weight_update({1, 0, -0.9}, e, W, mu);
  EXPECT_EQ(mu(0, 0), 0.0);
  squared.weight_update_tangent({1, 0, -0.9}, 0, 0.0, e, E, W, W, dmu);
  EXPECT_EQ(dmu(0, 0), 0.0);
  double R_bar = 0, state_bar = 0;
  squared.weight_update_adjoint({1, 0, -0.9}, e, W, E, e_bar, W_bar, R_bar, &state_bar, nullptr);
  EXPECT_EQ(state_bar, 0.0);
  flat.weight_update({0, 0, -0.9}, e, W, mu);
  EXPECT_NEAR(mu(0, 0), 0.1 * -0.9 * 0.3, 1e-17);
  for (const auto& p : flat.learnable_parameters()) EXPECT_NE(p.name, "modulation_power");
}

// A slow rule (eta 1e-3) with a hard clip: the checker's eligibilities still reach the clip (its
// parameter rows are not all zero, or the report fails).
TEST(ThreeFactor, TheClipsParameterIsExercisedAtASlowLearningRate) {
  const auto p = params({{"eta", 1e-3}, {"clip", 1e-2}, {"clip_shape", std::string("hard")}});
  const auto report = sdk::testing::check_derivatives<plugins::ThreeFactor>(p);
  EXPECT_TRUE(report.ok()) << report.table();
  EXPECT_GT(largest_parameter_row(report, "clip"), 0.0);
}
