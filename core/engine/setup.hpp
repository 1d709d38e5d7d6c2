#pragma once
// From a validated experiment to the plugin instances and options a lifetime runs with, with the
// checks that need several sections at once (a readout unit per task output, clamps inside the
// network, ...). Plugin errors become positioned config errors here.
#include <cstdint>
#include <memory>
#include <optional>
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
  // [meta] learn_tau_e: one more direction, log tau_e, after the coefficients'.
  bool learn_tau_e = false;
  // [meta] learn_rule: the rule's parameters meta-learning moves, one direction each after
  // log tau_e's: their indices in the rule's learnable_parameters(), and those entries.
  std::vector<int> rule_parameters;
  std::vector<sdk::LearnableParameter> rule_learned;

  int tangent_directions() const {
    return static_cast<int>(directions.size() + rule_parameters.size()) + learn_tau_e;
  }

  // Rules keep per-lifetime state (baselines): one instance per lifetime.
  std::shared_ptr<sdk::PlasticityRule<S>> make_rule() const;
};

// What a lifetime's trace runs with besides the setup, and what meta-learning moves: the
// coefficients theta (K x L) and, with [meta] learn_tau_e, the time constant tau_e (ms); without
// it every setup (each task of [meta] tasks) keeps its own [eligibility] tau_e.
struct TraceParameters {
  Eigen::MatrixXd theta;
  std::optional<double> tau_e;
  std::vector<double> rule;  // [meta] learn_rule: the learned values; empty: as the rule was built

  double tau_e_in(const Setup<sdk::Real>& setup) const {
    return tau_e.value_or(setup.eligibility.tau_e);
  }
};

// The trace as the experiment gives it.
TraceParameters initial_trace(const Setup<sdk::Real>& setup);

// Throws ConfigError with every problem found.
template <class S>
Setup<S> make_setup(const Experiment& e);

}  // namespace neohebb::core
