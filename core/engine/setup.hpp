#pragma once
// From a validated experiment to the plugin instances and options a lifetime runs with, with the
// checks that need several sections at once (a readout unit per task output, clamps inside the
// network, ...). Plugin errors become positioned config errors here.
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "core/config/experiment.hpp"
#include "core/engine/network.hpp"

namespace neohebb::core {

// The most steps a trial may last (checked against the task's layout at dt).
inline constexpr int kMaxTrialSteps = 1'000'000;

template <class S>
struct Setup {
  NetworkSection network;
  ExplorationSection exploration;
  EligibilitySection eligibility;
  std::shared_ptr<sdk::NeuronModel<S>> neuron;
  std::shared_ptr<sdk::TracePolynomial<S>> trace;
  std::shared_ptr<sdk::Task<S>> task;
  sdk::TaskLayout layout;
  const LoadedComponent* rule = nullptr;
  sdk::ParamSet rule_params;
  std::uint64_t seed = 0;
  int lifetimes = 1;
  std::int64_t trials = 0;
  RewardSource reward = RewardSource::Task;  // Policy: a sampled action is rewarded
  // The trace coefficients (k, l) meta-learning may change: one tangent direction each.
  std::vector<std::pair<int, int>> directions;

  // Rules keep per-lifetime state (baselines): one instance per lifetime.
  std::shared_ptr<sdk::PlasticityRule<S>> make_rule() const;
};

// Throws ConfigError with every problem found.
template <class S>
Setup<S> make_setup(const Experiment& e);

}  // namespace neohebb::core
