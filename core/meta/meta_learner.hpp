#pragma once
// The outer loop: meta-steps of gradient ascent on the lifetime objective over the learnable
// trace coefficients, each step averaging the meta-gradients (forward or reverse mode, [meta]
// gradient) of a meta-batch of independent lifetimes (pathwise or REINFORCE). Everything a resumed
// run needs is in MetaState, which is checkpointed after every step (meta/checkpoint.hpp).
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "core/config/experiment.hpp"
#include "core/engine/lifetime.hpp"
#include "core/engine/setup.hpp"
#include "core/meta/adjoint_gradient.hpp"
#include "core/meta/objective.hpp"
#include "core/meta/validation.hpp"
#include "core/support/progress.hpp"

namespace neohebb::core {

// A lifetime left out of a meta-step ([meta] on_divergence = "skip").
struct SkippedLifetime {
  int lifetime = 0;
  long long trial = 0;
  std::string error;
};
nlohmann::json to_wire(const SkippedLifetime& s);
void from_wire(const nlohmann::json& j, SkippedLifetime& s);

// One task of a meta-batch ([meta] tasks; a single-task experiment has one, unnamed). Its
// lifetimes' objectives enter the batch's as (J - chance) / (best - chance), so that every task
// counts from no learning (0) to a perfect output (1); a single task keeps J as it is
// (chance 0, best 1).
struct MetaTask {
  const Setup<sdk::Real>* setup = nullptr;
  std::string name;
  double chance = 0, best = 1;
};

// Per task of a multi-task meta-step: the means over its lifetimes kept (NaN if none).
struct TaskMetrics {
  double objective = 0, correct_late = 0;
};

struct MetaStepRecord {
  int step = 0;  // 1-based: the state after this many meta-steps
  double objective = 0;
  double reward_early = 0, reward_late = 0;  // first and last tenth of each lifetime
  double correct_early = 0, correct_late = 0;
  double gradient_norm = 0;  // before clipping
  double step_scale = 1;     // learning-rate multiplier in force (halved by each backtrack)
  double step_fraction = 1;  // of the optimizer's step taken ([meta] line_search; 0: refused)
  Eigen::VectorXd theta;     // the learnable coefficients after the step (then log eta, log tau_e)
  std::vector<SkippedLifetime> skipped;        // diverged lifetimes left out of this step's means
  Eigen::VectorXd gradient_snr;                // per coefficient across the batch (validation.hpp)
  std::vector<TaskMetrics> tasks;              // multi-task: per task; else empty
  std::optional<ValidationResult> validation;  // of theta after the step, when due
};

struct MetaState {
  int step = 0;
  Eigen::MatrixXd theta;         // K x L
  double log_eta = 0;            // [meta] learn_eta: lifetimes use exp(log_eta) theta
  double log_tau_e = 0;          // [meta] learn_tau_e: lifetimes use tau_e = exp(log_tau_e)
  Eigen::VectorXd log_rule;      // [meta] learn_rule: the logs of the rule's learned parameters
  Eigen::VectorXd m, v;          // Adam moments, one entry per direction
  std::vector<double> baseline;  // REINFORCE b_h; empty before the first step
  Eigen::VectorXd last_step;     // the change of the learnable coefficients in the last step
  double step_scale = 1;         // learning-rate multiplier (on_divergence = "backtrack")
  int backtracks = 0;
  std::vector<MetaStepRecord> history;
  std::optional<ValidationResult> validation_start;  // of the initial theta ([meta] validation)
};

class MetaLearner {
 public:
  MetaLearner(const Setup<sdk::Real>& setup, MetaSection options);
  // A meta-batch over several tasks: lifetime k of a step learns task k mod T (ES: pair k mod
  // T), so every task is in every step; the seeds and the rule are the first task's.
  MetaLearner(std::vector<MetaTask> tasks, MetaSection options);
  MetaState initial_state() const;
  // One meta-step: lifetimes on `threads` threads, reduced in a fixed order.
  // Returns false when a lifetime diverged and the step was backtracked instead (retry it).
  // With on_divergence = "skip" a diverged lifetime is left out of the means instead; a step in
  // which every lifetime diverged throws.
  bool step(MetaState& state, int threads, Progress* progress = nullptr) const;
  const std::vector<std::string>& direction_names() const { return names_; }
  bool reverse_mode() const { return adjoint_; }  // what [meta] gradient resolved to
  // What meta-learning moves: the learnable coefficients, then log eta with [meta] learn_eta,
  // log tau_e with [meta] learn_tau_e and the logs of the rule's parameters of [meta] learn_rule.
  Eigen::Index parameters() const;
  Eigen::VectorXd parameters(const MetaState& s) const;
  // The trace the lifetimes use: exp(log_eta) theta, and tau_e (exp(log_tau_e) when learned).
  TraceParameters trace(const MetaState& s) const;
  // The trace the run returns: with [meta] average_last = N > 1, that of the mean of the
  // parameters after the last N meta-steps (fewer if fewer were taken); else trace(s).
  TraceParameters learned_trace(const MetaState& s) const;
  // ... and after moving the parameters by `delta`.
  TraceParameters trace(const MetaState& s, const Eigen::VectorXd& delta) const;
  int checkpoint_every() const { return checkpoint_every_; }
  const Setup<sdk::Real>& setup() const { return setup_; }
  const std::vector<MetaTask>& tasks() const { return tasks_; }
  int task_of(int index) const;  // the task of lifetime `index` of a meta-step
  bool multi_task() const { return tasks_.size() > 1 || !tasks_.front().name.empty(); }
  // Theta on the [meta] validation lifetimes of every task: per task, and their normalised mean.
  ValidationResult validate(const TraceParameters& trace, int threads,
                            const std::function<bool()>& keep_going = {}) const;
  const MetaSection& options() const { return options_; }
  // Per meta-parameter multiplier of the optimizer's step ([meta] precondition; else ones).
  const Eigen::VectorXd& step_multipliers() const { return multipliers_; }

 private:
  struct LifetimeGradient {
    int task = 0;
    double objective = 0, reward_early = 0, reward_late = 0, correct_early = 0, correct_late = 0;
    Eigen::VectorXd gradient;            // pathwise: complete; REINFORCE: filled after the baseline
    std::vector<double> credit;          // REINFORCE G_h
    std::vector<Eigen::VectorXd> score;  // REINFORCE d log pi(a_h)/dtheta (forward mode)
    // REINFORCE in reverse mode: the swept lifetime, until the credit's baseline is known.
    std::shared_ptr<AdjointLifetime> adjoint;
    std::vector<double> rewards;              // R_h (a diverged lifetime's completed: "worst")
    std::optional<SkippedLifetime> diverged;  // on_divergence = "worst": where it stopped
    std::size_t trials_run = 0;               // the trials with a derivative
  };
  // One meta-step's lifetimes: their gradients, which were kept and which skipped.
  struct Batch {
    std::vector<LifetimeGradient> lifetimes;
    std::vector<bool> kept;
    std::vector<SkippedLifetime> skipped;
  };
  bool run_batch(MetaState& s, int threads, Progress* progress, Batch& b) const;
  // A lifetime's gradient as another rank receives it (meta_wire.cpp); a REINFORCE adjoint
  // sweep stays with the rank that ran it.
  static nlohmann::json lifetime_wire(const LifetimeGradient& lg);
  static LifetimeGradient lifetime_from_wire(const nlohmann::json& j);
  bool recover(MetaState& s, int lifetime, const std::exception_ptr& error, int threads) const;
  void reinforce_gradients(MetaState& s, Batch& b, double n, int threads) const;
  void clip_lifetime_gradients(Batch& b) const;
  MetaStepRecord batch_means(const Batch& b, Eigen::VectorXd& g) const;
  std::vector<TaskMetrics> task_metrics(const Batch& b, const std::vector<double>& count) const;
  Eigen::VectorXd ascent(MetaState& s, Eigen::VectorXd g) const;
  void backtrack(MetaState& s) const;
  LifetimeGradient run_lifetime(const MetaState& s, int index, Progress* progress) const;
  LifetimeGradient run_lifetime_es(const TraceParameters& trace, int step, int index,
                                   Progress* progress) const;
  Eigen::VectorXd es_perturbation(int step, int pair) const;
  void es_gradients(MetaState& s, Batch& b) const;
  LifetimeGradient run_lifetime_adjoint(const TraceParameters& trace, double scale, int step,
                                        int index, Progress* progress) const;
  void tally(LifetimeGradient& out, std::size_t h, double R, bool correct) const;
  const Setup<sdk::Real>& task_setup(int task) const;
  std::size_t trials_of(int task) const;
  // The batch objective from its lifetimes': see MetaTask.
  double combine(const std::vector<double>& objective, const std::vector<int>& task,
                 const std::vector<bool>& kept) const;
  std::vector<double> task_counts(const std::vector<int>& task,
                                  const std::vector<bool>& kept) const;
  double tasks_present(const std::vector<double>& count) const;
  void scale_to_tasks(Batch& b) const;
  double worst_reward(const Batch& b, int task) const;
  void move(MetaState& s, const Eigen::VectorXd& delta) const;
  double line_search(const MetaState& s, const Batch& b, double objective,
                     const Eigen::VectorXd& delta, int threads) const;
  double batch_objective_at(const TraceParameters& trace, int step, const Batch& b,
                            int threads) const;
  Eigen::VectorXd from_trace_gradient(const TraceGradient& G, const Eigen::MatrixXd& theta_eff,
                                      double scale) const;
  TraceParameters perturbed_trace(const MetaState& s, int step, int index) const;
  template <class L>
  std::optional<TrialRecord> trial_or_divergence(L& life, LifetimeGradient& out, int index) const;
  void count_worst(Batch& b, int step) const;

  std::vector<MetaTask> tasks_;
  const Setup<sdk::Real>& setup_;  // the first task's: seeds, the trace and what it learns
  MetaSection options_;
  bool reinforce_;  // the REINFORCE estimator
  bool es_;         // evolution strategies (no derivative); else pathwise
  bool adjoint_;    // reverse mode, else forward mode
  int checkpoint_every_;
  std::vector<std::vector<double>> weights_;  // per task: the objective's weights of its trials
  std::vector<std::string> names_;
  Eigen::VectorXd multipliers_;
  double tau_e_floor_ = 0;  // 2 dt for the largest dt of the tasks ([meta] learn_tau_e)
  // Where the log-space parameters sit in the parameter vector (-1: not learned).
  Eigen::Index eta_index_ = -1, tau_index_ = -1, rule_index_ = 0;
};

// Throws ConfigError when meta-learning cannot run: no learnable coefficient, or an estimator
// that does not match what drives plasticity ([experiment] reward).
void validate_meta(const Experiment& e, const Setup<sdk::Real>& setup, const MetaSection& o);

// [meta] learn_tau_e starts from `tau` (finite, at least 2 dt); throws ConfigError otherwise.
void check_learned_tau_start(const Experiment& e, double tau, double dt);

std::uint64_t meta_lifetime_seed(std::uint64_t experiment_seed, int step, int index);

// ES: pair `pair`'s perturbation eps ~ N(0, I) over the learnable coefficients at a meta-step,
// from the experiment's seed (the same whatever the threads).
Eigen::VectorXd es_perturbation(std::uint64_t experiment_seed, int step, int pair,
                                std::size_t directions);

// With `tasks` (a multi-task learner's names): a batch objective and fraction correct late per
// task, and the validation's, after the columns of a single task.
std::string meta_metrics_csv(const MetaState& s, const std::vector<std::string>& tasks = {});

// Every check `run` makes before meta-learning (the experiment's validate_meta and, with
// [meta] tasks, validate_tasks and each task's setup and checks); throws ConfigError.
void check_meta(const Experiment& e, const Setup<sdk::Real>& setup);

// Throws ConfigError when [meta] tasks cannot run: REINFORCE, a batch that does not divide into
// the tasks, a task rewarded by its policy.
void validate_tasks(const Experiment& e);

// [meta] tasks: each task's setup, on the experiment's seed (the learner draws every lifetime's
// seed from it), each checked like the experiment itself (validate_meta).
std::vector<Setup<sdk::Real>> make_task_setups(const Experiment& e, std::uint64_t seed);

// The learner's tasks: the experiment alone (`setup`), or each of `task_setups`, scaled from
// chance to best (measure_task_scales).
std::vector<MetaTask> meta_tasks(const Experiment& e, const Setup<sdk::Real>& setup,
                                 const std::vector<Setup<sdk::Real>>& task_setups, int threads);

// The tasks' chance and best objective ([meta] tasks): chance is the mean objective of probe
// lifetimes whose rule is off (theta = 0), best the mean reward of the task's own targets as the
// output, over probe trials.
void measure_task_scales(std::vector<MetaTask>& tasks, const MetaSection& meta, int threads);

// gradient_snr.csv: meta_step, then one column per learnable coefficient.
std::string gradient_snr_csv(const MetaState& s, const std::vector<std::string>& names);
std::string theta_csv(const MetaState& s, const std::vector<std::string>& names);

}  // namespace neohebb::core
