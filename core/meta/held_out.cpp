#include "core/meta/held_out.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/cluster/distributed_for.hpp"
#include "core/engine/lifetime.hpp"
#include "core/engine/seeding.hpp"
#include "core/support/errors.hpp"

namespace neohebb::core {

namespace {

HeldOutLifetime run_held_out(const Setup<sdk::Real>& setup, const TraceParameters& trace, int k) {
  HeldOutLifetime out;
  const std::int64_t H = setup.trials;
  const std::int64_t late_from = H - std::max<std::int64_t>(1, H / 10);
  double reward = 0, correct = 0;
  try {
    Lifetime<sdk::Real> life = traced_lifetime(setup, lifetime_seed(setup.seed, k), trace);
    for (std::int64_t h = 0; h < H; ++h) {
      const TrialRecord r = life.run_trial();
      reward += r.reward;
      if (h >= late_from) correct += r.correct ? 1.0 : 0.0;
    }
  } catch (const DivergenceError& err) {
    // A diverging held-out lifetime is a result about that theta, not a reason to lose the run;
    // any other error is not a result and propagates.
    out.divergence = err.what();
    return out;
  }
  out.mean_reward = reward / double(H);
  out.correct_late = correct / double(H - late_from);
  return out;
}

}  // namespace

HeldOutComparison compare_held_out(const Setup<sdk::Real>& setup, const TraceParameters& initial,
                                   const TraceParameters& learned, int lifetimes, int threads,
                                   const std::function<bool()>& keep_going) {
  HeldOutComparison c;
  c.initial.resize(std::size_t(lifetimes));
  c.learned.resize(std::size_t(lifetimes));
  // Job j: lifetime j mod L at the initial theta (j < L) or at the learned one.
  const auto slot = [&](int job) -> HeldOutLifetime& {
    return (job >= lifetimes ? c.learned : c.initial)[std::size_t(job % lifetimes)];
  };
  rethrow_first(distributed_jobs(
      2 * lifetimes, threads,
      [&](int job) {
        slot(job) = run_held_out(setup, job >= lifetimes ? learned : initial, job % lifetimes);
      },
      keep_going,
      [&](int job) {
        const HeldOutLifetime& l = slot(job);
        return nlohmann::json{l.mean_reward, l.correct_late, l.divergence};
      },
      [&](int job, const nlohmann::json& j) {
        slot(job) = {j.at(0).get<double>(), j.at(1).get<double>(), j.at(2).get<std::string>()};
      },
      Collect::Everywhere));
  return c;
}

std::string held_out_csv(const HeldOutComparison& c) {
  std::string out = "theta,lifetime,mean_reward,correct_late,diverged\n";
  auto rows = [&](const char* name, const std::vector<HeldOutLifetime>& v) {
    for (std::size_t k = 0; k < v.size(); ++k)
      out += v[k].diverged() ? fmt::format("{},{},,,1\n", name, k)
                             : fmt::format("{},{},{:.17g},{:.17g},0\n", name, k, v[k].mean_reward,
                                           v[k].correct_late);
  };
  rows("initial", c.initial);
  rows("learned", c.learned);
  return out;
}

HeldOutMeans held_out_means(const std::vector<HeldOutLifetime>& v) {
  double reward = 0, correct = 0;
  int n = 0;
  for (const auto& l : v) {
    if (l.diverged()) continue;
    reward += l.mean_reward;
    correct += l.correct_late;
    ++n;
  }
  HeldOutMeans out{static_cast<int>(v.size()), static_cast<int>(v.size()) - n, {}, {}};
  if (n > 0) out.mean_reward = reward / n, out.correct_late = correct / n;
  return out;
}

nlohmann::json held_out_summary(const HeldOutComparison& c) {
  const auto json = [](const HeldOutMeans& m) {
    const auto value = [](const std::optional<double>& x) {
      return x ? nlohmann::json(*x) : nlohmann::json(nullptr);
    };
    return nlohmann::json{{"lifetimes", m.lifetimes},
                          {"diverged", m.diverged},
                          {"mean_reward", value(m.mean_reward)},
                          {"correct_late", value(m.correct_late)}};
  };
  return {{"initial", json(held_out_means(c.initial))},
          {"learned", json(held_out_means(c.learned))}};
}

}  // namespace neohebb::core
