#include "core/analysis/test_trials.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "core/engine/network_stepper.hpp"
#include "core/engine/seeding.hpp"
#include "core/support/errors.hpp"

namespace neohebb::core {
namespace {

// The states x_1 .. x_T of one trial (N x T), without perturbations or plasticity.
Eigen::MatrixXd run_trial(const Setup<sdk::Real>& setup, const NetworkWeights& w,
                          const sdk::TrialSpec& spec, sdk::Rng& init_rng) {
  const int n = setup.network.size, T = setup.layout.steps;
  const NetworkStepper<sdk::Real> stepper(*setup.neuron, setup.network);
  Eigen::VectorXd x(n), r(n), current(n), next(n);
  stepper.initial_state(init_rng, x);
  const Eigen::MatrixXd drive = w.W_in * spec.input;
  Eigen::MatrixXd states(n, T);
  for (int t = 0; t < T; ++t) {
    setup.neuron->rate(x, r);
    stepper.input_current(w.W, r, drive.col(t), current);
    stepper.advance(x, current, next);
    x.swap(next);
    if (!x.allFinite())
      throw RunError(fmt::format("a test trial diverged at step {} (non-finite state)", t));
    states.col(t) = x;
  }
  return states;
}

// The channels of `input` (inputs x T) constant over the trial, others zero.
Eigen::VectorXd constant_channels(const Eigen::MatrixXd& input) {
  Eigen::VectorXd u = Eigen::VectorXd::Zero(input.rows());
  for (Eigen::Index k = 0; k < input.rows(); ++k)
    if (input.cols() > 0 && (input.row(k).array() == input(k, 0)).all()) u(k) = input(k, 0);
  return u;
}

struct ConditionRecord {
  int trials = 0;
  Eigen::MatrixXd sum;
  Eigen::VectorXd context;  // channels constant in every trial so far; NaN where they differ
};

void add_constant_inputs(const std::vector<ConditionRecord>& records,
                         const std::vector<std::string>& names, sdk::Recording& out,
                         Eigen::Index inputs) {
  out.constant_inputs.push_back(Eigen::VectorXd::Zero(inputs));
  out.constant_input_names.push_back("zero");
  for (std::size_t c = 0; c < records.size(); ++c) {
    if (records[c].trials == 0) continue;
    const Eigen::VectorXd u = records[c].context.array().isNaN().select(0.0, records[c].context);
    const bool known = std::any_of(out.constant_inputs.begin(), out.constant_inputs.end(),
                                   [&](const Eigen::VectorXd& v) { return v == u; });
    if (known) continue;
    out.constant_inputs.push_back(u);
    out.constant_input_names.push_back(fmt::format("context of {}", names[c]));
  }
}

}  // namespace

sdk::Recording record_test_trials(const Setup<sdk::Real>& setup, const NetworkWeights& weights,
                                  int per_condition, std::uint64_t seed) {
  const int C = std::max(1, setup.layout.conditions), n = setup.network.size,
            T = setup.layout.steps;
  std::vector<ConditionRecord> records(static_cast<std::size_t>(C));
  std::vector<Eigen::MatrixXd> visited;
  const std::int64_t limit = std::int64_t(50) * C * per_condition;
  int complete = 0;
  sdk::TrialSpec spec;
  for (std::int64_t h = 0; h < limit && complete < C; ++h) {
    sdk::Rng task_rng(stream_seed(seed, Stream::Task, h));
    sdk::Rng init_rng(stream_seed(seed, Stream::InitialState, h));
    setup.task->make_trial(h, task_rng, spec);
    if (spec.condition < 0 || spec.condition >= C)
      throw sdk::Error(fmt::format("the task drew condition {}, outside 0..{} of its layout",
                                   spec.condition, C - 1));
    ConditionRecord& rec = records[static_cast<std::size_t>(spec.condition)];
    if (rec.trials >= per_condition) continue;
    const Eigen::MatrixXd states = run_trial(setup, weights, spec, init_rng);
    const Eigen::VectorXd u = constant_channels(spec.input);
    if (rec.trials == 0) {
      rec.sum = states;
      rec.context = u;
    } else {
      rec.sum += states;
      rec.context = (rec.context.array() == u.array()).select(rec.context, NAN);
    }
    complete += ++rec.trials == per_condition;
    // About 50 visited states per trial, 2000 in all (trials interleave the conditions).
    const int stride = std::max(1, T / 50);
    for (int t = stride - 1; t < T && visited.size() < 2000; t += stride)
      visited.push_back(states.col(t));
  }
  sdk::Recording out;
  for (int c = 0; c < C; ++c) {
    const ConditionRecord& rec = records[static_cast<std::size_t>(c)];
    if (rec.trials == 0) continue;
    out.conditions.push_back(setup.task->condition_name(c));
    out.mean_states.push_back(rec.sum / double(rec.trials));
  }
  out.visited_states.resize(n, Eigen::Index(visited.size()));
  for (std::size_t i = 0; i < visited.size(); ++i)
    out.visited_states.col(Eigen::Index(i)) = visited[i];
  std::vector<std::string> names;
  for (int c = 0; c < C; ++c) names.push_back(setup.task->condition_name(c));
  add_constant_inputs(records, names, out, setup.layout.inputs);
  return out;
}

}  // namespace neohebb::core
