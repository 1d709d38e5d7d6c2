#include "core/meta/gradient_check.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/engine/lifetime.hpp"
#include "core/engine/seeding.hpp"
#include "core/meta/adjoint_gradient.hpp"
#include "core/meta/gradient_engine.hpp"
#include "core/meta/meta_learner.hpp"
#include "core/support/errors.hpp"
#include "core/support/interrupt.hpp"
#include "core/support/parallel.hpp"

namespace neohebb::core {
namespace {

constexpr double kComplexStep = 1e-30;

// The differentiated per-trial quantity of a lifetime: R_h (pathwise) or log pi(a_h).
// Ctrl-C or SIGTERM: a gradient check keeps nothing, so it stops at once (between trials).
void stop_if_interrupted() {
  if (interrupted()) throw RunError("interrupted; a gradient check keeps nothing");
}

template <class S>
S trial_quantity(const Lifetime<S>& life, bool reinforce) {
  return reinforce ? life.log_policy_value() : life.task_reward_value();
}

// Runs a lifetime and returns the per-trial quantity (for complex lifetimes, Im(q)/h).
template <class S>
std::vector<double> quantities(const Setup<S>& setup, std::uint64_t seed, const sdk::Mat<S>& theta,
                               const S& tau_e, const std::vector<S>& rule, bool reinforce,
                               const std::vector<int>& actions) {
  LifetimeOptions opt;
  opt.forced_actions = &actions;
  Lifetime<S> life(setup, seed, theta, tau_e, rule, opt);
  std::vector<double> q;
  for (std::int64_t h = 0; h < setup.trials; ++h) {
    stop_if_interrupted();
    life.run_trial();
    const S v = trial_quantity(life, reinforce);
    if constexpr (sdk::is_complex_v<S>)
      q.push_back(v.imag() / kComplexStep);
    else
      q.push_back(v);
  }
  return q;
}

// The coefficient of direction p in theta.
template <class M>
auto& coefficient(const Setup<sdk::Real>& setup, M& theta, int p) {
  const auto [k, l] = setup.directions[static_cast<std::size_t>(p)];
  return theta(k, l);
}

}  // namespace

double max_relative_error(const Eigen::MatrixXd& values, int column, int reference) {
  const double scale = values.col(reference).cwiseAbs().maxCoeff();
  if (scale == 0)
    return (values.col(column) - values.col(reference)).cwiseAbs().maxCoeff() == 0 ? 0 : INFINITY;
  return (values.col(column) - values.col(reference)).cwiseAbs().maxCoeff() / scale;
}

namespace {

// One lifetime with tangents: the forward-mode derivative of each trial's quantity, and the
// actions and rewards that the other estimates hold fixed.
struct ForwardMode {
  std::vector<Eigen::VectorXd> gradient;
  std::vector<int> actions;
  std::vector<double> rewards;
  std::vector<double> tangent_norm;
};

ForwardMode forward_mode(const Setup<sdk::Real>& real, std::uint64_t seed,
                         const Eigen::MatrixXd& theta, bool reinforce) {
  LifetimeOptions options;
  options.tangents = true;
  Lifetime<sdk::Real> life(real, seed, theta, options);
  ForwardMode out;
  for (std::int64_t h = 0; h < real.trials; ++h) {
    stop_if_interrupted();
    const TrialRecord rec = life.run_trial();
    out.gradient.push_back(reinforce ? life.log_policy_tangent() : life.task_reward_tangent());
    out.actions.push_back(rec.action);
    out.rewards.push_back(reinforce ? rec.reward : rec.task_reward);
    out.tangent_norm.push_back(life.tangent_norm());
  }
  return out;
}

// The perturbed lifetimes: the complex step (one lifetime per direction) and finite differences
// at five step scales, four runs each (+-h, +-h/2 for Richardson), all on the thread pool. The
// directions of log tau_e ([meta] learn_tau_e) and of the rule's learned parameters ([meta]
// learn_rule), after the coefficients', perturb their value by the factor exp(i h) or exp(+-h).
class References {
 public:
  static constexpr int kScales = 5;

  References(const Setup<sdk::Real>& real, const Setup<sdk::Complex>& cplx, std::uint64_t seed,
             const Eigen::MatrixXd& theta, bool reinforce, const std::vector<int>& actions,
             const GradientCheckOptions& options)
      : P_(real.tangent_directions()),
        fd_runs_(options.finite_differences ? 4 * kScales : 0),
        cs_(static_cast<std::size_t>(P_)),
        fd_(static_cast<std::size_t>(P_ * fd_runs_)),
        fd_step_(static_cast<std::size_t>(P_)) {
    const double offsets[] = {1.0, -1.0, 0.5, -0.5};
    const int coefficients = static_cast<int>(real.directions.size());
    const int tau = real.learn_tau_e ? coefficients : -1, first_rule = coefficients + (tau >= 0);
    const double tau_e = real.eligibility.tau_e;
    std::vector<double> rule;  // the rule's learned parameters as built
    for (const auto& p : real.rule_learned) rule.push_back(p.value);
    const auto log_value = [&](int p) {
      return p == tau ? std::log(tau_e) : std::log(rule[static_cast<std::size_t>(p - first_rule)]);
    };
    for (int p = 0; p < P_; ++p)  // (set before the jobs, which only read it)
      fd_step_[static_cast<std::size_t>(p)] =
          1e-2 *
          std::max(1.0, std::abs(p < coefficients ? coefficient(real, theta, p) : log_value(p)));
    rethrow_first(parallel_for(P_ * (1 + fd_runs_), options.threads, [&](int job) {
      const int p = job % P_, kind = job / P_;
      if (kind == 0) {
        Eigen::MatrixXcd tc = theta.cast<sdk::Complex>();
        sdk::Complex tau_c(tau_e);
        std::vector<sdk::Complex> rule_c(rule.begin(), rule.end());
        const sdk::Complex step = std::exp(sdk::Complex(0, kComplexStep));
        if (p == tau)
          tau_c *= step;
        else if (p >= first_rule)
          rule_c[static_cast<std::size_t>(p - first_rule)] *= step;
        else
          coefficient(real, tc, p) += sdk::Complex(0, kComplexStep);
        cs_[static_cast<std::size_t>(p)] =
            quantities(cplx, seed, tc, tau_c, rule_c, reinforce, actions);
        return;
      }
      const double step = fd_step_[static_cast<std::size_t>(p)];
      const int scale = (kind - 1) / 4, offset = (kind - 1) % 4;
      const double h = offsets[offset] * step * std::pow(0.1, scale);
      Eigen::MatrixXd tr = theta;
      double tau_r = tau_e;
      std::vector<double> rule_r = rule;
      if (p == tau)
        tau_r *= std::exp(h);
      else if (p >= first_rule)
        rule_r[static_cast<std::size_t>(p - first_rule)] *= std::exp(h);
      else
        coefficient(real, tr, p) += h;
      fd_[static_cast<std::size_t>(job - P_)] =
          quantities(real, seed, tr, tau_r, rule_r, reinforce, actions);
    }));
  }

  // The complex-step derivative of `value` (a function of a lifetime's per-trial quantities).
  template <class F>
  double complex_step(int p, F&& value) const {
    return value(cs_[static_cast<std::size_t>(p)]);
  }

  // Richardson: D(h) = (f(+h) - f(-h)) / 2h; (4 D(h/2) - D(h)) / 3 cancels the h^2 error. The
  // step is chosen per value: of the scales 1e-2 .. 1e-6 (relative), the one whose estimate
  // agrees best with the next finer one (large steps lose to truncation, small ones to rounding).
  template <class F>
  double finite_differences(int p, F&& value) const {
    if (!fd_runs_) return std::nan("");
    double estimate[kScales];
    for (int j = 0; j < kScales; ++j) {
      const double s = fd_step_[static_cast<std::size_t>(p)] * std::pow(0.1, j);
      const auto run = [&](int i) {
        return value(fd_[static_cast<std::size_t>((4 * j + i) * P_ + p)]);
      };
      const double d1 = (run(0) - run(1)) / (2 * s), d2 = (run(2) - run(3)) / s;
      estimate[j] = (4 * d2 - d1) / 3;
    }
    int best = 0;
    for (int j = 1; j + 1 < kScales; ++j)
      if (std::abs(estimate[j] - estimate[j + 1]) < std::abs(estimate[best] - estimate[best + 1]))
        best = j;
    return estimate[best];
  }

 private:
  int P_, fd_runs_;
  std::vector<std::vector<double>> cs_, fd_;
  std::vector<double> fd_step_;
};

// Reverse mode on the same lifetime (the actions of forward mode replayed): the derivative of
// one trial's quantity per checked trial, and the weighted sum, each one backward sweep.
class ReverseMode {
 public:
  ReverseMode(const Setup<sdk::Real>& real, std::uint64_t seed, const Eigen::MatrixXd& theta,
              const std::vector<int>& actions, int checkpoint_every)
      : life_(real, seed, theta, checkpoint_interval(checkpoint_every, real.trials), &actions),
        trials_(static_cast<std::size_t>(real.trials)) {
    for (std::size_t h = 0; h < trials_; ++h) {
      stop_if_interrupted();
      life_.run_trial();
    }
  }
  Eigen::VectorXd trial(std::int64_t h) {
    std::vector<double> c(trials_, 0.0);
    c[static_cast<std::size_t>(h)] = 1.0;
    return life_.gradient(c);
  }
  Eigen::VectorXd weighted(const std::vector<double>& c) { return life_.gradient(c); }

 private:
  AdjointLifetime life_;
  std::size_t trials_;
};

// Trial 1 runs before any update, so its gradient is exactly zero; trial 2 is the first that
// depends on theta; then the middle and the last.
std::vector<std::int64_t> checked_trials(std::int64_t H) {
  std::vector<std::int64_t> checked = {0};
  if (H >= 3) checked.push_back(1);
  if (H >= 6) checked.push_back(H / 2 - 1);
  if (H >= 2) checked.push_back(H - 1);
  return checked;
}

}  // namespace

GradientCheck check_gradients(const Experiment& e, const GradientCheckOptions& options) {
  Setup<sdk::Real> real = make_setup<sdk::Real>(e);
  Setup<sdk::Complex> cplx = make_setup<sdk::Complex>(e);
  if (options.trials > 0) real.trials = cplx.trials = options.trials;
  const MetaSection& meta = e.meta;
  // The derivative of what drives plasticity: ES has none of its own and is checked as the
  // estimator of its reward would be.
  const bool reinforce = real.reward == RewardSource::Policy;
  const int P = real.tangent_directions();
  validate_meta(e, real, meta);
  const std::uint64_t seed = lifetime_seed(real.seed, 0);
  const Eigen::MatrixXd theta = real.trace->initial_coefficients();

  GradientCheck out;
  out.quantity = reinforce ? "log pi(a_h) with the actions held fixed" : "the task reward R_h";
  out.cumulative = reinforce ? "sum_h G_h log pi(a_h), G_h the credit of the lifetime's rewards"
                             : "the objective sum_h w_h R_h";
  for (const auto& [k, l] : real.directions)
    out.coefficients.push_back(real.trace->pre_term_name(k) + " " + real.trace->post_term_name(l));
  if (real.learn_tau_e) out.coefficients.push_back("log tau_e");
  for (const auto& p : real.rule_learned) out.coefficients.push_back("log " + p.name);
  const ForwardMode fm = forward_mode(real, seed, theta, reinforce);
  out.tangent_norm = fm.tangent_norm;
  const std::vector<double> w = objective_weights(meta, real.trials);
  const std::vector<double> weight = reinforce ? credit(meta, w, fm.rewards) : w;
  const References ref(real, cplx, seed, theta, reinforce, fm.actions, options);
  ReverseMode rm(real, seed, theta, fm.actions, meta.checkpoint_every);

  for (std::int64_t h : checked_trials(real.trials)) {
    const auto at_h = [h](const std::vector<double>& q) { return q[static_cast<std::size_t>(h)]; };
    GradientTable t{fmt::format("trial {}", h + 1), Eigen::MatrixXd(P, 4)};
    const Eigen::VectorXd ad = rm.trial(h);
    for (int p = 0; p < P; ++p)
      t.values.row(p) << fm.gradient[static_cast<std::size_t>(h)](p), ref.complex_step(p, at_h),
          ref.finite_differences(p, at_h), ad(p);
    out.tables.push_back(std::move(t));
  }
  GradientTable cum{"cumulative", Eigen::MatrixXd::Zero(P, 4)};
  const Eigen::VectorXd ad = rm.weighted(weight);
  const auto weighted = [&](const std::vector<double>& q) {
    double s = 0;
    for (std::size_t h = 0; h < q.size(); ++h) s += weight[h] * q[h];
    return s;
  };
  for (int p = 0; p < P; ++p) {
    double g = 0;
    for (std::size_t h = 0; h < fm.gradient.size(); ++h) g += weight[h] * fm.gradient[h](p);
    cum.values.row(p) << g, ref.complex_step(p, weighted), ref.finite_differences(p, weighted),
        ad(p);
  }
  out.tables.push_back(std::move(cum));
  return out;
}

std::string gradient_check_report(const GradientCheck& c) {
  std::string out =
      fmt::format("differentiated per trial: {}; cumulative: {}\n", c.quantity, c.cumulative);
  out += "relative error: max over coefficients of |x_p - ref_p|, divided by max_p |ref_p|\n\n";
  out += fmt::format("{:<12} {:>14} {:>14} {:>14} {:>14}\n", "", "FM vs CS", "FM vs FD", "AD vs FM",
                     "AD vs CS");
  for (const auto& t : c.tables)
    out += fmt::format("{:<12} {:>14.3e} {:>14.3e} {:>14.3e} {:>14.3e}\n", t.label,
                       max_relative_error(t.values, 0, 1), max_relative_error(t.values, 0, 2),
                       max_relative_error(t.values, 3, 0), max_relative_error(t.values, 3, 1));
  const auto& cum = c.tables.back();
  out += fmt::format(
      "\n{} gradient per coefficient:\n{:<12} {:>22} {:>22} {:>22} {:>10} {:>10} {:>22} {:>10}\n",
      cum.label, "coefficient", "forward mode", "complex step", "finite diff.", "err CS", "err FD",
      "adjoint", "AD vs CS");
  for (Eigen::Index p = 0; p < cum.values.rows(); ++p) {
    const double fm = cum.values(p, 0), cs = cum.values(p, 1), fd = cum.values(p, 2),
                 ad = cum.values(p, 3);
    out += fmt::format(
        "{:<12} {:>22.15e} {:>22.15e} {:>22.15e} {:>10.2e} {:>10.2e} {:>22.15e} {:>10.2e}\n",
        c.coefficients[static_cast<std::size_t>(p)], fm, cs, fd,
        std::abs(fm - cs) / std::max(std::abs(cs), 1e-300),
        std::abs(fm - fd) / std::max(std::abs(fd), 1e-300), ad,
        std::abs(ad - cs) / std::max(std::abs(cs), 1e-300));
  }
  const double first = c.tangent_norm.front(), last = c.tangent_norm.back();
  out +=
      fmt::format("\ntangent norm ||dW/dtheta||_F: {:.3e} after trial 1, {:.3e} after trial {}\n",
                  first, last, c.tangent_norm.size());
  return out;
}

std::string gradient_check_csv(const GradientCheck& c) {
  std::string out = "table,coefficient,forward_mode,complex_step,finite_differences,adjoint\n";
  for (const auto& t : c.tables)
    for (Eigen::Index p = 0; p < t.values.rows(); ++p)
      out += fmt::format("{},{},{:.17g},{:.17g},{:.17g},{:.17g}\n", t.label,
                         c.coefficients[static_cast<std::size_t>(p)], t.values(p, 0),
                         t.values(p, 1), t.values(p, 2), t.values(p, 3));
  return out;
}

std::string tangent_norm_csv(const GradientCheck& c) {
  std::string out = "trial,tangent_norm\n";
  for (std::size_t h = 0; h < c.tangent_norm.size(); ++h)
    out += fmt::format("{},{:.17g}\n", h + 1, c.tangent_norm[h]);
  return out;
}

}  // namespace neohebb::core
