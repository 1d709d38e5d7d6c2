#pragma once
// The sections of an experiment file that the core owns, each declared once as a typed struct:
// its fields' names, docs, units, ranges, and defaults (the default member values). The schema
// the file is validated against, the parameter reference and the values the engine uses all
// come from these declarations (sdk/typed_parameters.hpp).
#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include <neohebb/sdk/plugin.hpp>
#include <neohebb/sdk/typed_parameters.hpp>

namespace neohebb::core {

enum class RewardSource { Task, Policy };
constexpr std::array<const char*, 2> choice_names(RewardSource) {
  return {"task", "policy"};
}

enum class PlainDivergence { Stop, Skip };
constexpr std::array<const char*, 2> choice_names(PlainDivergence) {
  return {"stop", "skip"};
}

enum class Distribution { Uniform, Normal };
constexpr std::array<const char*, 2> choice_names(Distribution) {
  return {"uniform", "normal"};
}

enum class Readout { Linear, Unit };
constexpr std::array<const char*, 2> choice_names(Readout) {
  return {"linear", "unit"};
}

enum class Estimator { Pathwise, Reinforce, Es };
constexpr std::array<const char*, 3> choice_names(Estimator) {
  return {"pathwise", "reinforce", "es"};
}

enum class Precondition { None, Basis };
constexpr std::array<const char*, 2> choice_names(Precondition) {
  return {"none", "basis"};
}

enum class TaskScaling { ChanceToBest, None };
constexpr std::array<const char*, 2> choice_names(TaskScaling) {
  return {"chance_to_best", "none"};
}

enum class ObjectiveTrials { All, Late };
constexpr std::array<const char*, 2> choice_names(ObjectiveTrials) {
  return {"all", "late"};
}

enum class Credit { RewardToGo, Immediate };
constexpr std::array<const char*, 2> choice_names(Credit) {
  return {"reward_to_go", "immediate"};
}

enum class Optimizer { Adam, Sgd };
constexpr std::array<const char*, 2> choice_names(Optimizer) {
  return {"adam", "sgd"};
}

enum class GradientEngine { Forward, Adjoint, Auto };
constexpr std::array<const char*, 3> choice_names(GradientEngine) {
  return {"forward", "adjoint", "auto"};
}

enum class MetaDivergence { Stop, Backtrack, Skip, Worst };
constexpr std::array<const char*, 4> choice_names(MetaDivergence) {
  return {"stop", "backtrack", "skip", "worst"};
}

enum class Deviation { BeforeAverage, AfterAverage };
constexpr std::array<const char*, 2> choice_names(Deviation) {
  return {"before_average", "after_average"};
}

enum class Postsynaptic { Deviation, Perturbation };
constexpr std::array<const char*, 2> choice_names(Postsynaptic) {
  return {"deviation", "perturbation"};
}

// [experiment]: what to run.
struct ExperimentSection {
  static constexpr const char* kName = "experiment";
  static constexpr const char* kDoc = "what to run: seeds, lifetimes, trials";
  std::string name;  // empty: the file's stem
  std::int64_t seed = 1;
  int lifetimes = 1;
  std::int64_t trials = 1000;
  RewardSource reward = RewardSource::Task;
  PlainDivergence on_divergence = PlainDivergence::Stop;
  static auto fields() {
    using F = sdk::Fields<ExperimentSection>;
    return std::tuple{
        F::field(&ExperimentSection::name, "name",
                 "name of the experiment (default: the file's stem)"),
        F::field(&ExperimentSection::seed, "seed", "root of every random stream of the run")
            .at_least(0),
        F::field(&ExperimentSection::lifetimes, "lifetimes",
                 "independent lifetimes (fresh networks), each its own seed")
            .at_least(1),
        F::field(&ExperimentSection::trials, "trials", "trials per lifetime (H)").at_least(1),
        F::field(&ExperimentSection::reward, "reward",
                 "what drives plasticity: 'task' (the task's differentiable reward of the output) "
                 "or 'policy' (an action sampled from the task's policy, rewarded "
                 "correct/incorrect)"),
        F::field(&ExperimentSection::on_divergence, "on_divergence",
                 "without meta-learning, when a lifetime's reward or weights stop being finite: "
                 "'stop' (the run fails) or 'skip' (the lifetime is recorded as diverged in "
                 "summary.json and run.json and left out of the results)"),
    };
  }
  bool operator==(const ExperimentSection&) const = default;
};

// [network]: the recurrent network and its fixed input and output weights.
struct NetworkSection {
  static constexpr const char* kName = "network";
  static constexpr const char* kDoc =
      "the recurrent rate network and its fixed input and output weights";
  int size = 200;
  double gain = 1.5;
  bool self_connections = true;
  Distribution input_weights = Distribution::Uniform;
  double input_scale = 1.0;
  std::vector<int> input_free_units;
  Readout readout = Readout::Linear;
  std::vector<int> readout_units = {0};
  std::vector<int> clamped_units;
  std::vector<double> clamped_values;
  double initial_state = 0.1;
  static auto fields() {
    using F = sdk::Fields<NetworkSection>;
    return std::tuple{
        F::field(&NetworkSection::size, "size", "number of recurrent units N").at_least(1),
        F::field(&NetworkSection::gain, "gain",
                 "W_ij ~ N(0, gain^2 / N) at the start of each lifetime")
            .at_least(0),
        F::field(&NetworkSection::self_connections, "self_connections", "keep the diagonal of W"),
        F::field(&NetworkSection::input_weights, "input_weights",
                 "W_in entries: 'uniform' U(-s, s) or 'normal' N(0, s^2), s = input_scale"),
        F::field(&NetworkSection::input_scale, "input_scale", "scale s of the input weights")
            .at_least(0),
        F::field(&NetworkSection::input_free_units, "input_free_units",
                 "units that receive no direct input (their W_in row is zero)")
            .at_least(0),
        F::field(&NetworkSection::readout, "readout",
                 "'linear': z = W_out r with W_out ~ N(0, 1/N); 'unit': z_o = r of "
                 "readout_units[o]"),
        F::field(&NetworkSection::readout_units, "readout_units",
                 "with readout = 'unit': one unit per output")
            .at_least(0),
        F::field(&NetworkSection::clamped_units, "clamped_units",
                 "units held at a constant x (bias units; their outgoing weights stay plastic)")
            .at_least(0),
        F::field(&NetworkSection::clamped_values, "clamped_values",
                 "x of each clamped unit, same order"),
        F::field(&NetworkSection::initial_state, "initial_state",
                 "x at trial start ~ U(-a, a) per unit, fresh each trial (0: x = 0)")
            .at_least(0),
    };
  }
  bool operator==(const NetworkSection&) const = default;
};

// [exploration]: the kicks xi added to the input current.
struct ExplorationSection {
  static constexpr const char* kName = "exploration";
  static constexpr const char* kDoc = "perturbations xi added to the input current of each unit";
  double probability = 0.003;
  double amplitude = 16.0;
  Distribution distribution = Distribution::Uniform;
  int start_step = 4;
  static auto fields() {
    using F = sdk::Fields<ExplorationSection>;
    return std::tuple{
        F::field(&ExplorationSection::probability, "probability",
                 "chance per unit and step of a perturbation")
            .at_least(0)
            .at_most(1),
        F::field(&ExplorationSection::amplitude, "amplitude",
                 "uniform: xi ~ U(-a, a); normal: xi ~ N(0, a^2); added to the current I")
            .at_least(0),
        F::field(&ExplorationSection::distribution, "distribution", "'uniform' or 'normal'"),
        F::field(&ExplorationSection::start_step, "start_step",
                 "first step of a trial that may be perturbed")
            .at_least(0),
    };
  }
  bool operator==(const ExplorationSection&) const = default;
};

// [meta]: meta-learning of the trace coefficients.
struct MetaSection {
  static constexpr const char* kName = "meta";
  static constexpr const char* kDoc =
      "meta-learning of the trace coefficients by exact meta-gradients through the lifetime; "
      "`tasks = [...]` spans several tasks, each a table merged over the experiment or an "
      "experiment file (docs/meta-learning.md, \"Several tasks in one meta-batch\")";
  int steps = 0;
  Estimator estimator = Estimator::Pathwise;
  int batch = 4;
  ObjectiveTrials objective = ObjectiveTrials::All;
  double late_fraction = 0.5;
  Credit credit = Credit::RewardToGo;
  double baseline_decay = 0.9;
  double es_sigma = 0.01;
  bool learn_eta = false;
  bool learn_tau_e = false;
  std::string learn_rule;
  double log_learning_rate = 0.0;
  int line_search = 0;
  double lifetime_clip = 0.0;
  Precondition precondition = Precondition::None;
  TaskScaling task_scaling = TaskScaling::ChanceToBest;
  Optimizer optimizer = Optimizer::Adam;
  double learning_rate = 0.01;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double epsilon = 1e-8;
  double l1 = 0.0;
  double clip_norm = 0.0;
  MetaDivergence on_divergence = MetaDivergence::Worst;
  double divergence_reward = -std::numeric_limits<double>::infinity();
  int evaluate = 0;
  int average_last = 0;
  int validation = 0;
  int validate_every = 1;
  GradientEngine gradient = GradientEngine::Forward;
  int checkpoint_every = 0;
  static auto fields() {
    using F = sdk::Fields<MetaSection>;
    return std::tuple{
        F::field(&MetaSection::steps, "steps", "meta-steps; 0 runs the lifetimes with fixed theta")
            .at_least(0),
        F::field(&MetaSection::estimator, "estimator",
                 "'pathwise' (gradient of the task's differentiable reward; needs [experiment] "
                 "reward = 'task'), 'reinforce' (score function of the task's policy; needs "
                 "reward = 'policy') or 'es' (antithetic evolution strategies: no derivative, "
                 "pairs of lifetimes at theta +- es_sigma eps on the same seeds; either reward)"),
        F::field(&MetaSection::precondition, "precondition",
                 "'none' or 'basis': each coefficient's step scaled by median_s / s_kl, s_kl the "
                 "RMS size of its basis term a_k(r) b_l(d) in probe trials of the initial rule "
                 "(written to preconditioner.csv)"),
        F::field(&MetaSection::task_scaling, "task_scaling",
                 "with tasks = [...]: each task's objective scaled from chance (its lifetimes "
                 "with the rule off) to best (the reward of its own targets) before the mean "
                 "over tasks ('chance_to_best'), or the raw mean ('none')"),
        F::field(&MetaSection::lifetime_clip, "lifetime_clip",
                 "clip each lifetime's meta-gradient to this multiple of the batch's median "
                 "lifetime gradient norm before averaging (a few lifetimes with exploding "
                 "sensitivity otherwise make the whole step); 0 = off")
            .at_least(0),
        F::field(&MetaSection::line_search, "line_search",
                 "backtracking line search: the step is accepted only if the batch's own "
                 "lifetimes (same seeds) reach at least the objective they had, else halved, at "
                 "most this many times, then not taken; 0 = off")
            .at_least(0)
            .at_most(30),
        F::field(&MetaSection::learn_eta, "learn_eta",
                 "also learn the rule's learning rate, in log space: a common factor exp(u) on "
                 "the trace's coefficients, which three_factor's update eta m (R - Rbar) e sees "
                 "as eta exp(u); needs the adjoint (gradient = 'adjoint' or 'auto') or "
                 "estimator = 'es'"),
        F::field(&MetaSection::learn_tau_e, "learn_tau_e",
                 "also learn the eligibility trace's time constant [eligibility] tau_e, in log "
                 "space, from its finite value (exact tangents and adjoints through the trace's "
                 "decay; every task of [meta] tasks uses the one learned value)"),
        F::field(&MetaSection::learn_rule, "learn_rule",
                 "also learn these of the rule's own parameters, in log space (comma-separated "
                 "names; three_factor: 'baseline_tau' with a baseline, 'clip' with clip > 0, "
                 "'modulation_power' with modulation 'baseline_magnitude' and a power > 0), "
                 "with exact tangents and adjoints from the rule; empty = none"),
        F::field(
            &MetaSection::log_learning_rate, "log_learning_rate",
            "the learning rate of the log-space parameters (log eta, log tau_e, the rule's), whose "
            "scale is not the coefficients'; 0 = learning_rate")
            .at_least(0),
        F::field(&MetaSection::es_sigma, "es_sigma",
                 "with estimator = 'es': the standard deviation of the perturbation of each "
                 "learnable coefficient")
            .above(0),
        F::field(&MetaSection::batch, "batch", "lifetimes per meta-step, each with its own seed")
            .at_least(1),
        F::field(&MetaSection::objective, "objective",
                 "objective = weighted mean reward over the lifetime's trials: 'all' or 'late' "
                 "(the last late_fraction of them)"),
        F::field(&MetaSection::late_fraction, "late_fraction", "with objective = 'late'")
            .above(0)
            .at_most(1),
        F::field(&MetaSection::credit, "credit",
                 "REINFORCE credit of trial h: 'reward_to_go' (sum of weighted rewards from h on; "
                 "unbiased) or 'immediate' (w_h R_h; lower variance, biased)"),
        F::field(&MetaSection::baseline_decay, "baseline_decay",
                 "REINFORCE baseline b_h: running mean of the credit over lifetimes, b <- decay b "
                 "+ (1 - decay) mean")
            .at_least(0)
            .below(1),
        F::field(&MetaSection::optimizer, "optimizer",
                 "'adam' or 'sgd' (gradient ascent on the objective)"),
        F::field(&MetaSection::learning_rate, "learning_rate", "meta learning rate").above(0),
        F::field(&MetaSection::beta1, "beta1", "Adam first-moment decay").at_least(0).below(1),
        F::field(&MetaSection::beta2, "beta2", "Adam second-moment decay").at_least(0).below(1),
        F::field(&MetaSection::epsilon, "epsilon", "Adam denominator guard").above(0),
        F::field(&MetaSection::l1, "l1", "L1 penalty on theta (sparse, readable rules)")
            .at_least(0),
        F::field(&MetaSection::clip_norm, "clip_norm",
                 "clip the meta-gradient to this norm; 0 = off")
            .at_least(0),
        F::field(&MetaSection::on_divergence, "on_divergence",
                 "when a lifetime's weights diverge: 'stop' (the run stops, resumable) or "
                 "'backtrack' (undo half of the last meta-step, halve the learning rate from then "
                 "on, retry) or 'skip' (leave that lifetime out of the meta-step's mean) or "
                 "'worst' (keep it: every trial it did not run counts with divergence_reward, and "
                 "its gradient is that of the trials it ran); counted in meta_metrics.csv"),
        F::field(&MetaSection::divergence_reward, "divergence_reward",
                 "with on_divergence = 'worst': the reward of each trial a diverged lifetime did "
                 "not run; -inf = the lowest reward of any trial of that meta-step's lifetimes")
            .or_infinite(),
        F::field(&MetaSection::evaluate, "evaluate",
                 "after the last meta-step, run this many held-out lifetimes (the seeds of a plain "
                 "run, never used in training) with the initial and with the learned theta; 0 = "
                 "off")
            .at_least(0)
            .at_most(100000),
        F::field(&MetaSection::average_last, "average_last",
                 "the learned theta (theta.npy, learned_trace.toml, the held-out comparison) is "
                 "the mean of the learnable coefficients (and log eta) after the last this many "
                 "meta-steps, so that the noise of single steps averages out (Polyak averaging); "
                 "0 or 1 = after the last step; theta.csv keeps every step's")
            .at_least(0),
        F::field(&MetaSection::validation, "validation",
                 "evaluate the current theta on this many fixed validation lifetimes (the same "
                 "seeds every time, never a batch's or the held-out ones) before the first "
                 "meta-step and every validate_every steps, into meta_metrics.csv; 0 = off")
            .at_least(0)
            .at_most(100000),
        F::field(&MetaSection::validate_every, "validate_every",
                 "meta-steps between validations (the last step is always validated)")
            .at_least(1),
        F::field(&MetaSection::gradient, "gradient",
                 "how the meta-gradient is computed: 'forward' (tangents dW/dtheta_p, cost grows "
                 "with the number P of learnable coefficients), 'adjoint' (reverse mode through "
                 "the lifetime, cost independent of P) or 'auto' (the cheaper by a cost model in "
                 "primal trials: the adjoint from P = 3, or P = 2 with checkpoint_every = 1)"),
        F::field(&MetaSection::checkpoint_every, "checkpoint_every",
                 "with the adjoint: trials between the weights kept by the forward sweep (the "
                 "trials between are run again); 0 = the nearest integer to sqrt(trials)")
            .with_unit("trials")
            .at_least(0),
    };
  }
  bool operator==(const MetaSection&) const = default;
};

// [eligibility]: the running average and the accumulation of the trace.
struct EligibilitySection {
  static constexpr const char* kName = "eligibility";
  static constexpr const char* kDoc =
      "the postsynaptic running average and the accumulation of the eligibility trace";
  double tau_e = std::numeric_limits<double>::infinity();  // ms; inf = no decay
  double average_beta = 0.05;
  Deviation deviation = Deviation::BeforeAverage;
  Postsynaptic postsynaptic = Postsynaptic::Deviation;
  int start_step = 3;
  bool scale_by_dt = true;
  bool reset_average = true;
  static auto fields() {
    using F = sdk::Fields<EligibilitySection>;
    return std::tuple{
        F::field(&EligibilitySection::tau_e, "tau_e",
                 "trace time constant: e <- (1 - dt/tau_e) e + c f; inf = no decay")
            .with_unit("ms")
            .above(0)
            .or_infinite(),
        F::field(&EligibilitySection::average_beta, "average_beta",
                 "xbar <- beta xbar + (1 - beta) x")
            .at_least(0)
            .below(1),
        F::field(&EligibilitySection::deviation, "deviation",
                 "d = xbar - x_new with xbar taken 'before_average' absorbs x_new (Miconi) or "
                 "'after_average'"),
        F::field(&EligibilitySection::postsynaptic, "postsynaptic",
                 "the postsynaptic variable of the trace: 'deviation' d = xbar - x, or "
                 "'perturbation' xi_i, the exploration kick of unit i in that step (node "
                 "perturbation)"),
        F::field(&EligibilitySection::start_step, "start_step",
                 "first step whose increment enters the trace")
            .at_least(0),
        F::field(&EligibilitySection::scale_by_dt, "scale_by_dt", "c = dt (true) or c = 1 (false)"),
        F::field(&EligibilitySection::reset_average, "reset_average",
                 "xbar = x at each trial start (false: carried over from the last trial, as in "
                 "Miconi's code)"),
    };
  }
  bool operator==(const EligibilitySection&) const = default;
};

// The [analysis] keys other than `run` (the analyses) and its [analysis.<name>] subtables.
struct AnalysisSection {
  static constexpr const char* kName = "analysis";
  static constexpr const char* kDoc =
      "analyses of the trained networks, run at the end of `neohebb run` (and by `neohebb "
      "analyze`): `run = [\"fixed_points\", ...]` names them (default: none), "
      "`[analysis.<name>]` sets an analysis's parameters";
  int test_trials = 10;
  static auto fields() {
    using F = sdk::Fields<AnalysisSection>;
    return std::tuple{
        F::field(&AnalysisSection::test_trials, "test_trials",
                 "test trials recorded per task condition for the analyses (final weights, "
                 "plasticity and exploration off)")
            .at_least(1)
            .at_most(100000),
    };
  }
  bool operator==(const AnalysisSection&) const = default;
};

// A section the core owns, as data: for validation, listings and the parameter reference.
struct CoreSection {
  std::string name;
  std::string doc;
  sdk::ParamSchema params;
};
template <class Section>
CoreSection core_section() {
  return {Section::kName, Section::kDoc, sdk::schema_of<Section>()};
}

// The typed sections of an experiment, in the order a resolved experiment writes them.
struct CoreSections {
  ExperimentSection experiment;
  NetworkSection network;
  ExplorationSection exploration;
  MetaSection meta;
  EligibilitySection eligibility;
  bool operator==(const CoreSections&) const = default;

  // Calls f(section) for each of them, in that order.
  template <class F>
  void for_each(F&& f) {
    f(experiment), f(network), f(exploration), f(meta), f(eligibility);
  }
  template <class F>
  void for_each(F&& f) const {
    f(experiment), f(network), f(exploration), f(meta), f(eligibility);
  }
};

// A section that names a plugin component: [neuron], [trace], [rule], [task].
struct PluginSection {
  std::string name;
  sdk::Kind kind;
  const char* default_type;  // nullptr: the section is required
};
const std::vector<PluginSection>& plugin_sections();

// [experiment] .. [eligibility] as data, in the order of CoreSections.
const std::vector<CoreSection>& core_sections();
// The [analysis] keys other than `run`.
const CoreSection& analysis_section();

}  // namespace neohebb::core
