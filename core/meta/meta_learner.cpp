#include "core/meta/meta_learner.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <new>
#include <optional>

#include <fmt/format.h>

#include "core/cluster/distributed_for.hpp"
#include "core/cluster/wire.hpp"
#include "core/engine/lifetime.hpp"
#include "core/meta/adjoint_gradient.hpp"
#include "core/meta/gradient_engine.hpp"
#include "core/meta/preconditioner.hpp"
#include "core/support/errors.hpp"
#include "core/support/parallel.hpp"
#include "core/support/resources.hpp"

namespace neohebb::core {

Eigen::VectorXd es_perturbation(std::uint64_t experiment_seed, int step, int pair,
                                std::size_t directions) {
  sdk::Rng rng(sdk::derive_seed(experiment_seed, {0xe5e5e5ULL, static_cast<std::uint64_t>(step),
                                                  static_cast<std::uint64_t>(pair)}));
  Eigen::VectorXd eps(static_cast<Eigen::Index>(directions));
  for (Eigen::Index p = 0; p < eps.size(); ++p) eps(p) = rng.normal();
  return eps;
}

std::uint64_t meta_lifetime_seed(std::uint64_t experiment_seed, int step, int index) {
  return sdk::derive_seed(experiment_seed, {0x3e7a1ea4ULL, static_cast<std::uint64_t>(step),
                                            static_cast<std::uint64_t>(index)});
}

namespace {

// The backward sweep's checkpoints (or forward mode's tangents) of the lifetimes held at once:
// one at least; in reverse mode with REINFORCE, the whole batch, whose sweeps wait for the
// batch's credit baseline. Refuse what could never fit in this machine's memory.
void check_gradient_memory(const Experiment& e, const Setup<sdk::Real>& setup,
                           const MetaSection& o) {
  constexpr double kGiB = 1024.0 * 1024 * 1024;
  const GradientShape g = gradient_shape(setup, o.checkpoint_every);
  const bool adjoint = use_adjoint(o.gradient, g);
  const double held = adjoint && o.estimator == Estimator::Reinforce ? o.batch : 1;
  const double need = held * sizeof(double) *
                      (adjoint ? adjoint_memory_doubles(g) : forward_mode_memory_doubles(g));
  const double have = machine_memory();
  if (have <= 0 || need <= have) return;
  if (adjoint)
    throw ConfigError({fmt::format(
        "{}: the adjoint's checkpoints (N = {}, {} trials, one kept every {}) need {:.3g} GiB "
        "for the {:g} lifetime(s) held at once; this machine has {:.3g} GiB of memory "
        "(checkpoint_every = 0 keeps about 2 sqrt(trials) of them)",
        e.position("meta", o.checkpoint_every > 0 ? "checkpoint_every" : "gradient").str(), g.size,
        g.trials, g.checkpoint_every, need / kGiB, held, have / kGiB)});
  throw ConfigError({fmt::format(
      "{}: forward-mode tangents of {} coefficients at N = {} need {:.3g} GiB per lifetime; this "
      "machine has {:.3g} GiB of memory (gradient = \"adjoint\" needs far less)",
      e.position("meta", "gradient").str(), g.directions, g.size, need / kGiB, have / kGiB)});
}

}  // namespace

// [meta] learn_tau_e moves log tau_e (inf has no log), kept at tau_e >= 2 dt: the start must be
// there too. Said at the tau_e the file gives, else at learn_tau_e.
void check_learned_tau_start(const Experiment& e, double tau, double dt) {
  if (std::isfinite(tau) && tau >= 2 * dt) return;
  const bool written = e.positions.count("eligibility.tau_e") > 0;
  throw ConfigError({fmt::format(
      "{}: [meta] learn_tau_e learns log tau_e, so tau_e must start finite and at least twice "
      "the step dt = {:g} ms (it is {:g})",
      written ? e.position("eligibility", "tau_e").str() : e.position("meta", "learn_tau_e").str(),
      dt, tau)});
}

void validate_meta(const Experiment& e, const Setup<sdk::Real>& setup, const MetaSection& o) {
  if (e.experiment.on_divergence != PlainDivergence::Stop)
    throw ConfigError({fmt::format(
        "{}: [experiment] on_divergence is for runs without meta-learning; with [meta] steps > 0 "
        "set [meta] on_divergence",
        e.position("experiment", "on_divergence").str())});
  if (setup.directions.empty())
    throw ConfigError({fmt::format("{}: trace '{}' has no learnable coefficient to meta-learn",
                                   e.position("trace").str(), e.plugin("trace").type)});
  const bool reinforce = o.estimator == Estimator::Reinforce;
  if (o.estimator != Estimator::Es && reinforce != (setup.reward == RewardSource::Policy))
    throw ConfigError(
        {fmt::format("{}: [meta] estimator = \"{}\" needs [experiment] reward = \"{}\"",
                     e.position("meta", "estimator").str(), sdk::choice_name(o.estimator),
                     reinforce ? "policy" : "task")});
  if (o.estimator == Estimator::Es && o.batch % 2 != 0)
    throw ConfigError({fmt::format(
        "{}: [meta] batch = {} with estimator = \"es\": its lifetimes come in antithetic pairs "
        "(theta + sigma eps and theta - sigma eps), so the batch must be even",
        e.position("meta", "batch").str(), o.batch)});
  if (o.line_search > 0 && o.estimator == Estimator::Es)
    throw ConfigError({fmt::format(
        "{}: [meta] line_search compares the batch's lifetimes at theta and theta + step; ES "
        "runs its batch at perturbed thetas, not at theta",
        e.position("meta", "line_search").str())});
  if (o.learn_eta && o.estimator != Estimator::Es && o.gradient == GradientEngine::Forward)
    throw ConfigError({fmt::format(
        "{}: [meta] learn_eta needs the derivative with respect to every coefficient, which "
        "forward mode does not carry: set gradient = \"adjoint\" (or \"auto\")",
        e.position("meta", "learn_eta").str())});
  if (o.learn_tau_e) check_learned_tau_start(e, e.eligibility.tau_e, setup.neuron->dt());
  if (o.average_last > o.steps)
    throw ConfigError({fmt::format(
        "{}: [meta] average_last = {} averages more meta-steps than the run takes (steps = {})",
        e.position("meta", "average_last").str(), o.average_last, o.steps)});
  if (o.estimator != Estimator::Es) check_gradient_memory(e, setup, o);
}

MetaLearner::MetaLearner(const Setup<sdk::Real>& setup, MetaSection options)
    : MetaLearner(std::vector<MetaTask>{MetaTask{&setup, "", 0, 1}}, options) {}

MetaLearner::MetaLearner(std::vector<MetaTask> tasks, MetaSection options)
    : tasks_(std::move(tasks)),
      setup_(*tasks_.at(0).setup),
      options_(options),
      reinforce_(options.estimator == Estimator::Reinforce),
      es_(options.estimator == Estimator::Es),
      adjoint_((options.learn_eta && options.gradient == GradientEngine::Auto) ||
               use_adjoint(options.gradient, gradient_shape(setup_, options.checkpoint_every))),
      checkpoint_every_(checkpoint_interval(options.checkpoint_every, setup_.trials)) {
  for (const MetaTask& t : tasks_) weights_.push_back(objective_weights(options, t.setup->trials));
  const auto& setup = setup_;
  for (const auto& [k, l] : setup.directions)
    names_.push_back(setup.trace->pre_term_name(k) + " " + setup.trace->post_term_name(l));
  const auto P = static_cast<Eigen::Index>(setup.directions.size());
  Eigen::Index next = P;  // then the log-space parameters, in this order
  if (options.learn_eta) eta_index_ = next++, names_.push_back("log eta");
  if (options.learn_tau_e) tau_index_ = next++, names_.push_back("log tau_e");
  rule_index_ = next;
  for (const auto& p : setup.rule_learned) names_.push_back("log " + p.name);
  multipliers_ = Eigen::VectorXd::Ones(parameters());
  for (const MetaTask& t : tasks_) tau_e_floor_ = std::max(tau_e_floor_, 2 * t.setup->neuron->dt());
  if (options.precondition == Precondition::Basis)
    multipliers_.head(P) =
        basis_step_multipliers(setup, basis_scales(setup, setup.trace->initial_coefficients()));
  // The log-space parameters step at their own rate: a change of 0.01 in log eta is 1 %, while
  // the coefficients' scale is the basis's.
  if (options.log_learning_rate > 0)
    multipliers_.tail(parameters() - P)
        .setConstant(options.log_learning_rate / options.learning_rate);
}

MetaState MetaLearner::initial_state() const {
  MetaState s;
  s.theta = setup_.trace->initial_coefficients();
  if (options_.learn_tau_e) s.log_tau_e = std::log(setup_.eligibility.tau_e);
  s.log_rule.resize(static_cast<Eigen::Index>(setup_.rule_learned.size()));
  for (std::size_t j = 0; j < setup_.rule_learned.size(); ++j)
    s.log_rule(Eigen::Index(j)) = std::log(setup_.rule_learned[j].value);
  s.m = Eigen::VectorXd::Zero(parameters());
  s.v = Eigen::VectorXd::Zero(parameters());
  return s;
}

Eigen::Index MetaLearner::parameters() const {
  return rule_index_ + static_cast<Eigen::Index>(setup_.rule_learned.size());
}

Eigen::VectorXd MetaLearner::parameters(const MetaState& s) const {
  Eigen::VectorXd x(parameters());
  for (std::size_t p = 0; p < setup_.directions.size(); ++p)
    x(Eigen::Index(p)) = s.theta(setup_.directions[p].first, setup_.directions[p].second);
  if (eta_index_ >= 0) x(eta_index_) = s.log_eta;
  if (tau_index_ >= 0) x(tau_index_) = s.log_tau_e;
  x.segment(rule_index_, s.log_rule.size()) = s.log_rule;
  return x;
}

namespace {
// A learned value as a factor on its start, so that the start is that value exactly.
double from_log(double start, double u) {
  return start * std::exp(u - std::log(start));
}
}  // namespace

TraceParameters MetaLearner::trace(const MetaState& s) const {
  TraceParameters out{
      options_.learn_eta ? Eigen::MatrixXd(std::exp(s.log_eta) * s.theta) : s.theta, {}, {}};
  if (options_.learn_tau_e)  // at the floor exactly, not a rounding below it
    out.tau_e = std::max(tau_e_floor_, from_log(setup_.eligibility.tau_e, s.log_tau_e));
  for (std::size_t j = 0; j < setup_.rule_learned.size(); ++j) {  // at the minimum, exactly
    const auto& p = setup_.rule_learned[j];
    out.rule.push_back(std::max(p.minimum, from_log(p.value, s.log_rule(Eigen::Index(j)))));
  }
  return out;
}

TraceParameters MetaLearner::learned_trace(const MetaState& s) const {
  const auto n =
      std::min<std::size_t>(static_cast<std::size_t>(options_.average_last), s.history.size());
  if (n <= 1) return trace(s);
  Eigen::VectorXd mean = Eigen::VectorXd::Zero(parameters());
  for (std::size_t i = s.history.size() - n; i < s.history.size(); ++i)
    mean += s.history[i].theta;  // in step order: the same sum on every resume
  mean /= static_cast<double>(n);
  return trace(s, mean - parameters(s));
}

// The trace the lifetimes would use after `delta` (ES's perturbations, a line search's tries),
// without copying the state and its history.
TraceParameters MetaLearner::trace(const MetaState& s, const Eigen::VectorXd& delta) const {
  MetaState moved;
  moved.theta = s.theta;
  moved.log_eta = s.log_eta;
  moved.log_tau_e = s.log_tau_e;
  moved.log_rule = s.log_rule;
  move(moved, delta);
  return trace(moved);
}

void MetaLearner::move(MetaState& s, const Eigen::VectorXd& delta) const {
  for (std::size_t p = 0; p < setup_.directions.size(); ++p)
    s.theta(setup_.directions[p].first, setup_.directions[p].second) += delta(Eigen::Index(p));
  if (eta_index_ >= 0) s.log_eta += delta(eta_index_);
  // log tau_e is projected onto tau_e >= 2 dt (a trace that at most halves per step), so that no
  // step, ES perturbation or line-search try reaches dt, where the trace would stop decaying; a
  // rule's parameter onto its minimum.
  if (tau_index_ >= 0)
    s.log_tau_e = std::max(s.log_tau_e + delta(tau_index_), std::log(tau_e_floor_));
  for (std::size_t j = 0; j < setup_.rule_learned.size(); ++j) {  // log 0 = -inf: no floor
    auto& u = s.log_rule(Eigen::Index(j));
    u = std::max(u + delta(rule_index_ + Eigen::Index(j)),
                 std::log(setup_.rule_learned[j].minimum));
  }
}

// The meta-gradient from dJ/dtheta_eff (K x L, every coefficient), theta_eff = scale theta with
// scale = exp(u): dJ/dtheta_p = scale dJ/dtheta_eff,p and dJ/du = <theta_eff, dJ/dtheta_eff>;
// then dJ/dlog tau_e and the rule's as the sweep gave them.
Eigen::VectorXd MetaLearner::from_trace_gradient(const TraceGradient& G,
                                                 const Eigen::MatrixXd& theta_eff,
                                                 double scale) const {
  Eigen::VectorXd g(parameters());
  for (std::size_t p = 0; p < setup_.directions.size(); ++p)
    g(Eigen::Index(p)) = scale * G.theta(setup_.directions[p].first, setup_.directions[p].second);
  if (eta_index_ >= 0) g(eta_index_) = (theta_eff.array() * G.theta.array()).sum();
  if (tau_index_ >= 0) g(tau_index_) = G.log_tau_e;
  for (std::size_t j = 0; j < G.rule.size(); ++j) g(rule_index_ + Eigen::Index(j)) = G.rule[j];
  return g;
}

// The objective and the early and late metrics of a lifetime, one trial at a time.
void MetaLearner::tally(LifetimeGradient& out, std::size_t h, double R, bool correct) const {
  const std::size_t H = trials_of(out.task);
  const std::size_t tenth = std::max<std::size_t>(1, H / 10);
  out.objective += weights_[static_cast<std::size_t>(out.task)][h] * R;
  if (h < tenth)
    out.reward_early += R / double(tenth), out.correct_early += correct / double(tenth);
  if (h >= H - tenth)
    out.reward_late += R / double(tenth), out.correct_late += correct / double(tenth);
}

int MetaLearner::task_of(int index) const {
  const int T = static_cast<int>(tasks_.size());
  return (es_ ? index / 2 : index) % T;
}

const Setup<sdk::Real>& MetaLearner::task_setup(int task) const {
  return *tasks_[static_cast<std::size_t>(task)].setup;
}

std::size_t MetaLearner::trials_of(int task) const {
  return static_cast<std::size_t>(task_setup(task).trials);
}

// The lifetimes kept per task.
std::vector<double> MetaLearner::task_counts(const std::vector<int>& task,
                                             const std::vector<bool>& kept) const {
  std::vector<double> n(tasks_.size(), 0.0);
  for (std::size_t k = 0; k < task.size(); ++k)
    if (kept[k]) n[static_cast<std::size_t>(task[k])] += 1;
  return n;
}

// The tasks with a lifetime kept: a task whose lifetimes were all skipped leaves the mean over
// tasks rather than counting as chance.
double MetaLearner::tasks_present(const std::vector<double>& count) const {
  return static_cast<double>(
      std::count_if(count.begin(), count.end(), [](double n) { return n > 0; }));
}

// Each kept lifetime adds ((J - chance) / (best - chance)) / (n_t T), in lifetime order: the mean
// over tasks of each task's normalised mean (for one task, exactly the plain mean).
double MetaLearner::combine(const std::vector<double>& objective, const std::vector<int>& task,
                            const std::vector<bool>& kept) const {
  const std::vector<double> n = task_counts(task, kept);
  const double T = tasks_present(n);
  double sum = 0;
  for (std::size_t k = 0; k < objective.size(); ++k) {
    if (!kept[k]) continue;
    const MetaTask& t = tasks_[static_cast<std::size_t>(task[k])];
    sum += ((objective[k] - t.chance) / (t.best - t.chance)) /
           (n[static_cast<std::size_t>(task[k])] * T);
  }
  return sum;
}

// The next trial, or none when the lifetime diverged in it and on_divergence = "worst" keeps
// the lifetime (recorded in `out`); any other divergence propagates.
template <class L>
std::optional<TrialRecord> MetaLearner::trial_or_divergence(L& life, LifetimeGradient& out,
                                                            int index) const {
  try {
    return life.run_trial();
  } catch (const DivergenceError& e) {
    if (options_.on_divergence != MetaDivergence::Worst) throw;
    out.diverged = SkippedLifetime{index, e.trial(), e.what()};
    return std::nullopt;
  }
}

// Lifetime `index` of the meta-step that starts from `s`, with its meta-gradient.
MetaLearner::LifetimeGradient MetaLearner::run_lifetime(const MetaState& s, int index,
                                                        Progress* progress) const {
  const int step = s.step;
  if (es_) return run_lifetime_es(perturbed_trace(s, step, index), step, index, progress);
  const TraceParameters used = trace(s);
  if (adjoint_) return run_lifetime_adjoint(used, std::exp(s.log_eta), step, index, progress);
  LifetimeOptions opt;
  opt.tangents = true;
  LifetimeGradient out;
  out.task = task_of(index);
  const auto& weights = weights_[static_cast<std::size_t>(out.task)];
  Lifetime<sdk::Real> life = traced_lifetime(
      task_setup(out.task), meta_lifetime_seed(setup_.seed, step, index), used, opt);
  const std::size_t H = trials_of(out.task);
  out.gradient = Eigen::VectorXd::Zero(task_setup(out.task).tangent_directions());
  for (std::size_t h = 0; h < H; ++h) {
    const auto rec = trial_or_divergence(life, out, index);
    if (!rec) break;
    const double R = reinforce_ ? rec->reward : rec->task_reward;
    out.rewards.push_back(R);
    tally(out, h, R, rec->correct);
    if (reinforce_)
      out.score.push_back(life.log_policy_tangent());
    else
      out.gradient += weights[h] * life.task_reward_tangent();
    if (progress) progress->advance();
  }
  if (reinforce_ && !out.diverged) out.credit = credit(options_, weights, out.rewards);
  return out;
}

// ES: lifetime 2i + s of the batch runs the parameters x + sigma eps_i (s = 0) or x - sigma eps_i
// (s = 1) on pair i's seed, so the two differ only by the sign of the perturbation (common random
// numbers). No derivative: its objective is all it returns.
TraceParameters MetaLearner::perturbed_trace(const MetaState& s, int step, int index) const {
  const double sign = index % 2 == 0 ? 1.0 : -1.0;
  return trace(s, sign * options_.es_sigma * es_perturbation(step, index / 2));
}

MetaLearner::LifetimeGradient MetaLearner::run_lifetime_es(const TraceParameters& trace, int step,
                                                           int index, Progress* progress) const {
  LifetimeGradient out;
  out.task = task_of(index);
  const Setup<sdk::Real>& setup = task_setup(out.task);
  Lifetime<sdk::Real> life =
      traced_lifetime(setup, meta_lifetime_seed(setup_.seed, step, index / 2), trace);
  const bool policy = setup.reward == RewardSource::Policy;
  for (std::size_t h = 0; h < trials_of(out.task); ++h) {
    const auto rec = trial_or_divergence(life, out, index);
    if (!rec) break;
    out.rewards.push_back(policy ? rec->reward : rec->task_reward);
    tally(out, h, out.rewards.back(), rec->correct);
    if (progress) progress->advance();
  }
  return out;
}

Eigen::VectorXd MetaLearner::es_perturbation(int step, int pair) const {
  return core::es_perturbation(setup_.seed, step, pair, static_cast<std::size_t>(parameters()));
}

// ES: each pair's estimate (J+ - J-) / (2 sigma) eps_i, given to both its lifetimes, so that the
// batch mean is the mean over pairs. A pair with a lifetime left out ("skip") is left out whole.
void MetaLearner::es_gradients(MetaState& s, Batch& b) const {
  for (std::size_t k = 0; k + 1 < b.lifetimes.size(); k += 2) {
    if (!b.kept[k] || !b.kept[k + 1]) {
      b.kept[k] = b.kept[k + 1] = false;
      continue;
    }
    const Eigen::VectorXd g = (b.lifetimes[k].objective - b.lifetimes[k + 1].objective) /
                              (2 * options_.es_sigma) *
                              es_perturbation(s.step, static_cast<int>(k / 2));
    b.lifetimes[k].gradient = b.lifetimes[k + 1].gradient = g;
  }
}

// Reverse mode: the forward sweep, then (pathwise) the backward sweep with the objective's
// weights; REINFORCE sweeps back once the credit's baseline is known (reinforce_gradients).
MetaLearner::LifetimeGradient MetaLearner::run_lifetime_adjoint(const TraceParameters& trace,
                                                                double scale, int step, int index,
                                                                Progress* progress) const {
  LifetimeGradient out;
  out.task = task_of(index);
  const auto& weights = weights_[static_cast<std::size_t>(out.task)];
  auto life = std::make_shared<AdjointLifetime>(
      task_setup(out.task), meta_lifetime_seed(setup_.seed, step, index), trace.theta,
      checkpoint_interval(options_.checkpoint_every, task_setup(out.task).trials), nullptr,
      trace.tau_e_in(task_setup(out.task)), trace.rule);
  const std::size_t H = trials_of(out.task);
  for (std::size_t h = 0; h < H; ++h) {
    const auto rec = trial_or_divergence(*life, out, index);
    if (!rec) break;
    out.rewards.push_back(reinforce_ ? rec->reward : rec->task_reward);
    tally(out, h, out.rewards.back(), rec->correct);
    if (progress) progress->advance();
  }
  if (reinforce_) {
    if (!out.diverged) out.credit = credit(options_, weights, out.rewards);
    out.adjoint = std::move(life);
  } else {  // a diverged lifetime's gradient is that of the trials it ran
    out.gradient = from_trace_gradient(
        life->trace_gradient(std::vector<double>(
            weights.begin(), weights.begin() + std::ptrdiff_t(out.rewards.size()))),
        trace.theta, scale);
  }
  return out;
}

// The lifetimes of the batch on `threads` threads. With on_divergence = "skip" a diverged
// lifetime is caught in its own job, so that the others still run (an error stops the pool) and
// the batch does not depend on the threads. Returns false when a lifetime diverged and the step
// was backtracked instead.
bool MetaLearner::run_batch(MetaState& s, int threads, Progress* progress, Batch& b) const {
  const int B = options_.batch;
  b.lifetimes.assign(static_cast<std::size_t>(B), {});
  std::vector<std::optional<SkippedLifetime>> diverged(static_cast<std::size_t>(B));
  const auto errors = distributed_jobs(
      B, threads,
      [&](int k) {
        try {
          b.lifetimes[static_cast<std::size_t>(k)] = run_lifetime(s, k, progress);
        } catch (const DivergenceError& e) {
          if (options_.on_divergence != MetaDivergence::Skip) throw;
          diverged[static_cast<std::size_t>(k)] = SkippedLifetime{k, e.trial(), e.what()};
          b.lifetimes[static_cast<std::size_t>(k)].task = task_of(k);
        }
      },
      [&] {
        if (progress) progress->report();
        return true;
      },
      [&](int k) {
        const auto& d = diverged[static_cast<std::size_t>(k)];
        return nlohmann::json{{"lifetime", lifetime_wire(b.lifetimes[static_cast<std::size_t>(k)])},
                              {"skipped", d ? to_wire(*d) : nlohmann::json()}};
      },
      [&](int k, const nlohmann::json& j) {
        b.lifetimes[static_cast<std::size_t>(k)] = lifetime_from_wire(j.at("lifetime"));
        if (!j.at("skipped").is_null())
          from_wire(j.at("skipped"), diverged[static_cast<std::size_t>(k)].emplace());
      },
      Collect::Everywhere);
  for (int k = 0; k < B; ++k)
    if (errors[static_cast<std::size_t>(k)] &&
        !recover(s, k, errors[static_cast<std::size_t>(k)], threads))
      return false;
  b.kept.assign(static_cast<std::size_t>(B), true);
  if (options_.on_divergence == MetaDivergence::Worst) {
    count_worst(b, s.step);
    return true;
  }
  for (std::size_t k = 0; k < diverged.size(); ++k)
    if (diverged[k]) b.skipped.push_back(*diverged[k]), b.kept[k] = false;
  if (static_cast<int>(b.skipped.size()) == B)
    throw RunError(
        fmt::format("meta-step {}: every lifetime of the batch diverged (lifetime 0: {})",
                    s.step + 1, b.skipped.front().error));
  return true;
}

// on_divergence = "worst": each diverged lifetime stays in the batch, and every trial it did not
// run counts as incorrect with the worst reward (divergence_reward, or the lowest reward of any
// trial of the batch); its REINFORCE credit includes them, so the actions before the divergence
// are blamed for it. In lifetime order, so the same whatever the threads.
// The reward that counts for the trials a diverged lifetime of `task` did not run:
// divergence_reward, or (-inf) the lowest reward of any trial of that task's lifetimes in the step,
// else of any.
double MetaLearner::worst_reward(const Batch& b, int task) const {
  if (!std::isinf(options_.divergence_reward)) return options_.divergence_reward;
  double own = std::numeric_limits<double>::infinity(), any = own;
  for (const auto& lg : b.lifetimes)
    for (double R : lg.rewards) {
      any = std::min(any, R);
      if (lg.task == task) own = std::min(own, R);
    }
  return std::isfinite(own) ? own : any;
}

void MetaLearner::count_worst(Batch& b, int step) const {
  const double worst = worst_reward(b, 0);
  if (!std::isfinite(worst))
    throw RunError(fmt::format(
        "meta-step {}: every lifetime of the batch diverged in its first trial (lifetime 0: {}), "
        "so there is no reward to count them with; set [meta] divergence_reward",
        step + 1, b.lifetimes.front().diverged ? b.lifetimes.front().diverged->error : ""));
  std::vector<double> worst_of(tasks_.size());
  for (std::size_t t = 0; t < tasks_.size(); ++t) worst_of[t] = worst_reward(b, int(t));
  for (auto& lg : b.lifetimes) {
    lg.trials_run = lg.rewards.size();
    if (!lg.diverged) continue;
    b.skipped.push_back(*lg.diverged);
    const double w = worst_of[static_cast<std::size_t>(lg.task)];
    for (std::size_t h = lg.rewards.size(); h < trials_of(lg.task); ++h) {
      lg.rewards.push_back(w);
      tally(lg, h, w, false);
    }
    if (reinforce_)
      lg.credit = credit(options_, weights_[static_cast<std::size_t>(lg.task)], lg.rewards);
  }
}

// A lifetime's error: a divergence backtracks (returns false) when the options allow it;
// everything else stops the run with the meta-step and the lifetime named.
bool MetaLearner::recover(MetaState& s, int k, const std::exception_ptr& error, int threads) const {
  try {
    std::rethrow_exception(error);
  } catch (const DivergenceError& e) {  // a numerical fault of the lifetime
    if (options_.on_divergence == MetaDivergence::Backtrack && s.last_step.size() > 0 &&
        s.step_scale > 1e-6) {
      backtrack(s);
      return false;
    }
    throw RunError(fmt::format("meta-step {}, lifetime {}: {}", s.step + 1, k, e.what()));
  } catch (const std::bad_alloc&) {
    throw RunError(
        fmt::format("meta-step {}, lifetime {}: {}", s.step + 1, k, out_of_memory(threads)));
  } catch (const std::length_error&) {
    throw RunError(
        fmt::format("meta-step {}, lifetime {}: {}", s.step + 1, k, out_of_memory(threads)));
  } catch (const std::exception& e) {
    throw RunError(fmt::format("meta-step {}, lifetime {}: {}", s.step + 1, k, e.what()));
  }
}

// REINFORCE: each lifetime's gradient sum_h (G_h - b_h) d log pi(a_h)/dtheta, then the
// baseline b_h follows the batch's mean credit.
void MetaLearner::reinforce_gradients(MetaState& s, Batch& b, double n, int threads) const {
  const auto H = static_cast<std::size_t>(setup_.trials);
  std::vector<double> mean_credit(H, 0.0);
  for (std::size_t k = 0; k < b.lifetimes.size(); ++k)
    for (std::size_t h = 0; h < H && b.kept[k]; ++h) mean_credit[h] += b.lifetimes[k].credit[h] / n;
  if (s.baseline.empty()) s.baseline = mean_credit;
  if (adjoint_) {  // one backward sweep per lifetime, with the weights G_h - b_h
    // Each sweep runs on the rank that kept it: the batch's jobs go to the same ranks.
    auto& lives = b.lifetimes;
    rethrow_first(distributed_jobs(
        static_cast<int>(lives.size()), threads,
        [&](int k) {
          auto& lg = lives[static_cast<std::size_t>(k)];
          if (!b.kept[static_cast<std::size_t>(k)]) return;
          std::vector<double> c(lg.diverged ? lg.trials_run : H);  // the trials it ran
          for (std::size_t h = 0; h < c.size(); ++h) c[h] = lg.credit[h] - s.baseline[h];
          lg.gradient = from_trace_gradient(lg.adjoint->trace_gradient(c), trace(s).theta,
                                            std::exp(s.log_eta));
          lg.adjoint.reset();
        },
        {}, [&](int k) { return vector_wire(lives[static_cast<std::size_t>(k)].gradient); },
        [&](int k, const nlohmann::json& j) {
          lives[static_cast<std::size_t>(k)].gradient = vector_from_wire(j);
        },
        Collect::Everywhere));
  } else {
    for (std::size_t k = 0; k < b.lifetimes.size(); ++k)
      for (std::size_t h = 0; h < b.lifetimes[k].score.size() && b.kept[k]; ++h)
        b.lifetimes[k].gradient +=
            (b.lifetimes[k].credit[h] - s.baseline[h]) * b.lifetimes[k].score[h];
  }
  for (std::size_t h = 0; h < H; ++h)
    s.baseline[h] =
        options_.baseline_decay * s.baseline[h] + (1 - options_.baseline_decay) * mean_credit[h];
}

// The batch means of the gradient and the metrics, in lifetime order (the same numbers
// whatever the thread count), over the lifetimes kept.
// Each lifetime's gradient in its task's scale (MetaTask), before the lifetime clip and the
// signal-to-noise ratio compare lifetimes of different tasks; one task: divided by 1.
void MetaLearner::scale_to_tasks(Batch& b) const {
  for (auto& lg : b.lifetimes) {
    const MetaTask& t = tasks_[static_cast<std::size_t>(lg.task)];
    if (lg.gradient.size() > 0) lg.gradient /= t.best - t.chance;
  }
}

// [meta] lifetime_clip: each kept lifetime's gradient scaled down to at most c times the median
// norm of the batch's, so that the step follows most lifetimes rather than the one whose
// sensitivity exploded. The median is taken in lifetime order, whatever the threads.
void MetaLearner::clip_lifetime_gradients(Batch& b) const {
  if (options_.lifetime_clip <= 0) return;
  std::vector<double> norms;
  for (std::size_t k = 0; k < b.lifetimes.size(); ++k)
    if (b.kept[k]) norms.push_back(b.lifetimes[k].gradient.norm());
  if (norms.empty()) return;
  std::vector<double> sorted = norms;
  std::sort(sorted.begin(), sorted.end());
  const std::size_t n = sorted.size();
  const double median = n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  const double bound = options_.lifetime_clip * median;
  for (std::size_t k = 0; k < b.lifetimes.size(); ++k) {
    auto& g = b.lifetimes[k].gradient;
    if (b.kept[k] && g.norm() > bound && bound > 0) g *= bound / g.norm();
  }
}

// Several tasks: each lifetime weighs 1 / (n_t T) (n_t lifetimes of its task kept, T tasks with
// one), its objective normalised by its task's chance and best (MetaTask); one task: 1 / n.
// Per task, the means of its kept lifetimes' objective and late fraction correct.
std::vector<TaskMetrics> MetaLearner::task_metrics(const Batch& b,
                                                   const std::vector<double>& count) const {
  std::vector<TaskMetrics> out(tasks_.size());
  for (std::size_t t = 0; t < out.size(); ++t)
    if (count[t] == 0) out[t] = {std::nan(""), std::nan("")};
  for (std::size_t k = 0; k < b.lifetimes.size(); ++k) {
    if (!b.kept[k]) continue;
    const auto t = static_cast<std::size_t>(b.lifetimes[k].task);
    out[t].objective += b.lifetimes[k].objective / count[t];
    out[t].correct_late += b.lifetimes[k].correct_late / count[t];
  }
  return out;
}

MetaStepRecord MetaLearner::batch_means(const Batch& b, Eigen::VectorXd& g) const {
  MetaStepRecord rec;
  g = Eigen::VectorXd::Zero(parameters());
  std::vector<int> task;
  for (const auto& lg : b.lifetimes) task.push_back(lg.task);
  const std::vector<double> count = task_counts(task, b.kept);
  const double T = tasks_present(count);
  std::vector<Eigen::VectorXd> gradients;
  for (std::size_t k = 0; k < b.lifetimes.size(); ++k) {
    if (!b.kept[k]) continue;
    const auto& lg = b.lifetimes[k];
    const MetaTask& t = tasks_[static_cast<std::size_t>(lg.task)];
    const double n = count[static_cast<std::size_t>(lg.task)] * T;
    if (!es_ || k % 2 == 0) gradients.push_back(lg.gradient);  // ES: one estimate per pair
    g += lg.gradient / n;  // scaled by its task already (scale_to_tasks)
    rec.objective += ((lg.objective - t.chance) / (t.best - t.chance)) / n;
    rec.reward_early += lg.reward_early / n;
    rec.reward_late += lg.reward_late / n;
    rec.correct_early += lg.correct_early / n;
    rec.correct_late += lg.correct_late / n;
  }
  if (multi_task()) rec.tasks = task_metrics(b, count);
  rec.skipped = b.skipped;
  rec.gradient_norm = g.norm();
  rec.gradient_snr = gradient_snr(gradients);
  return rec;
}

// The change of the learnable coefficients (and log eta): ascent on objective - l1 |theta|_1, the
// gradient clipped, then Adam or SGD, scaled by the backtracking factor.
Eigen::VectorXd MetaLearner::ascent(MetaState& s, Eigen::VectorXd g) const {
  for (Eigen::Index p = 0; p < static_cast<Eigen::Index>(setup_.directions.size()); ++p) {
    const auto [k, l] = setup_.directions[static_cast<std::size_t>(p)];
    const double t = s.theta(k, l);
    g(p) -= options_.l1 * (t > 0 ? 1.0 : t < 0 ? -1.0 : 0.0);
  }
  if (options_.clip_norm > 0 && g.norm() > options_.clip_norm) g *= options_.clip_norm / g.norm();
  Eigen::VectorXd delta;
  if (options_.optimizer == Optimizer::Adam) {
    const int t = s.step + 1;
    s.m = options_.beta1 * s.m + (1 - options_.beta1) * g;
    s.v = options_.beta2 * s.v + (1 - options_.beta2) * g.cwiseProduct(g);
    const Eigen::VectorXd m_hat = s.m / (1 - std::pow(options_.beta1, t));
    const Eigen::VectorXd v_hat = s.v / (1 - std::pow(options_.beta2, t));
    delta = options_.learning_rate *
            m_hat.cwiseQuotient((v_hat.cwiseSqrt().array() + options_.epsilon).matrix());
  } else {
    delta = options_.learning_rate * g;
  }
  delta = delta.cwiseProduct(multipliers_) * s.step_scale;
  return delta;
}

bool MetaLearner::step(MetaState& s, int threads, Progress* progress) const {
  Batch b;
  if (!run_batch(s, threads, progress, b)) return false;
  // The means are over the lifetimes kept; a skipped one counts for nothing (with "worst" a
  // diverged lifetime is kept).
  if (es_) es_gradients(s, b);
  const double n = static_cast<double>(std::count(b.kept.begin(), b.kept.end(), true));
  if (n == 0)
    throw RunError(fmt::format("meta-step {}: every antithetic pair lost a lifetime to divergence",
                               s.step + 1));
  if (reinforce_) reinforce_gradients(s, b, n, threads);
  scale_to_tasks(b);
  clip_lifetime_gradients(b);
  Eigen::VectorXd g;
  MetaStepRecord rec = batch_means(b, g);
  Eigen::VectorXd delta = ascent(s, g);
  if (options_.line_search > 0) {
    rec.step_fraction = line_search(s, b, rec.objective, delta, threads);
    delta *= rec.step_fraction;
  }
  s.last_step = delta;
  rec.step_scale = s.step_scale;
  move(s, delta);
  rec.theta = parameters(s);
  if (!s.theta.allFinite() || !std::isfinite(s.log_eta) || !std::isfinite(s.log_tau_e) ||
      !s.log_rule.allFinite())
    throw RunError(fmt::format(
        "meta-step {}: theta is no longer finite (meta learning rate too large?)", s.step + 1));
  rec.step = ++s.step;
  s.history.push_back(std::move(rec));
  return true;
}

// The batch's kept lifetimes again (same seeds, no derivatives) at `theta`: their mean
// objective, or -inf when one diverges.
double MetaLearner::batch_objective_at(const TraceParameters& trace, int step, const Batch& b,
                                       int threads) const {
  std::vector<double> objective(b.lifetimes.size(), 0.0);
  std::vector<int> task;
  for (const auto& lg : b.lifetimes) task.push_back(lg.task);
  const auto errors = distributed_jobs(
      static_cast<int>(b.lifetimes.size()), threads,
      [&](int k) {
        const auto t = static_cast<std::size_t>(task[static_cast<std::size_t>(k)]);
        if (b.kept[static_cast<std::size_t>(k)])
          objective[static_cast<std::size_t>(k)] =
              score_lifetime(*tasks_[t].setup, weights_[t], trace,
                             meta_lifetime_seed(setup_.seed, step, k))
                  .objective;
      },
      {}, [&](int k) { return nlohmann::json(objective[static_cast<std::size_t>(k)]); },
      [&](int k, const nlohmann::json& j) {
        objective[static_cast<std::size_t>(k)] = j.get<double>();
      },
      Collect::Everywhere);
  for (std::size_t k = 0; k < objective.size(); ++k) {
    if (!b.kept[k] || !errors[k]) continue;
    try {
      std::rethrow_exception(errors[k]);
    } catch (const DivergenceError&) {
      return -std::numeric_limits<double>::infinity();
    }
  }
  return combine(objective, task, b.kept);
}

// Backtracking on the batch's own lifetimes: the fraction of `delta` whose objective is at least
// the batch's `objective` at theta (1, 1/2, ... halved at most line_search times), or 0.
double MetaLearner::line_search(const MetaState& s, const Batch& b, double objective,
                                const Eigen::VectorXd& delta, int threads) const {
  double fraction = 1;
  for (int tries = 0; tries <= options_.line_search; ++tries, fraction *= 0.5)
    if (batch_objective_at(trace(s, fraction * delta), s.step, b, threads) >= objective)
      return fraction;
  return 0;
}

// Undoes half of the last step and halves the learning rate from then on.
void MetaLearner::backtrack(MetaState& s) const {
  move(s, -0.5 * s.last_step);
  s.last_step *= 0.5;
  s.step_scale *= 0.5;
  ++s.backtracks;
  if (s.history.empty()) return;
  auto& last = s.history.back();
  last.theta = parameters(s);
  last.step_scale = s.step_scale;
}

namespace {
// The validation columns: empty when theta was not validated at that step, and the means empty
// when every validation lifetime diverged.
std::string validation_cells(const std::optional<ValidationResult>& v) {
  if (!v) return ",,";
  if (v->diverged == v->lifetimes || !std::isfinite(v->objective))
    return fmt::format(",,{}", v->diverged);
  return fmt::format("{:.17g},{:.17g},{}", v->objective, v->correct_late, v->diverged);
}

// A number, or nothing when it is not one (a task whose lifetimes all diverged).
std::string cell(double x) {
  return std::isfinite(x) ? fmt::format(",{:.17g}", x) : ",";
}

// Multi-task: each task's batch objective and fraction correct late, then its validation's.
std::string task_header(const std::vector<std::string>& tasks) {
  std::string out;
  for (const auto& t : tasks) out += fmt::format(",objective_{0},correct_late_{0}", t);
  for (const auto& t : tasks)
    out += fmt::format(",validation_objective_{0},validation_correct_late_{0}", t);
  return out;
}

std::string task_cells(const std::vector<TaskMetrics>& batch,
                       const std::optional<ValidationResult>& v, std::size_t tasks) {
  std::string out;
  for (std::size_t t = 0; t < tasks; ++t)
    out += t < batch.size() ? cell(batch[t].objective) + cell(batch[t].correct_late) : ",,";
  for (std::size_t t = 0; t < tasks; ++t)
    out += v && t < v->task_objective.size()
               ? cell(v->task_objective[t]) + cell(v->task_correct_late[t])
               : ",,";
  return out;
}
}  // namespace

std::string meta_metrics_csv(const MetaState& s, const std::vector<std::string>& tasks) {
  std::string out =
      "meta_step,objective,reward_early,reward_late,correct_early,correct_late,gradient_norm,"
      "step_scale,skipped_lifetimes,validation_objective,validation_correct_late,"
      "validation_diverged,step_fraction" +
      task_header(tasks) + "\n";
  // Row 0, the initial theta, only when it was validated: it has no batch.
  if (s.validation_start)
    out += "0,,,,,,,,," + validation_cells(s.validation_start) + "," +
           task_cells({}, s.validation_start, tasks.size()) + "\n";
  for (const auto& r : s.history)
    out += fmt::format("{},{:.17g},{:.17g},{:.17g},{:.17g},{:.17g},{:.17g},{:.17g},{},{},{:.17g}",
                       r.step, r.objective, r.reward_early, r.reward_late, r.correct_early,
                       r.correct_late, r.gradient_norm, r.step_scale, r.skipped.size(),
                       validation_cells(r.validation), r.step_fraction) +
           task_cells(r.tasks, r.validation, tasks.size()) + "\n";
  return out;
}

std::string gradient_snr_csv(const MetaState& s, const std::vector<std::string>& names) {
  std::string out = "meta_step";
  for (const auto& n : names) out += "," + n;
  out += "\n";
  for (const auto& r : s.history) {
    out += std::to_string(r.step);
    for (std::size_t p = 0; p < names.size(); ++p)
      out += r.gradient_snr.size() == 0
                 ? ","
                 : fmt::format(",{:.17g}", r.gradient_snr(static_cast<Eigen::Index>(p)));
    out += "\n";
  }
  return out;
}

std::string theta_csv(const MetaState& s, const std::vector<std::string>& names) {
  std::string out = "meta_step";
  for (const auto& n : names) out += "," + n;
  out += "\n";
  for (const auto& r : s.history) {
    out += std::to_string(r.step);
    for (Eigen::Index p = 0; p < r.theta.size(); ++p) out += fmt::format(",{:.17g}", r.theta(p));
    out += "\n";
  }
  return out;
}

}  // namespace neohebb::core
