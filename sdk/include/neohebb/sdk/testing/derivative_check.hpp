#pragma once
// Generic derivative checker: compares every derivative a plugin declares with the complex-step
// derivative Im f(x + ih) / h of its own complex instantiation (exact to rounding), and reports
// central finite differences beside it. A plugin's test calls it in one line:
//
//   auto report = neohebb::sdk::testing::check_derivatives<MyRule>(params);
//   EXPECT_TRUE(report.ok()) << report.table();
#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "neohebb/sdk/plugin.hpp"

namespace neohebb::sdk::testing {

struct DerivativeRow {
  std::string what;
  double magnitude = 0;    // max |complex-step derivative|
  double error_vs_cs = 0;  // max |declared - cs| / max(magnitude, 1e-300)
  double error_vs_fd = 0;  // max |declared - fd| / max(magnitude, 1e-300)
};

struct DerivativeReport {
  std::vector<DerivativeRow> rows;

  double max_error_vs_cs() const {
    double m = 0;
    for (const auto& r : rows) m = std::max(m, r.error_vs_cs);
    return m;
  }
  double max_error_vs_fd() const {
    double m = 0;
    for (const auto& r : rows) m = std::max(m, r.error_vs_fd);
    return m;
  }
  // Declared derivatives must match the complex step to rounding; finite differences are
  // reported, and checked only loosely (they lose about half the digits).
  bool ok(double cs_tol = 1e-10, double fd_tol = 1e-5) const {
    return !rows.empty() && max_error_vs_cs() <= cs_tol && max_error_vs_fd() <= fd_tol;
  }
  std::string table() const {
    std::string out = "derivative                      |max|      rel.err vs CS  rel.err vs FD\n";
    char line[256];
    for (const auto& r : rows) {
      std::snprintf(line, sizeof line, "%-28s %10.3e  %13.3e  %13.3e\n", r.what.c_str(),
                    r.magnitude, r.error_vs_cs, r.error_vs_fd);
      out += line;
    }
    return out;
  }
};

namespace detail {

inline constexpr double kComplexStep = 1e-30;
inline constexpr double kFiniteStep = 1e-6;

inline void add_row(DerivativeReport& rep, std::string what, const Mat<Real>& declared,
                    const Mat<Real>& cs, const Mat<Real>& fd) {
  const double mag = cs.cwiseAbs().maxCoeff();
  const double denom = std::max(mag, 1e-300);
  rep.rows.push_back({std::move(what), mag, (declared - cs).cwiseAbs().maxCoeff() / denom,
                      (declared - fd).cwiseAbs().maxCoeff() / denom});
}

inline Mat<Complex> with_step(const Mat<Real>& x, const Mat<Real>& dir) {
  Mat<Complex> z(x.rows(), x.cols());
  for (Eigen::Index i = 0; i < x.size(); ++i) z(i) = Complex(x(i), kComplexStep * dir(i));
  return z;
}

inline Mat<Real> imag_over_step(const Mat<Complex>& z) {
  return z.imag() / kComplexStep;
}

inline Mat<Real> random_matrix(Rng& rng, Eigen::Index rows, Eigen::Index cols, double lo,
                               double hi) {
  Mat<Real> m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m(i) = rng.uniform(lo, hi);
  return m;
}

// f maps a real matrix to a real matrix through the real instance; central difference along dir.
template <class F>
Mat<Real> central_difference(F&& f, const Mat<Real>& x, const Mat<Real>& dir) {
  return (f(Mat<Real>(x + kFiniteStep * dir)) - f(Mat<Real>(x - kFiniteStep * dir))) /
         (2 * kFiniteStep);
}

template <template <class> class Impl>
void check_neuron(const ParamSet& p, DerivativeReport& rep, Rng& rng, int n) {
  Impl<Real> re(p);
  Impl<Complex> cx(p);
  const Mat<Real> x = random_matrix(rng, n, 1, -2, 2), I = random_matrix(rng, n, 1, -2, 2);
  const Mat<Real> ones = Mat<Real>::Ones(n, 1);
  auto rate = [&](const Mat<Real>& v) {
    Vec<Real> r(n);
    re.rate(v, r);
    return Mat<Real>(r);
  };
  Vec<Real> dr(n), Fx(n), FI(n);
  re.rate_derivative(x, dr);
  re.step_partials(x, I, Fx, FI);
  Vec<Complex> rc(n);
  cx.rate(with_step(x, ones), rc);
  add_row(rep, "rate_derivative", dr, imag_over_step(rc), central_difference(rate, x, ones));

  auto step_x = [&](const Mat<Real>& v) {
    Vec<Real> o(n);
    re.step(v, I, o);
    return Mat<Real>(o);
  };
  auto step_I = [&](const Mat<Real>& v) {
    Vec<Real> o(n);
    re.step(x, v, o);
    return Mat<Real>(o);
  };
  Vec<Complex> xc(n);
  cx.step(with_step(x, ones), I.cast<Complex>(), xc);
  add_row(rep, "step_partials F_x", Fx, imag_over_step(xc), central_difference(step_x, x, ones));
  cx.step(x.cast<Complex>(), with_step(I, ones), xc);
  add_row(rep, "step_partials F_I", FI, imag_over_step(xc), central_difference(step_I, I, ones));
}

template <template <class> class Impl>
void check_trace(const ParamSet& p, DerivativeReport& rep, Rng& rng, int n) {
  Impl<Real> re(p);
  Impl<Complex> cx(p);
  const int K = re.pre_terms(), L = re.post_terms();
  const Mat<Real> ones = Mat<Real>::Ones(n, 1);
  const Mat<Real> r = random_matrix(rng, n, 1, -0.99, 0.99), d = random_matrix(rng, n, 1, -1, 1);
  // Each basis function is elementwise, so stepping every entry at once gives all derivatives.
  auto check = [&](const char* what, int terms, const Mat<Real>& at, auto basis, auto derivative) {
    Mat<Real> declared(n, terms), base_plus(n, terms), base_minus(n, terms);
    derivative(re, at, declared);
    Mat<Complex> stepped(n, terms);
    basis(cx, with_step(at, ones), stepped);
    basis(re, Mat<Real>(at + kFiniteStep * ones), base_plus);
    basis(re, Mat<Real>(at - kFiniteStep * ones), base_minus);
    add_row(rep, what, declared, imag_over_step(stepped),
            (base_plus - base_minus) / (2 * kFiniteStep));
  };
  check(
      "pre_basis_derivative", K, r,
      [](auto& impl, const auto& v, auto& out) { impl.pre_basis(v, out); },
      [](auto& impl, const auto& v, auto& out) { impl.pre_basis_derivative(v, out); });
  check(
      "post_basis_derivative", L, d,
      [](auto& impl, const auto& v, auto& out) { impl.post_basis(v, out); },
      [](auto& impl, const auto& v, auto& out) { impl.post_basis_derivative(v, out); });
}

inline Mat<Real> scalar(double v) {
  return Mat<Real>::Constant(1, 1, v);
}

// The tangent of a rule's state: from its complex instance, and by central difference of the
// instances at +-h.
template <class Cx, class Re>
std::pair<Mat<Real>, Mat<Real>> state_tangent(const Cx& cx, const Re& plus, const Re& minus,
                                              double h) {
  const int n = cx.state_size();
  Mat<Complex> c(n, 1);
  Mat<Real> p(n, 1), m(n, 1);
  cx.save_state(c.data());
  plus.save_state(p.data());
  minus.save_state(m.data());
  return {imag_over_step(c), (p - m) / (2 * h)};
}

// Runs a short sequence of trials through a real instance (with the declared tangent), a complex
// instance stepped along the same direction, and two real instances at +-h.
template <template <class> class Impl>
void check_rule(const ParamSet& p, DerivativeReport& rep, Rng& rng, int n) {
  constexpr int kConditions = 2, kTrials = 6;
  Impl<Real> re(p), plus(p), minus(p);
  Impl<Complex> cx(p);
  re.begin_lifetime(kConditions, 1);
  plus.begin_lifetime(kConditions, 1);
  minus.begin_lifetime(kConditions, 1);
  cx.begin_lifetime(kConditions, 1);
  for (int h = 0; h < kTrials; ++h) {
    // Small eligibilities keep any clipping inactive at the sampled point (its derivative is 0).
    const Mat<Real> e = random_matrix(rng, n, n, -1e-3, 1e-3), E = random_matrix(rng, n, n, -1, 1);
    const Mat<Real> W = random_matrix(rng, n, n, -0.3, 0.3), U = random_matrix(rng, n, n, -1, 1);
    const double R = rng.uniform(-1.5, -0.1), dR = rng.uniform(-1, 1);
    const int c = h % kConditions;
    Mat<Real> mu(n, n), dmu(n, n), mu_p(n, n), mu_m(n, n);
    TrialOutcome<Real> o{h, c, R};
    re.weight_update(o, e, W, mu);
    re.weight_update_tangent(o, 0, dR, e, E, W, U, dmu);
    const double s = kFiniteStep;
    TrialOutcome<Real> op{h, c, R + s * dR}, om{h, c, R - s * dR};
    plus.weight_update(op, e + s * E, W + s * U, mu_p);
    minus.weight_update(om, e - s * E, W - s * U, mu_m);
    TrialOutcome<Complex> oc{h, c, Complex(R, kComplexStep * dR)};
    Mat<Complex> mu_c(n, n);
    cx.weight_update(oc, with_step(e, E), with_step(W, U), mu_c);
    add_row(rep, "weight_update_tangent trial " + std::to_string(h), dmu, imag_over_step(mu_c),
            (mu_p - mu_m) / (2 * s));
    // The adjoints by the dot-product test: <mu_bar, dmu> must equal
    // <e_bar, E> + <W_bar, U> + R_bar dR + <state_bar, dstate> along the same direction.
    const Mat<Real> mu_bar = random_matrix(rng, n, n, -1, 1);
    const Mat<Real> dstate = state_tangent(cx, plus, minus, s).first;
    Mat<Real> e_bar(n, n), W_bar(n, n), state_bar = Mat<Real>::Zero(re.state_size(), 1);
    double R_bar = 0;
    re.weight_update_adjoint(o, e, W, mu_bar, e_bar, W_bar, R_bar, state_bar.data(), nullptr);
    add_row(rep, "weight_update_adjoint trial " + std::to_string(h),
            scalar((e_bar.cwiseProduct(E)).sum() + (W_bar.cwiseProduct(U)).sum() + R_bar * dR +
                   state_bar.cwiseProduct(dstate).sum()),
            scalar(mu_bar.cwiseProduct(imag_over_step(mu_c)).sum()),
            scalar(mu_bar.cwiseProduct((mu_p - mu_m) / (2 * s)).sum()));
    const Mat<Real> after_bar = random_matrix(rng, re.state_size(), 1, -1, 1);
    Mat<Real> before_bar = after_bar;
    R_bar = 0;
    re.end_trial_adjoint(o, before_bar.data(), R_bar, nullptr);
    re.end_trial(o, &dR);
    plus.end_trial(op, nullptr);
    minus.end_trial(om, nullptr);
    cx.end_trial(oc, nullptr);
    const auto [cs_after, fd_after] = state_tangent(cx, plus, minus, s);
    add_row(rep, "end_trial_adjoint trial " + std::to_string(h),
            scalar(before_bar.cwiseProduct(dstate).sum() + R_bar * dR),
            scalar(after_bar.cwiseProduct(cs_after).sum()),
            scalar(after_bar.cwiseProduct(fd_after).sum()));
  }
}

// A rule's learnable parameters, all learned at once in reversed order after two other
// directions that carry reward and eligibility tangents (so that a rule must find its own as the
// last directions, in the order given, and its adjoints at their position): each one's direct
// terms against the complex step of its log, its adjoints by the dot-product test, over trials
// whose eligibilities span seven orders of magnitude within each trial (so that some synapses
// reach a clip and some do not; three_factor's tests: eta 0.1 and 1e-3, clip 1e-2). A parameter
// that no trial gives a derivative fails: it was not exercised.
template <template <class> class Impl>
void check_rule_parameters(const ParamSet& p, DerivativeReport& rep, Rng& rng, int n) {
  constexpr int kConditions = 2, kTrials = 8, kOther = 2;
  const double s = kFiniteStep;
  const std::vector<LearnableParameter> listed = Impl<Real>(p).learnable_parameters();
  const int count = static_cast<int>(listed.size());
  if (count == 0) return;
  std::vector<int> which;  // reversed: position j learns parameter count - 1 - j
  std::vector<double> values;
  std::vector<std::string> label;  // "parameter NAME", per position
  for (int i = count - 1; i >= 0; --i) {
    which.push_back(i), values.push_back(listed[static_cast<std::size_t>(i)].value);
    label.push_back("parameter " + listed[static_cast<std::size_t>(i)].name);
  }
  // Per position: instances with that value stepped (complex) or moved by exp(+-h).
  struct Probe {
    std::unique_ptr<Impl<Real>> plus, minus;
    std::unique_ptr<Impl<Complex>> cx;
  };
  Impl<Real> re(p);
  re.learn_parameters(which, values.data());
  re.begin_lifetime(kConditions, kOther + count);
  std::vector<Probe> probes;
  for (int j = 0; j < count; ++j) {
    Probe pr{std::make_unique<Impl<Real>>(p), std::make_unique<Impl<Real>>(p),
             std::make_unique<Impl<Complex>>(p)};
    std::vector<double> vp = values, vm = values;
    vp[static_cast<std::size_t>(j)] *= std::exp(s);
    vm[static_cast<std::size_t>(j)] *= std::exp(-s);
    std::vector<Complex> vc(values.begin(), values.end());
    vc[static_cast<std::size_t>(j)] *= std::exp(Complex(0, kComplexStep));
    pr.plus->learn_parameters(which, vp.data());
    pr.minus->learn_parameters(which, vm.data());
    pr.cx->learn_parameters(which, vc.data());
    pr.plus->begin_lifetime(kConditions, 0);
    pr.minus->begin_lifetime(kConditions, 0);
    pr.cx->begin_lifetime(kConditions, 0);
    probes.push_back(std::move(pr));
  }
  std::vector<double> largest(static_cast<std::size_t>(count), 0.0);
  const Mat<Real> zero = Mat<Real>::Zero(n, n);
  for (int h = 0; h < kTrials; ++h) {
    Mat<Real> e(n, n);  // magnitudes log-uniform over 1e-4 .. 1e3: some synapses clip, some not
    for (Eigen::Index k = 0; k < e.size(); ++k)
      e(k) = (rng.uniform(0, 1) < 0.5 ? -1 : 1) * std::pow(10.0, rng.uniform(-4, 3));
    const Mat<Real> W = random_matrix(rng, n, n, -0.3, 0.3);
    const double R = rng.uniform(-1.5, -0.1);
    TrialOutcome<Real> o{h, h % kConditions, R};
    TrialOutcome<Complex> oc{h, h % kConditions, Complex(R, 0)};
    const Mat<Real> mu_bar = random_matrix(rng, n, n, -1, 1);
    const Mat<Real> after_bar = random_matrix(rng, re.state_size(), 1, -1, 1);
    // The adjoints of every position at once, as the host takes them.
    Mat<Real> e_bar(n, n), W_bar(n, n), state_bar = Mat<Real>::Zero(re.state_size(), 1);
    Mat<Real> u_bar = Mat<Real>::Zero(count, 1), u_bar_end = Mat<Real>::Zero(count, 1);
    double R_bar = 0;
    re.weight_update_adjoint(o, e, W, mu_bar, e_bar, W_bar, R_bar, state_bar.data(), u_bar.data());
    Mat<Real> before_bar = after_bar;
    R_bar = 0;
    re.end_trial_adjoint(o, before_bar.data(), R_bar, u_bar_end.data());
    std::vector<Mat<Real>> dstate_before;
    for (auto& pr : probes)
      dstate_before.push_back(state_tangent(*pr.cx, *pr.plus, *pr.minus, s).first);
    for (int j = 0; j < count; ++j) {
      auto& pr = probes[static_cast<std::size_t>(j)];
      const std::string what = label[static_cast<std::size_t>(j)] + " ";
      Mat<Real> dmu(n, n), mu_p(n, n), mu_m(n, n);
      Mat<Complex> mu_c(n, n);
      re.weight_update_tangent(o, kOther + j, 0.0, e, zero, W, zero, dmu);
      pr.plus->weight_update(o, e, W, mu_p);
      pr.minus->weight_update(o, e, W, mu_m);
      pr.cx->weight_update(oc, e.cast<Complex>(), W.cast<Complex>(), mu_c);
      const Mat<Real> cs = imag_over_step(mu_c);
      largest[static_cast<std::size_t>(j)] =
          std::max(largest[static_cast<std::size_t>(j)], cs.cwiseAbs().maxCoeff());
      add_row(rep, what + "weight_update_tangent trial " + std::to_string(h), dmu, cs,
              (mu_p - mu_m) / (2 * s));
      const Mat<Real>& dstate = dstate_before[static_cast<std::size_t>(j)];
      add_row(rep, what + "weight_update_adjoint trial " + std::to_string(h),
              scalar(u_bar(j) + state_bar.cwiseProduct(dstate).sum()),
              scalar(mu_bar.cwiseProduct(cs).sum()),
              scalar(mu_bar.cwiseProduct((mu_p - mu_m) / (2 * s)).sum()));
    }
    std::vector<double> dR(static_cast<std::size_t>(kOther + count), 0.0);
    dR[0] = 0.7, dR[1] = -0.4;  // the other directions' reward tangents
    re.end_trial(o, dR.data());
    for (int j = 0; j < count; ++j) {
      auto& pr = probes[static_cast<std::size_t>(j)];
      pr.plus->end_trial(o, nullptr);
      pr.minus->end_trial(o, nullptr);
      pr.cx->end_trial(oc, nullptr);
      const auto [cs_after, fd_after] = state_tangent(*pr.cx, *pr.plus, *pr.minus, s);
      add_row(rep,
              label[static_cast<std::size_t>(j)] + " end_trial_adjoint trial " + std::to_string(h),
              scalar(before_bar.cwiseProduct(dstate_before[static_cast<std::size_t>(j)]).sum() +
                     u_bar_end(j)),
              scalar(after_bar.cwiseProduct(cs_after).sum()),
              scalar(after_bar.cwiseProduct(fd_after).sum()));
    }
  }
  for (int j = 0; j < count; ++j)
    if (largest[static_cast<std::size_t>(j)] == 0)
      rep.rows.push_back(
          {label[static_cast<std::size_t>(j)] + ": no trial gave it a derivative (not exercised)",
           0, INFINITY, INFINITY});
}

template <template <class> class Impl>
void check_task(const ParamSet& p, DerivativeReport& rep, Rng& rng) {
  Impl<Real> re(p);
  Impl<Complex> cx(p);
  const TaskSetup setup{};
  re.setup(setup);
  cx.setup(setup);
  const TaskLayout lay = re.layout();
  for (int trial = 0; trial < std::max(2, lay.conditions); ++trial) {
    TrialSpec spec;
    Rng trial_rng(derive_seed(1, {static_cast<std::uint64_t>(trial)}));
    re.make_trial(trial, trial_rng, spec);
    const Mat<Real> z = random_matrix(rng, lay.outputs, lay.steps, -1, 1);
    const Mat<Real> dir = random_matrix(rng, lay.outputs, lay.steps, -1, 1);
    Mat<Real> g(lay.outputs, lay.steps);
    re.reward_gradient(spec, z, g);
    Mat<Real> declared(1, 1), cs(1, 1), fd(1, 1);
    declared(0, 0) = g.cwiseProduct(dir).sum();
    cs(0, 0) = cx.reward(spec, with_step(z, dir)).imag() / kComplexStep;
    fd(0, 0) = (re.reward(spec, z + kFiniteStep * dir) - re.reward(spec, z - kFiniteStep * dir)) /
               (2 * kFiniteStep);
    add_row(rep, "reward_gradient cond " + std::to_string(spec.condition), declared, cs, fd);
    if (!re.has_policy()) continue;
    const int action = re.sample_action(spec, z, rng);
    re.log_policy_gradient(spec, z, action, g);
    declared(0, 0) = g.cwiseProduct(dir).sum();
    cs(0, 0) = cx.log_policy(spec, with_step(z, dir), action).imag() / kComplexStep;
    fd(0, 0) = (re.log_policy(spec, z + kFiniteStep * dir, action) -
                re.log_policy(spec, z - kFiniteStep * dir, action)) /
               (2 * kFiniteStep);
    add_row(rep, "log_policy_gradient cond " + std::to_string(spec.condition), declared, cs, fd);
  }
}

}  // namespace detail

// Checks every declared derivative of the component template Impl, whatever its kind.
template <template <class> class Impl>
DerivativeReport check_derivatives(const ParamSet& params, std::uint64_t seed = 7, int n = 9) {
  DerivativeReport rep;
  Rng rng(seed);
  if constexpr (std::is_base_of_v<NeuronModel<Real>, Impl<Real>>)
    detail::check_neuron<Impl>(params, rep, rng, n);
  else if constexpr (std::is_base_of_v<TracePolynomial<Real>, Impl<Real>>)
    detail::check_trace<Impl>(params, rep, rng, n);
  else if constexpr (std::is_base_of_v<PlasticityRule<Real>, Impl<Real>>) {
    detail::check_rule<Impl>(params, rep, rng, n);
    detail::check_rule_parameters<Impl>(params, rep, rng, n);
  } else if constexpr (std::is_base_of_v<Task<Real>, Impl<Real>>)
    detail::check_task<Impl>(params, rep, rng);
  else
    static_assert(sizeof(Impl<Real>) == 0, "no derivatives to check for this kind");
  return rep;
}

}  // namespace neohebb::sdk::testing
