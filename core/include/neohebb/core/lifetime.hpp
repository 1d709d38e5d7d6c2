#pragma once
// One lifetime: a fresh network that learns over H trials with the plasticity rule (the inner
// loop). The eligibility trace of a trial is accumulated as one matrix product,
// e_T = sum_t w_t (B_t theta^T) A_t^T = [.. w_t B_t theta^T ..] [.. A_t ..]^T, never per synapse.
#include <cstdint>
#include <memory>
#include <vector>

#include "neohebb/core/network.hpp"
#include "neohebb/core/setup.hpp"

namespace neohebb::core {

struct TrialRecord {
  std::int64_t trial = 0;
  int condition = 0;
  double reward = 0;
  bool correct = false;
  double baseline = 0;  // the rule's baseline for this condition before the trial's update
  bool plastic = false;
};

template <class S>
class Lifetime {
 public:
  // `seed` is the lifetime's own seed; `theta` the trace coefficients (K x L).
  Lifetime(const Setup<S>& setup, std::uint64_t seed, const sdk::Mat<S>& theta);

  TrialRecord run_trial();
  std::int64_t trials_done() const { return trial_; }
  const sdk::Mat<S>& weights() const { return W_; }
  const NetworkWeights& initial() const { return initial_; }

 private:
  struct Kick {
    int step, unit;
    double value;
  };
  void draw_kicks(sdk::Rng& rng);
  void initial_state(sdk::Rng& rng);
  void clamp(sdk::Vec<S>& x) const;
  void integrate();

  const Setup<S>& setup_;
  std::uint64_t seed_;
  std::int64_t trial_ = 0;
  int N_, T_, K_, first_trace_step_;
  NetworkWeights initial_;
  sdk::Mat<S> W_, W_in_, W_out_, theta_t_;
  std::shared_ptr<sdk::PlasticityRule<S>> rule_;
  sdk::TrialSpec spec_;
  std::vector<Kick> kicks_;
  std::vector<double> trace_weight_;  // w_t = c lambda_e^(T-1-t)
  // Buffers sized once per lifetime: the hot loop allocates nothing.
  sdk::Vec<S> x_, x_next_, xbar_, r_, d_, current_;
  sdk::Mat<S> drive_, pre_stack_, post_stack_, post_basis_, e_, mu_, z_;
};

}  // namespace neohebb::core
