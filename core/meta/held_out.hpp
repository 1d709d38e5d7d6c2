#pragma once
// After meta-learning: the initial and the learned coefficients learn the task from scratch in
// the same held-out lifetimes, so the comparison is paired (same networks, trials and kicks).
// The lifetimes are those of a plain run of the experiment (`lifetime_seed`), which meta-training
// never draws (`meta_lifetime_seed`).
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "core/engine/setup.hpp"

namespace neohebb::core {

struct HeldOutLifetime {
  double mean_reward = 0;   // over every trial of the lifetime
  double correct_late = 0;  // fraction correct over its last tenth of trials
  std::string divergence;   // why it stopped early; empty if it did not
  bool diverged() const { return !divergence.empty(); }
};

struct HeldOutComparison {
  std::vector<HeldOutLifetime> initial, learned;
};

// `keep_going` is polled while lifetimes run; once it returns false no further lifetime starts
// (the caller checks why and discards the comparison).
HeldOutComparison compare_held_out(const Setup<sdk::Real>& setup, const TraceParameters& initial,
                                   const TraceParameters& learned, int lifetimes, int threads,
                                   const std::function<bool()>& keep_going = {});

// One row per lifetime and theta: theta,lifetime,mean_reward,correct_late,diverged.
std::string held_out_csv(const HeldOutComparison& c);

// Means over the lifetimes of one theta that did not diverge, and how many did.
struct HeldOutMeans {
  int lifetimes = 0, diverged = 0;
  std::optional<double> mean_reward, correct_late;  // none when every lifetime diverged
};
HeldOutMeans held_out_means(const std::vector<HeldOutLifetime>& v);

// {"initial": means, "learned": means} for run.json (a mean is null when it has no lifetime).
nlohmann::json held_out_summary(const HeldOutComparison& c);

}  // namespace neohebb::core
