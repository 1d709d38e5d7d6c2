#include "core/meta/validation.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/cluster/distributed_for.hpp"
#include "core/engine/lifetime.hpp"
#include "core/meta/objective.hpp"
#include "core/support/errors.hpp"

namespace neohebb::core {

namespace {

struct ValidationLifetime {
  bool diverged = false;
  LifetimeScore score{};
};

nlohmann::json to_wire(const ValidationLifetime& l) {
  return {l.diverged, l.score.objective, l.score.correct_late};
}

void from_wire(const nlohmann::json& j, ValidationLifetime& l) {
  l = {j.at(0).get<bool>(), {j.at(1).get<double>(), j.at(2).get<double>()}};
}

ValidationLifetime run_validation(const Setup<sdk::Real>& setup, const std::vector<double>& weights,
                                  const TraceParameters& trace, int index) {
  try {
    return {.score =
                score_lifetime(setup, weights, trace, validation_lifetime_seed(setup.seed, index))};
  } catch (const DivergenceError&) {
    return {.diverged = true};  // a result about theta, counted; other errors propagate
  }
}

}  // namespace

LifetimeScore score_lifetime(const Setup<sdk::Real>& setup, const std::vector<double>& weights,
                             const TraceParameters& trace, std::uint64_t seed) {
  const std::int64_t H = setup.trials;
  const std::int64_t late_from = H - std::max<std::int64_t>(1, H / 10);
  const bool policy = setup.reward == RewardSource::Policy;  // as the meta-objective counts it
  LifetimeScore out;
  Lifetime<sdk::Real> life = traced_lifetime(setup, seed, trace);
  for (std::int64_t h = 0; h < H; ++h) {
    const TrialRecord r = life.run_trial();
    out.objective += weights[static_cast<std::size_t>(h)] * (policy ? r.reward : r.task_reward);
    if (h >= late_from) out.correct_late += r.correct ? 1.0 : 0.0;
  }
  out.correct_late /= double(H - late_from);
  return out;
}

std::uint64_t validation_lifetime_seed(std::uint64_t experiment_seed, int index) {
  return sdk::derive_seed(experiment_seed, {0x5a11da7eULL, static_cast<std::uint64_t>(index)});
}

ValidationResult validate_theta(const Setup<sdk::Real>& setup, const MetaSection& meta,
                                const TraceParameters& trace, int threads,
                                const std::function<bool()>& keep_going) {
  const std::vector<double> weights = objective_weights(meta, setup.trials);
  std::vector<ValidationLifetime> lives(static_cast<std::size_t>(meta.validation));
  rethrow_first(distributed_for(
      meta.validation, threads, lives,
      [&](int k) { lives[std::size_t(k)] = run_validation(setup, weights, trace, k); },
      keep_going));
  ValidationResult r;
  r.lifetimes = meta.validation;
  for (const auto& l : lives) r.diverged += l.diverged ? 1 : 0;
  const double n = r.lifetimes - r.diverged;
  if (n == 0) {
    r.objective = r.correct_late = std::numeric_limits<double>::quiet_NaN();
    return r;
  }
  for (const auto& l : lives) {
    if (l.diverged) continue;
    r.objective += l.score.objective / n;
    r.correct_late += l.score.correct_late / n;
  }
  return r;
}

bool validation_due(const MetaSection& meta, int step) {
  return meta.validation > 0 && (step % meta.validate_every == 0 || step == meta.steps);
}

Eigen::VectorXd gradient_snr(const std::vector<Eigen::VectorXd>& gradients) {
  const std::size_t n = gradients.size();
  if (n < 2) return {};
  Eigen::VectorXd mean = Eigen::VectorXd::Zero(gradients.front().size());
  for (const auto& g : gradients) mean += g / double(n);
  Eigen::VectorXd var = Eigen::VectorXd::Zero(mean.size());
  for (const auto& g : gradients) var += (g - mean).cwiseAbs2() / double(n - 1);
  Eigen::VectorXd snr(mean.size());
  for (Eigen::Index p = 0; p < mean.size(); ++p)
    snr(p) = var(p) > 0 ? mean(p) / std::sqrt(var(p)) : 0.0;
  return snr;
}

}  // namespace neohebb::core
