// Meta-learning over several tasks ([meta] tasks): each task's scale for the shared objective, and
// the validation of theta on every task.
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "core/cluster/distributed_for.hpp"
#include "core/meta/gradient_engine.hpp"
#include "core/meta/meta_learner.hpp"
#include "core/meta/objective.hpp"
#include "core/support/errors.hpp"

namespace neohebb::core {

namespace {

constexpr int kProbeLifetimes = 4;  // per task, rule off: the chance objective
constexpr int kProbeTrials = 100;   // per task: the best reward

// The mean reward of the task's own targets taken as the output (the best it rewards).
double best_reward(const Setup<sdk::Real>& setup, std::uint64_t seed) {
  double sum = 0;
  sdk::TrialSpec spec;
  for (int h = 0; h < kProbeTrials; ++h) {
    sdk::Rng rng(sdk::derive_seed(seed, {static_cast<std::uint64_t>(h)}));
    setup.task->make_trial(h, rng, spec);
    sum += setup.task->reward(spec, spec.target);
  }
  return sum / kProbeTrials;
}

}  // namespace

void measure_task_scales(std::vector<MetaTask>& tasks, const MetaSection& meta, int threads) {
  const int T = static_cast<int>(tasks.size());
  std::vector<double> chance(static_cast<std::size_t>(T * kProbeLifetimes));
  rethrow_first(distributed_jobs(
      T * kProbeLifetimes, threads,
      [&](int job) {
        const Setup<sdk::Real>& setup =
            *tasks[static_cast<std::size_t>(job / kProbeLifetimes)].setup;
        TraceParameters off = initial_trace(setup);  // with the rule off
        off.theta.setZero();
        const std::uint64_t seed =
            sdk::derive_seed(setup.seed, {0xc4a9ce5ULL, static_cast<std::uint64_t>(job)});
        chance[static_cast<std::size_t>(job)] =
            score_lifetime(setup, objective_weights(meta, setup.trials), off, seed).objective;
      },
      {}, [&](int job) { return nlohmann::json(chance[static_cast<std::size_t>(job)]); },
      [&](int job, const nlohmann::json& j) {
        chance[static_cast<std::size_t>(job)] = j.get<double>();
      },
      Collect::Everywhere));
  for (int t = 0; t < T; ++t) {
    MetaTask& task = tasks[static_cast<std::size_t>(t)];
    task.chance = 0;
    for (int i = 0; i < kProbeLifetimes; ++i)
      task.chance += chance[static_cast<std::size_t>(t * kProbeLifetimes + i)] / kProbeLifetimes;
    task.best =
        best_reward(*task.setup, sdk::derive_seed(task.setup->seed, {0xbe57ULL, std::uint64_t(t)}));
    if (!(task.best - task.chance > 1e-9 * (1 + std::abs(task.best))))
      throw RunError(fmt::format(
          "task '{}': its objective without plasticity ({:.6g}) is not below the reward of its "
          "own targets ({:.6g}), so it cannot be scaled from chance to best",
          task.name, task.chance, task.best));
  }
}

std::vector<Setup<sdk::Real>> make_task_setups(const Experiment& e, std::uint64_t seed) {
  std::vector<Setup<sdk::Real>> out;
  MetaSection o = e.meta;  // every task is checked for the engine the learner takes (task 0's)
  for (std::size_t k = 0; k < e.tasks.size(); ++k) {
    try {
      out.push_back(make_setup<sdk::Real>(e.tasks[k]));
      out.back().seed = seed;
      out.back().learn_tau_e = e.meta.learn_tau_e;  // one learned tau_e for every task
      if (k == 0 && o.gradient == GradientEngine::Auto)
        o.gradient =
            o.learn_eta || use_adjoint(o.gradient, gradient_shape(out[0], o.checkpoint_every))
                ? GradientEngine::Adjoint
                : GradientEngine::Forward;
      validate_meta(e.tasks[k], out.back(), o);
      // Every task learns with the first task's tau_e, which its own dt must allow.
      if (o.learn_tau_e)
        check_learned_tau_start(e.tasks[k], out[0].eligibility.tau_e, out.back().neuron->dt());
    } catch (const ConfigError& err) {
      throw in_task(e.position("meta", "tasks." + e.task_labels[k]), e.task_labels[k], err);
    }
  }
  return out;
}

void check_meta(const Experiment& e, const Setup<sdk::Real>& setup) {
  validate_meta(e, setup, e.meta);
  validate_tasks(e);
  make_task_setups(e, setup.seed);
}

// The learner's tasks: the experiment alone, or each of [meta] tasks scaled from chance to best.
std::vector<MetaTask> meta_tasks(const Experiment& e, const Setup<sdk::Real>& setup,
                                 const std::vector<Setup<sdk::Real>>& task_setups, int threads) {
  if (task_setups.empty()) return {MetaTask{&setup, "", 0, 1}};
  std::vector<MetaTask> out;
  for (std::size_t k = 0; k < task_setups.size(); ++k)
    out.push_back({&task_setups[k], e.task_labels[k], 0, 1});
  if (e.meta.task_scaling == TaskScaling::ChanceToBest) measure_task_scales(out, e.meta, threads);
  return out;
}

void validate_tasks(const Experiment& e) {
  if (e.tasks.empty()) return;
  const auto T = static_cast<int>(e.tasks.size());
  const MetaSection& o = e.meta;
  if (o.estimator == Estimator::Reinforce)
    throw ConfigError({fmt::format(
        "{}: [meta] tasks with estimator = \"reinforce\" is not supported: its credit baseline "
        "is kept per trial of one task; use estimator = \"pathwise\" or \"es\"",
        e.position("meta", "tasks").str())});
  const bool es = o.estimator == Estimator::Es;
  if ((es ? o.batch / 2 : o.batch) % T != 0)
    throw ConfigError({fmt::format(
        "{}: [meta] batch = {} over {} tasks: every task has the same number of {} in every "
        "meta-step, so the batch must be a multiple of {}",
        e.position("meta", "batch").str(), o.batch, T, es ? "antithetic pairs" : "lifetimes",
        es ? 2 * T : T)});
  for (int t = 0; t < T; ++t) {
    const Experiment& task = e.tasks[static_cast<std::size_t>(t)];
    if (task.experiment.reward == RewardSource::Policy)
      throw ConfigError({fmt::format(
          "{}: task '{}' has [experiment] reward = \"policy\"; the tasks of [meta] tasks are "
          "scaled from chance to the reward of their own targets, which only the task's reward "
          "(reward = \"task\") gives",
          task.position("experiment", "reward").str(),
          e.task_labels[static_cast<std::size_t>(t)])});
  }
}

ValidationResult MetaLearner::validate(const TraceParameters& trace, int threads,
                                       const std::function<bool()>& keep_going) const {
  if (!multi_task()) return validate_theta(setup_, options_, trace, threads, keep_going);
  ValidationResult all;
  const double T = static_cast<double>(tasks_.size());
  for (const MetaTask& t : tasks_) {
    const ValidationResult v = validate_theta(*t.setup, options_, trace, threads, keep_going);
    all.lifetimes += v.lifetimes;
    all.diverged += v.diverged;
    all.objective += ((v.objective - t.chance) / (t.best - t.chance)) / T;  // NaN if all diverged
    all.correct_late += v.correct_late / T;
    all.task_objective.push_back(v.objective);
    all.task_correct_late.push_back(v.correct_late);
  }
  return all;
}

}  // namespace neohebb::core
