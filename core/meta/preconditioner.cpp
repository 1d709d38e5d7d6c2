#include "core/meta/preconditioner.hpp"

#include <algorithm>
#include <cmath>

#include "core/engine/lifetime.hpp"

namespace neohebb::core {

Eigen::MatrixXd basis_scales(const Setup<sdk::Real>& setup, const Eigen::MatrixXd& theta,
                             int trials) {
  const auto& trace = *setup.trace;
  const Eigen::Index N = setup.network.size, K = trace.pre_terms(), L = trace.post_terms();
  Lifetime<sdk::Real> probe(setup, sdk::derive_seed(setup.seed, {0x9bec0d1ULL}), theta,
                            {.adjoint = true});  // keeps each trial's trajectory
  Eigen::MatrixXd A(N, K), B(N, L), sum = Eigen::MatrixXd::Zero(K, L);
  double steps = 0;
  for (int h = 0; h < trials; ++h) {
    probe.run_trial();
    for (Eigen::Index t = probe.first_trace_step(); t < probe.trial_rates().cols(); ++t) {
      trace.pre_basis(probe.trial_rates().col(t), A);
      trace.post_basis(probe.trial_deviations().col(t), B);
      // mean over (i, j) of (a_k(r_j) b_l(d_i))^2 = mean_j a_k^2 * mean_i b_l^2
      sum += A.array().square().colwise().mean().matrix().transpose() *
             B.array().square().colwise().mean().matrix();
      ++steps;
    }
  }
  return (sum / std::max(steps, 1.0)).cwiseSqrt();
}

Eigen::VectorXd basis_step_multipliers(const Setup<sdk::Real>& setup,
                                       const Eigen::MatrixXd& scales) {
  std::vector<double> s;
  for (const auto& [k, l] : setup.directions)
    if (scales(k, l) > 0) s.push_back(scales(k, l));
  std::vector<double> sorted = s;
  std::sort(sorted.begin(), sorted.end());
  const double median = sorted.empty() ? 1.0 : sorted[sorted.size() / 2];
  Eigen::VectorXd m(static_cast<Eigen::Index>(setup.directions.size()));
  for (std::size_t p = 0; p < setup.directions.size(); ++p) {
    const double sp = scales(setup.directions[p].first, setup.directions[p].second);
    m(Eigen::Index(p)) = sp > 0 ? median / sp : 1.0;
  }
  return m;
}

}  // namespace neohebb::core
