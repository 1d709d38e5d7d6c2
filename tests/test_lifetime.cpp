#include <cmath>

#include "core/engine/lifetime.hpp"
#include "core/engine/seeding.hpp"
#include "core/run/plain_run.hpp"
#include "test_support.hpp"

using namespace neohebb;
using test_support::small_experiment;
using test_support::TempDir;

namespace {

core::Experiment load(const TempDir& dir, const std::string& toml,
                      const std::vector<std::string>& sets = {}) {
  static core::PluginRegistry registry;  // outlives every experiment and instance of these tests
  return core::load_experiment(dir.write("exp.toml", toml), sets, registry);
}

// Per-synapse reference of one trial, written straight from the model's equations: what the
// lifetime computes as one matrix product must equal this loop over synapses and coefficients.
Eigen::MatrixXd reference_eligibility(const core::Setup<double>& s, const Eigen::MatrixXd& W,
                                      const Eigen::MatrixXd& W_in, const Eigen::MatrixXd& W_out,
                                      const sdk::TrialSpec& spec, const Eigen::MatrixXd& theta,
                                      Eigen::MatrixXd& z) {
  const int N = s.network.size, T = s.layout.steps;
  const double dt = s.neuron->dt(), alpha = dt / 10.0, beta = s.eligibility.average_beta;
  const double lambda = 1.0 - dt / s.eligibility.tau_e;
  Eigen::VectorXd x = Eigen::VectorXd::Zero(N), xbar = x, r = x.array().tanh().matrix(), d(N);
  Eigen::MatrixXd e = Eigen::MatrixXd::Zero(N, N);
  z.resize(s.layout.outputs, T);
  for (int t = 0; t < T; ++t) {
    const Eigen::VectorXd xn = x + alpha * (-x + W * r + W_in * spec.input.col(t));
    if (s.eligibility.deviation == core::Deviation::BeforeAverage) {
      d = xbar - xn;
      xbar = beta * xbar + (1 - beta) * xn;
    } else {
      xbar = beta * xbar + (1 - beta) * xn;
      d = xbar - xn;
    }
    e *= lambda;
    if (t >= s.eligibility.start_step)
      for (int i = 0; i < N; ++i)
        for (int j = 0; j < N; ++j) {
          double f = 0;
          for (int k = 0; k < theta.rows(); ++k)
            for (int l = 0; l < theta.cols(); ++l)
              f += theta(k, l) * std::pow(r(j), k) * std::pow(d(i), l);
          e(i, j) += dt * f;
        }
    x = xn;
    r = x.array().tanh().matrix();
    z.col(t) = W_out * r;
  }
  return e;
}

const char* kReferenceSettings = R"(
[eligibility]
tau_e = 20.0
start_step = 2
average_beta = 0.3
)";

}  // namespace

TEST(Lifetime, EligibilityProductEqualsPerSynapseSum) {
  TempDir dir;
  for (const char* deviation : {"before_average", "after_average"}) {
    const auto e =
        load(dir, small_experiment(kReferenceSettings),
             {"exploration.probability=0", "network.initial_state=0", "rule.baseline=none",
              "rule.eta=1", std::string("eligibility.deviation=") + deviation});
    const auto setup = core::make_setup<double>(e);
    const auto theta = setup.trace->initial_coefficients();
    const std::uint64_t seed = core::lifetime_seed(setup.seed, 0);
    core::Lifetime<double> life(setup, seed, theta);
    const Eigen::MatrixXd W0 = life.weights();
    sdk::TrialSpec spec;
    sdk::Rng task_rng(core::stream_seed(seed, core::Stream::Task, 0));
    setup.task->make_trial(0, task_rng, spec);
    Eigen::MatrixXd z;
    const Eigen::MatrixXd e_ref =
        reference_eligibility(setup, W0, life.initial().W_in, life.initial().W_out, spec, theta, z);
    const double R = setup.task->reward(spec, z);
    const core::TrialRecord rec = life.run_trial();
    EXPECT_NEAR(rec.reward, R, 1e-13);
    const Eigen::MatrixXd mu = life.weights() - W0;  // eta = 1, no baseline: mu = R e
    ASSERT_GT(e_ref.cwiseAbs().maxCoeff(), 1e-3);
    EXPECT_LT((mu - R * e_ref).cwiseAbs().maxCoeff(), 1e-12 * (R * e_ref).cwiseAbs().maxCoeff())
        << deviation;
  }
}

TEST(Lifetime, SameSeedGivesBitIdenticalResultsWhateverTheThreadCount) {
  TempDir dir;
  const auto e = load(dir, small_experiment(), {"experiment.lifetimes=3", "experiment.trials=8"});
  const auto setup = core::make_setup<double>(e);
  const auto one = core::run_lifetimes(e, setup, 1, core::silent_reporter());
  const auto two = core::run_lifetimes(e, setup, 2, core::silent_reporter());
  EXPECT_EQ(core::learning_curve_csv(one), core::learning_curve_csv(two));
  for (std::size_t k = 0; k < one.size(); ++k) EXPECT_TRUE(one[k].final_W == two[k].final_W) << k;
  // Different lifetimes do differ.
  EXPECT_FALSE(one[0].final_W == one[1].final_W);
}

TEST(Lifetime, DifferentExperimentSeedsDiffer) {
  TempDir dir;
  const auto a = core::make_setup<double>(load(dir, small_experiment(), {"experiment.seed=1"}));
  const auto b = core::make_setup<double>(load(dir, small_experiment(), {"experiment.seed=2"}));
  core::Lifetime<double> la(a, core::lifetime_seed(a.seed, 0), a.trace->initial_coefficients());
  core::Lifetime<double> lb(b, core::lifetime_seed(b.seed, 0), b.trace->initial_coefficients());
  EXPECT_FALSE(la.weights() == lb.weights());
}

// The complex instantiation of the whole lifetime: with theta_p + ih, Im(R)/h is dR/dtheta_p to
// rounding; it must agree with central finite differences of the real lifetime.
TEST(Lifetime, ComplexStepThroughALifetimeMatchesFiniteDifferences) {
  TempDir dir;
  const auto e = load(dir, small_experiment(), {"rule.baseline=global", "experiment.trials=4"});
  const auto real = core::make_setup<double>(e);
  const auto cplx = core::make_setup<sdk::Complex>(e);
  const std::uint64_t seed = core::lifetime_seed(real.seed, 0);
  const Eigen::MatrixXd theta = real.trace->initial_coefficients();
  const int k = 1, l = 1;  // the r d coefficient
  const double h = 1e-30, eps = 1e-6;
  Eigen::MatrixXcd theta_c = theta.cast<sdk::Complex>();
  theta_c(k, l) += sdk::Complex(0, h);
  Eigen::MatrixXd plus = theta, minus = theta;
  plus(k, l) += eps;
  minus(k, l) -= eps;
  core::Lifetime<sdk::Complex> lc(cplx, seed, theta_c);
  core::Lifetime<double> lr(real, seed, theta), lp(real, seed, plus), lm(real, seed, minus);
  for (int trial = 0; trial < 4; ++trial) {
    const auto rc = lc.run_trial(), rr = lr.run_trial();
    lp.run_trial();
    lm.run_trial();
    EXPECT_NEAR(rc.reward, rr.reward, 1e-12);
    // Im(R) is not in the record; recover it from the weights' imaginary parts instead.
    const Eigen::MatrixXd dW_cs = lc.weights().imag() / h;
    const Eigen::MatrixXd dW_fd = (lp.weights() - lm.weights()) / (2 * eps);
    const double scale = dW_cs.cwiseAbs().maxCoeff();
    if (trial > 0) {
      ASSERT_GT(scale, 0.0);
    }
    EXPECT_LT((dW_cs - dW_fd).cwiseAbs().maxCoeff(), 1e-6 * std::max(scale, 1e-12))
        << "trial " << trial;
  }
}
