// The core's own experiment sections, declared with the same schema types as plugin parameters,
// so one validator, `neohebb plugins` and the docs' tables all read the same declarations.
#include <limits>

#include "core/config/experiment.hpp"

namespace neohebb::core {

using sdk::ParamSpec;

const std::vector<CoreSection>& core_sections() {
  static const std::vector<CoreSection> sections = {
      {"experiment",
       "what to run: seeds, lifetimes, trials",
       {
           ParamSpec::text("name", "", "name of the experiment (default: the file's stem)"),
           ParamSpec::integer("seed", 1, "root of every random stream of the run").at_least(0),
           ParamSpec::integer("lifetimes", 1,
                              "independent lifetimes (fresh networks), each its own seed")
               .at_least(1),
           ParamSpec::integer("trials", 1000, "trials per lifetime (H)").at_least(1),
           ParamSpec::text("reward", "task",
                           "what drives plasticity: 'task' (the task's differentiable reward of "
                           "the output) or 'policy' (an action sampled from the task's policy, "
                           "rewarded correct/incorrect)")
               .one_of({"task", "policy"}),
           ParamSpec::text("on_divergence", "stop",
                           "without meta-learning, when a lifetime's reward or weights stop being "
                           "finite: 'stop' (the run fails) or 'skip' (the lifetime is recorded as "
                           "diverged in summary.json and run.json and left out of the results)")
               .one_of({"stop", "skip"}),
       }},
      {"network",
       "the recurrent rate network and its fixed input and output weights",
       {
           ParamSpec::integer("size", 200, "number of recurrent units N").at_least(1),
           ParamSpec::real("gain", 1.5, "W_ij ~ N(0, gain^2 / N) at the start of each lifetime")
               .at_least(0),
           ParamSpec::boolean("self_connections", true, "keep the diagonal of W"),
           ParamSpec::text(
               "input_weights", "uniform",
               "W_in entries: 'uniform' U(-s, s) or 'normal' N(0, s^2), s = input_scale")
               .one_of({"uniform", "normal"}),
           ParamSpec::real("input_scale", 1.0, "scale s of the input weights").at_least(0),
           ParamSpec::integers("input_free_units", {},
                               "units that receive no direct input (their W_in row is zero)"),
           ParamSpec::text("readout", "linear",
                           "'linear': z = W_out r with W_out ~ N(0, 1/N); 'unit': z_o = r of "
                           "readout_units[o]")
               .one_of({"linear", "unit"}),
           ParamSpec::integers("readout_units", {0}, "with readout = 'unit': one unit per output"),
           ParamSpec::integers("clamped_units", {},
                               "units held at a constant x (bias units; their outgoing weights "
                               "stay plastic)"),
           ParamSpec::reals("clamped_values", {}, "x of each clamped unit, same order"),
           ParamSpec::real("initial_state", 0.1,
                           "x at trial start ~ U(-a, a) per unit, fresh each trial (0: x = 0)")
               .at_least(0),
       }},
      {"exploration",
       "perturbations xi added to the input current of each unit",
       {
           ParamSpec::real("probability", 0.003, "chance per unit and step of a perturbation")
               .at_least(0)
               .at_most(1),
           ParamSpec::real("amplitude", 16.0,
                           "uniform: xi ~ U(-a, a); normal: xi ~ N(0, a^2); added to the current I")
               .at_least(0),
           ParamSpec::text("distribution", "uniform", "'uniform' or 'normal'")
               .one_of({"uniform", "normal"}),
           ParamSpec::integer("start_step", 4, "first step of a trial that may be perturbed")
               .at_least(0),
       }},
      {"meta",
       "meta-learning of the trace coefficients by forward-mode tangent propagation",
       {
           ParamSpec::integer("steps", 0, "meta-steps; 0 runs the lifetimes with fixed theta")
               .at_least(0),
           ParamSpec::text("estimator", "pathwise",
                           "'pathwise' (gradient of the task's differentiable reward; needs "
                           "[experiment] reward = 'task') or 'reinforce' (score function of the "
                           "task's policy; needs reward = 'policy')")
               .one_of({"pathwise", "reinforce"}),
           ParamSpec::integer("batch", 4, "lifetimes per meta-step, each with its own seed")
               .at_least(1),
           ParamSpec::text("objective", "all",
                           "objective = weighted mean reward over the lifetime's trials: 'all' "
                           "or 'late' (the last late_fraction of them)")
               .one_of({"all", "late"}),
           ParamSpec::real("late_fraction", 0.5, "with objective = 'late'").above(0).at_most(1),
           ParamSpec::text("credit", "reward_to_go",
                           "REINFORCE credit of trial h: 'reward_to_go' (sum of weighted rewards "
                           "from h on; unbiased) or 'immediate' (w_h R_h; lower variance, biased)")
               .one_of({"reward_to_go", "immediate"}),
           ParamSpec::real("baseline_decay", 0.9,
                           "REINFORCE baseline b_h: running mean of the credit over lifetimes, "
                           "b <- decay b + (1 - decay) mean")
               .at_least(0)
               .below(1),
           ParamSpec::text("optimizer", "adam",
                           "'adam' or 'sgd' (gradient ascent on the objective)")
               .one_of({"adam", "sgd"}),
           ParamSpec::real("learning_rate", 0.01, "meta learning rate").above(0),
           ParamSpec::real("beta1", 0.9, "Adam first-moment decay").at_least(0).below(1),
           ParamSpec::real("beta2", 0.999, "Adam second-moment decay").at_least(0).below(1),
           ParamSpec::real("epsilon", 1e-8, "Adam denominator guard").above(0),
           ParamSpec::real("l1", 0.0, "L1 penalty on theta (sparse, readable rules)").at_least(0),
           ParamSpec::real("clip_norm", 0.0, "clip the meta-gradient to this norm; 0 = off")
               .at_least(0),
           ParamSpec::text("on_divergence", "stop",
                           "when a lifetime's weights diverge: 'stop' (the run stops, resumable) "
                           "or 'backtrack' (undo half of the last meta-step, halve the learning "
                           "rate from then on, retry) or 'skip' (leave that lifetime out of the "
                           "meta-step's mean, counted in meta_metrics.csv)")
               .one_of({"stop", "backtrack", "skip"}),
           ParamSpec::integer("evaluate", 0,
                              "after the last meta-step, run this many held-out lifetimes (the "
                              "seeds of a plain run, never used in training) with the initial and "
                              "with the learned theta; 0 = off")
               .at_least(0)
               .at_most(100000),
       }},
      {"eligibility",
       "the postsynaptic running average and the accumulation of the eligibility trace",
       {
           ParamSpec::real("tau_e", std::numeric_limits<double>::infinity(),
                           "trace time constant: e <- (1 - dt/tau_e) e + c f; inf = no decay")
               .with_unit("ms")
               .above(0),
           ParamSpec::real("average_beta", 0.05, "xbar <- beta xbar + (1 - beta) x")
               .at_least(0)
               .below(1),
           ParamSpec::text("deviation", "before_average",
                           "d = xbar - x_new with xbar taken 'before_average' absorbs x_new "
                           "(Miconi) or 'after_average'")
               .one_of({"before_average", "after_average"}),
           ParamSpec::text("postsynaptic", "deviation",
                           "the postsynaptic variable of the trace: 'deviation' d = xbar - x, or "
                           "'perturbation' xi_i, the exploration kick of unit i in that step (node "
                           "perturbation)")
               .one_of({"deviation", "perturbation"}),
           ParamSpec::integer("start_step", 3, "first step whose increment enters the trace")
               .at_least(0),
           ParamSpec::boolean("scale_by_dt", true, "c = dt (true) or c = 1 (false)"),
           ParamSpec::boolean("reset_average", true,
                              "xbar = x at each trial start (false: carried over from the last "
                              "trial, as in Miconi's code)"),
       }},
  };
  return sections;
}

const std::vector<PluginSection>& plugin_sections() {
  static const std::vector<PluginSection> sections = {
      {"neuron", sdk::Kind::NeuronModel, "rate_tanh"},
      {"trace", sdk::Kind::TracePolynomial, nullptr},
      {"rule", sdk::Kind::PlasticityRule, nullptr},
      {"task", sdk::Kind::Task, nullptr},
  };
  return sections;
}

}  // namespace neohebb::core
