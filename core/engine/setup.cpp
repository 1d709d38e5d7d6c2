#include "core/engine/setup.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "core/support/errors.hpp"
#include "core/support/resources.hpp"

namespace neohebb::core {
namespace {

// Instantiates a plugin section's component; a plugin's own complaint is reported at the
// position of the parameter it names.
template <class I, class S>
std::shared_ptr<I> create(const Experiment& e, const std::string& section,
                          std::vector<std::string>& errors) {
  const PluginChoice& c = e.plugin(section);
  try {
    return instantiate<I, S>(*c.component, c.params);
  } catch (const sdk::ParameterError& err) {
    errors.push_back(fmt::format("{}: {} '{}': parameter '{}': {}",
                                 e.position(section, err.parameter()).str(), section, c.type,
                                 err.parameter(), err.what()));
  } catch (const std::exception& err) {
    errors.push_back(fmt::format("{}: {} '{}' refused its parameters: {}",
                                 e.position(section).str(), section, c.type, err.what()));
  }
  return nullptr;
}

void check_units(const Experiment& e, const char* key, const std::vector<int>& units, int n,
                 std::vector<std::string>& errors) {
  for (int u : units)
    if (u < 0 || u >= n)
      errors.push_back(fmt::format("{}: [network] {} holds unit {}, outside 0..{} (size = {})",
                                   e.position("network", key).str(), key, u, n - 1, n));
}

void check_clamped_once(const Experiment& e, const NetworkSection& net,
                        std::vector<std::string>& errors) {
  std::set<int> seen;
  for (int u : net.clamped_units)
    if (!seen.insert(u).second)
      errors.push_back(fmt::format("{}: [network] clamped_units holds unit {} twice",
                                   e.position("network", "clamped_units").str(), u));
}

// A lifetime holds several N x N matrices (W, its initial copy, the trace, the update); refuse a
// network whose weights alone could never fit in this machine's memory, rather than failing with
// an allocation error mid-run.
void check_memory(const Experiment& e, const NetworkSection& net,
                  std::vector<std::string>& errors) {
  constexpr double kMatrices = 4, kGiB = 1024.0 * 1024 * 1024;
  const double need = kMatrices * double(net.size) * double(net.size) * sizeof(double);
  const double have = machine_memory();
  if (have > 0 && need > have)
    errors.push_back(fmt::format(
        "{}: [network] size = {} needs at least {:.3g} GiB for the weights of one lifetime; this "
        "machine has {:.3g} GiB of memory",
        e.position("network", "size").str(), net.size, need / kGiB, have / kGiB));
}

// The lifetimes held at once (all of a plain run's, a meta-step's batch) each keep a record per
// trial (about 64 bytes; REINFORCE adds a score per learnable coefficient) and, in a plain run,
// their final weights. Refuse what could never fit, rather than failing in an allocation with a
// message about vectors.
void check_lifetime_memory(const Experiment& e, std::size_t directions,
                           std::vector<std::string>& errors) {
  constexpr double kRecordBytes = 64, kLifetimeBytes = 512, kGiB = 1024.0 * 1024 * 1024;
  const bool meta = e.meta.steps > 0;
  const double n = e.network.size, held = meta ? e.meta.batch : e.experiment.lifetimes;
  const double per_trial =
      kRecordBytes +
      (meta && e.meta.estimator == Estimator::Reinforce ? 8.0 * double(directions) : 0);
  const double per_lifetime =
      kLifetimeBytes + per_trial * double(e.experiment.trials) + (meta ? 0 : 16 * n * n);
  const double need = held * per_lifetime, have = machine_memory();
  if (have > 0 && need > have)
    errors.push_back(fmt::format(
        "{}: {} lifetimes{} of {} trials each need at least {:.3g} GiB; this machine has {:.3g} "
        "GiB of memory",
        e.position(meta ? "meta" : "experiment", meta ? "batch" : "lifetimes").str(), held,
        meta ? " per meta-step ([meta] batch)" : "", e.experiment.trials, need / kGiB,
        have / kGiB));
}

// A trial this long is a unit mistake (dt in s rather than ms) far more often than an experiment;
// it would also run for days before failing to allocate its per-step arrays.
void check_trial_length(const Experiment& e, const sdk::TaskLayout& lay, double dt,
                        std::vector<std::string>& errors) {
  if (lay.steps > kMaxTrialSteps)
    errors.push_back(fmt::format(
        "{}: a trial of task '{}' lasts {} steps at dt = {} ms, more than the {} a trial may "
        "last (is dt in ms?)",
        e.position("neuron", "dt").str(), e.plugin("task").type, lay.steps, dt, kMaxTrialSteps));
}

void check_options(const Experiment& e, const NetworkSection& net, const sdk::TaskLayout& lay,
                   const EligibilitySection& el, const ExplorationSection& ex,
                   std::vector<std::string>& errors) {
  check_units(e, "input_free_units", net.input_free_units, net.size, errors);
  check_units(e, "clamped_units", net.clamped_units, net.size, errors);
  check_clamped_once(e, net, errors);
  check_memory(e, net, errors);
  if (net.clamped_units.size() != net.clamped_values.size())
    errors.push_back(fmt::format("{}: [network] clamped_values has {} values for {} clamped_units",
                                 e.position("network", "clamped_values").str(),
                                 net.clamped_values.size(), net.clamped_units.size()));
  if (net.readout == Readout::Unit) {
    check_units(e, "readout_units", net.readout_units, net.size, errors);
    if (static_cast<int>(net.readout_units.size()) != lay.outputs)
      errors.push_back(
          fmt::format("{}: [network] readout_units has {} units but task '{}' has {} output(s)",
                      e.position("network", "readout_units").str(), net.readout_units.size(),
                      e.plugin("task").type, lay.outputs));
  }
  if (el.start_step >= lay.steps)
    errors.push_back(
        fmt::format("{}: [eligibility] start_step = {} is not inside the trial ({} steps)",
                    e.position("eligibility", "start_step").str(), el.start_step, lay.steps));
  if (ex.start_step >= lay.steps && ex.probability > 0 && ex.amplitude > 0)
    errors.push_back(
        fmt::format("{}: [exploration] start_step = {} is not inside the trial ({} steps)",
                    e.position("exploration", "start_step").str(), ex.start_step, lay.steps));
  if (lay.steps < 1 || lay.outputs < 1)
    errors.push_back(
        fmt::format("{}: task '{}' lays out {} steps and {} outputs; it needs at least one of each",
                    e.position("task").str(), e.plugin("task").type, lay.steps, lay.outputs));
}

// [meta] learn_rule: the comma-separated names, as indices into the rule's learnable parameters.
std::vector<int> learned_rule_parameters(const Experiment& e,
                                         const std::vector<sdk::LearnableParameter>& learnable,
                                         std::vector<std::string>& errors) {
  std::vector<int> out;
  std::string known;
  for (const auto& p : learnable) known += (known.empty() ? "" : ", ") + p.name;
  std::string names = e.meta.learn_rule;
  std::replace(names.begin(), names.end(), ',', ' ');
  std::istringstream words(names);
  for (std::string name; words >> name;) {
    const auto it = std::find_if(learnable.begin(), learnable.end(),
                                 [&](const auto& p) { return p.name == name; });
    const int index = static_cast<int>(it - learnable.begin());
    if (it == learnable.end())
      errors.push_back(
          fmt::format("{}: [meta] learn_rule: rule '{}' has no learnable parameter '{}' ({})",
                      e.position("meta", "learn_rule").str(), e.plugin("rule").type, name,
                      known.empty() ? "it has none with these settings" : "it has: " + known));
    else if (std::find(out.begin(), out.end(), index) != out.end())
      errors.push_back(fmt::format("{}: [meta] learn_rule names '{}' twice",
                                   e.position("meta", "learn_rule").str(), name));
    else
      out.push_back(index);
  }
  return out;
}

}  // namespace

template <class S>
std::shared_ptr<sdk::PlasticityRule<S>> Setup<S>::make_rule() const {
  return instantiate<sdk::PlasticityRule<S>, S>(*rule, rule_params);
}

template <class S>
Setup<S> make_setup(const Experiment& e) {
  std::vector<std::string> errors;
  Setup<S> s;
  s.network = e.network;
  s.exploration = e.exploration;
  s.eligibility = e.eligibility;
  s.seed = static_cast<std::uint64_t>(e.experiment.seed);
  s.lifetimes = e.experiment.lifetimes;
  s.trials = e.experiment.trials;
  s.neuron = create<sdk::NeuronModel<S>, S>(e, "neuron", errors);
  s.trace = create<sdk::TracePolynomial<S>, S>(e, "trace", errors);
  s.task = create<sdk::Task<S>, S>(e, "task", errors);
  s.rule = e.plugin("rule").component;
  s.rule_params = e.plugin("rule").params;
  // Constructed once to surface its errors, and to list what it can learn.
  if (const auto rule = create<sdk::PlasticityRule<S>, S>(e, "rule", errors)) {
    const auto learnable = rule->learnable_parameters();
    s.rule_parameters = learned_rule_parameters(e, learnable, errors);
    for (int i : s.rule_parameters)
      s.rule_learned.push_back(learnable[static_cast<std::size_t>(i)]);
  }
  s.reward = e.experiment.reward;
  if (s.trace) {
    const int K = s.trace->pre_terms(), L = s.trace->post_terms();
    for (int k = 0; k < K; ++k)
      for (int l = 0; l < L; ++l)
        if (s.trace->learnable(k, l)) s.directions.emplace_back(k, l);
  }
  s.learn_tau_e = e.meta.learn_tau_e;
  check_lifetime_memory(e, static_cast<std::size_t>(s.tangent_directions()), errors);
  if (s.task && s.reward == RewardSource::Policy && !s.task->has_policy())
    errors.push_back(fmt::format("{}: [experiment] reward = \"policy\" but task '{}' has no policy",
                                 e.position("experiment", "reward").str(), e.plugin("task").type));
  if (s.task && s.neuron) {
    try {
      s.task->setup({s.neuron->dt()});
      s.layout = s.task->layout();
      check_trial_length(e, s.layout, s.neuron->dt(), errors);
      if (s.layout.steps <= kMaxTrialSteps)
        check_options(e, s.network, s.layout, s.eligibility, s.exploration, errors);
    } catch (const sdk::ParameterError& err) {
      errors.push_back(fmt::format("{}: task '{}': parameter '{}': {}",
                                   e.position("task", err.parameter()).str(), e.plugin("task").type,
                                   err.parameter(), err.what()));
    }
  }
  if (!errors.empty()) throw ConfigError(errors);
  return s;
}

TraceParameters initial_trace(const Setup<sdk::Real>& setup) {
  return {setup.trace->initial_coefficients(), std::nullopt, {}};
}

template struct Setup<sdk::Real>;
template struct Setup<sdk::Complex>;
template Setup<sdk::Real> make_setup<sdk::Real>(const Experiment&);
template Setup<sdk::Complex> make_setup<sdk::Complex>(const Experiment&);

}  // namespace neohebb::core
