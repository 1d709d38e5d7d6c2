#include "core/run/meta_run.hpp"

#include <chrono>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/cluster/cluster.hpp"
#include "core/cluster/wire.hpp"
#include "core/config/resolved_experiment.hpp"
#include "core/io/npy.hpp"
#include "core/io/run_directory.hpp"
#include "core/io/run_info.hpp"
#include "core/meta/checkpoint.hpp"
#include "core/meta/held_out.hpp"
#include "core/meta/meta_learner.hpp"
#include "core/meta/validation.hpp"
#include "core/run/meta_timing.hpp"
#include "core/support/errors.hpp"
#include "core/support/interrupt.hpp"
#include "core/support/resources.hpp"

namespace neohebb::core {
namespace fs = std::filesystem;

namespace {

// The learned coefficients as a [trace] table to paste into an experiment, with [meta]
// learn_tau_e the learned time constant as an [eligibility] table, and with [meta] learn_rule the
// rule's learned parameters as a [rule] table.
std::string learned_trace_toml(const Experiment& e, const Setup<sdk::Real>& setup,
                               const TraceParameters& trace) {
  const Eigen::MatrixXd& theta = trace.theta;
  std::vector<double> flat;
  for (Eigen::Index k = 0; k < theta.rows(); ++k)
    for (Eigen::Index l = 0; l < theta.cols(); ++l) flat.push_back(theta(k, l));
  std::string out = fmt::format(
      "# theta after meta-learning ({}); row-major: index k*(L)+l multiplies a_k b_l\n", e.name());
  out += fmt::format("[trace]\ntype = {}\ncoefficients = {}\n",
                     toml_literal(e.plugin("trace").type), toml_literal(flat));
  if (e.meta.learn_tau_e)
    out += fmt::format("\n[eligibility]\ntau_e = {}  # ms, meta-learned\n",
                       toml_literal(*trace.tau_e));
  if (!trace.rule.empty()) out += "\n[rule]  # meta-learned\n";
  for (std::size_t j = 0; j < trace.rule.size(); ++j)
    out += fmt::format("{} = {}\n", setup.rule_learned[j].name, toml_literal(trace.rule[j]));
  return out;
}

// The CPU and wall time of each meta-step so far (meta_timing.hpp); a backtracked attempt's
// time goes to the step that follows it.
struct MetaClock {
  std::vector<StepTiming> rows;
  double cpu = process_cpu_seconds();
  std::chrono::steady_clock::time_point wall = std::chrono::steady_clock::now();
  Cluster::Traffic traffic = Cluster::world().traffic();
  void record(int step) {
    const double now_cpu = process_cpu_seconds();
    const auto now_wall = std::chrono::steady_clock::now();
    const Cluster::Traffic now_traffic = Cluster::world().traffic();
    rows.push_back({step, now_cpu - cpu, std::chrono::duration<double>(now_wall - wall).count(),
                    now_traffic.seconds - traffic.seconds, now_traffic.bytes - traffic.bytes});
    cpu = now_cpu, wall = now_wall, traffic = now_traffic;
  }
};

void write_progress_files(const RunDirectory& run, const MetaState& s, const MetaLearner& learner,
                          const CheckpointShape& shape, const MetaClock& clock) {
  run.write("meta_timing.csv", meta_timing_csv(clock.rows));
  std::vector<std::string> tasks;
  if (learner.multi_task())
    for (const MetaTask& t : learner.tasks()) tasks.push_back(t.name);
  run.write("meta_metrics.csv", meta_metrics_csv(s, tasks));
  run.write("theta.csv", theta_csv(s, learner.direction_names()));
  run.write("gradient_snr.csv", gradient_snr_csv(s, learner.direction_names()));
  run.write("checkpoint.json", checkpoint_json(s, shape));  // last: the others match or precede it
}

// A resumed run records what --set changed (only what may change: meta.steps, meta.evaluate)
// under the header of the experiment it started from.
void record_resumed_experiment(const RunDirectory& run, const Experiment& e) {
  const std::string recorded = run.read("experiment.toml");
  const std::string now = resolved_toml(e);
  const auto body = [](const std::string& t) { return t.substr(std::min(t.find('\n'), t.size())); };
  if (body(now) != body(recorded))
    run.write("experiment.toml",
              recorded.substr(0, recorded.size() - body(recorded).size()) + body(now));
}

// The state to continue from: the start of a new run (checkpointed at once, so that it is
// resumable from the very start and kept from then on) or the checkpoint of an interrupted one.
MetaState first_state(const Experiment& e, const MetaLearner& learner, RunDirectory& run,
                      const CheckpointShape& shape, bool resumed) {
  if (!resumed) {
    for (std::size_t k = 0; k < e.tasks.size(); ++k)  // before the experiment that names them
      run.write(task_file(e.task_labels[k]), resolved_toml(e.tasks[k]));
    run.write("experiment.toml", resolved_toml(e));
    const MetaState s = learner.initial_state();
    run.write("checkpoint.json", checkpoint_json(s, shape));
    run.keep();
    return s;
  }
  MetaState s = learner.initial_state();  // killed between experiment.toml and the checkpoint
  if (run.has("checkpoint.json")) {
    try {
      s = parse_checkpoint(run.read("checkpoint.json"), &shape);
    } catch (const RunError& err) {  // its messages start with "checkpoint.json"
      throw RunError(fmt::format("{}/{}\nnothing was changed in {}", run.partial_path().string(),
                                 err.what(), run.partial_path().string()));
    }
  }
  record_resumed_experiment(run, e);
  return s;
}

// Rank 0's state (first_state) on every rank, as a resume would read it back.
MetaState shared_state(const MetaState& on_root, const CheckpointShape& shape) {
  Cluster& cluster = Cluster::world();
  const std::string text = cluster.broadcast(cluster.root() ? checkpoint_json(on_root, shape) : "");
  return cluster.root() ? on_root : parse_checkpoint(text, &shape);
}

// Every rank must have moved theta alike (they compute the same step from the same gathered
// lifetimes); a rank that did not runs another build, or on another kind of CPU.
void check_same_theta(const MetaState& s, const MetaLearner& learner) {
  Cluster& cluster = Cluster::world();
  if (!cluster.distributed()) return;
  const std::vector<std::string> all = cluster.all_gather(pack(vector_wire(learner.parameters(s))));
  for (std::size_t r = 1; r < all.size(); ++r)
    if (all[r] != all[0])
      throw RunError(fmt::format(
          "meta-step {}: rank {} moved theta differently from rank 0; every rank must run the "
          "same build of neohebb and its plugins, on the same kind of CPU (-march=native)",
          s.step, r));
}

// Why a run stopped, and how to continue it from its last checkpoint.
RunError stopped(const std::string& why, int checkpointed, const RunDirectory* run) {
  if (!run) return RunError(why);  // not rank 0: rank 0 says it
  return RunError(
      fmt::format("{}\nthe run stopped; its last checkpoint (meta-step {}) is in {}; "
                  "continue with: neohebb run --resume {} [--set meta.steps=...]",
                  why, checkpointed, run->partial_path().string(), run->partial_path().string()));
}

// One meta-step, checkpointed; what happened in it is told to the reporter. A failure (a
// diverged lifetime, a full disk) leaves the last checkpoint as it was.
// With [meta] validation: the initial theta (once, before the first meta-step) and theta after
// each due step, on the fixed validation lifetimes. Not interrupted: it is short next to a
// meta-step, and a step is checkpointed with its validation or not at all.
void validate_if_due(MetaState& state, const MetaLearner& learner, int threads) {
  const MetaSection& meta = learner.options();
  if (meta.validation == 0) return;
  if (state.step == 0) {
    if (!state.validation_start)
      state.validation_start = learner.validate(learner.trace(state), threads);
    return;
  }
  if (validation_due(meta, state.step))
    state.history.back().validation = learner.validate(learner.trace(state), threads);
}

void meta_step(MetaState& state, const MetaLearner& learner, const RunDirectory* run,
               const CheckpointShape& shape, const RunOptions& options, Progress& progress,
               MetaClock& clock) {
  const int checkpointed = state.step;
  try {
    if (learner.step(state, options.threads, &progress)) {
      validate_if_due(state, learner, options.threads);
      clock.record(state.step);
    } else {
      progress.reporter().note(fmt::format(
          "meta-step {}: a lifetime diverged; backtracked to half the last step, learning rate "
          "now x{}",
          state.step + 1, state.step_scale));
    }
    progress.report();
    const bool kept = learner.options().on_divergence == MetaDivergence::Worst;
    for (const auto& k : state.history.back().skipped)
      progress.reporter().note(
          fmt::format("meta-step {}: lifetime {} diverged and is {}: {}", state.step, k.lifetime,
                      kept ? "counted with the worst reward from there on" : "left out", k.error));
    check_same_theta(state, learner);
    if (run) write_progress_files(*run, state, learner, shape, clock);
  } catch (const std::exception& err) {
    throw stopped(err.what(), checkpointed, run);
  }
}

MetaRunSummary summary_of(const MetaState& state, const Setup<sdk::Real>& setup,
                          const MetaSection& meta) {
  MetaRunSummary out;
  out.steps_done = state.step;
  out.steps = meta.steps;
  out.batch = meta.batch;
  out.trials = setup.trials;
  out.estimator = meta.estimator;
  if (!state.history.empty()) {
    out.objective_first = state.history.front().objective;
    out.objective_last = state.history.back().objective;
    out.correct_late_first = state.history.front().correct_late;
    out.correct_late_last = state.history.back().correct_late;
  }
  return out;
}

// After the last meta-step: the held-out comparison, the final files, the commit. Returns false
// when interrupted during the comparison (the run stays resumable).
bool finish(const Experiment& e, const Setup<sdk::Real>& setup, const MetaLearner& learner,
            const MetaState& state, RunDirectory* directory, const RunOptions& options,
            const RunClock& clock, bool resumed, MetaRunSummary& summary) {
  Cluster& cluster = Cluster::world();
  std::vector<std::pair<std::string, std::string>> files;  // rank 0 writes them below
  nlohmann::json held_out;                                 // null unless [meta] evaluate > 0
  const TraceParameters initial = learner.trace(learner.initial_state());
  const TraceParameters learned = learner.learned_trace(state);
  for (const MetaTask& t : learner.tasks()) {  // several tasks: each on its own
    if (e.meta.evaluate == 0) break;
    const HeldOutComparison c = compare_held_out(*t.setup, initial, learned, e.meta.evaluate,
                                                 options.threads, [] { return !interrupted(); });
    if (cluster.any(interrupted())) return false;
    if (learner.multi_task()) {
      files.emplace_back(fmt::format("held_out_{}.csv", t.name), held_out_csv(c));
      held_out[t.name] = held_out_summary(c);
      continue;
    }
    files.emplace_back("held_out.csv", held_out_csv(c));
    held_out = held_out_summary(c);
    summary.held_out_initial = held_out_means(c.initial);
    summary.held_out_learned = held_out_means(c.learned);
  }
  if (!directory) return true;
  RunDirectory& run = *directory;
  for (const auto& [name, bytes] : files) run.write(name, bytes);
  // With learn_eta, the learned eta is folded into the coefficients: what the lifetimes used.
  run.write("theta.npy", npy_bytes(learned.theta));
  run.write("learned_trace.toml", learned_trace_toml(e, setup, learned));
  run.write("run.json",
            run_json(e, clock, options.command_line,
                     {{"meta_steps", e.meta.steps},
                      {"meta_batch", e.meta.batch},
                      {"trials", setup.trials},
                      {"estimator", sdk::choice_name(e.meta.estimator)},
                      {"gradient", learner.reverse_mode() ? "adjoint" : "forward"},
                      {"checkpoint_every", learner.reverse_mode()
                                               ? nlohmann::json(learner.checkpoint_every())
                                               : nlohmann::json()},
                      {"resumed", resumed},
                      {"average_last", e.meta.average_last},
                      {"tasks", e.task_labels},
                      {"trace", trace_json(*setup.trace)},
                      {"held_out", held_out}})
                    .dump(2) +
                "\n");
  run.commit();
  return true;
}

}  // namespace

RunOutcome run_meta(const Experiment& e, const RunOptions& options, Reporter& reporter,
                    const fs::path& resume) {
  const Setup<sdk::Real> setup = make_setup<sdk::Real>(e);
  validate_meta(e, setup, e.meta);
  validate_tasks(e);
  const std::vector<Setup<sdk::Real>> task_setups = make_task_setups(e, setup.seed);
  const MetaLearner learner(meta_tasks(e, setup, task_setups, options.threads), e.meta);
  const bool resumed = !resume.empty();
  Cluster::world().barrier();             // every rank set up before rank 0 makes the directory
  std::optional<RunDirectory> directory;  // rank 0's alone: the other ranks never touch it
  if (Cluster::world().root())
    directory.emplace(
        resumed ? RunDirectory::reopen(resume)
                : RunDirectory(options.out.empty() ? default_run_directory(e.name()) : options.out,
                               options.overwrite));
  RunDirectory* run = directory ? &*directory : nullptr;
  const CheckpointShape shape = checkpoint_shape(e, setup);
  MetaState state =
      shared_state(run ? first_state(e, learner, *run, shape, resumed) : MetaState{}, shape);
  const RunClock clock;
  RunOutcome out{run ? run->partial_path() : fs::path(), false, false, std::nullopt, std::nullopt};
  std::int64_t trials_per_step = 0;
  for (int k = 0; k < e.meta.batch; ++k)
    trials_per_step += learner.tasks()[static_cast<std::size_t>(learner.task_of(k))].setup->trials;
  Progress progress(reporter, e.name(), std::int64_t(e.meta.steps - state.step) * trials_per_step);
  if (run && learner.multi_task() && e.meta.task_scaling == TaskScaling::ChanceToBest) {
    // the same on every resume: measured with fixed seeds
    std::string csv = "task,chance,best\n";
    for (const MetaTask& t : learner.tasks())
      csv += fmt::format("{},{:.17g},{:.17g}\n", t.name, t.chance, t.best);
    run->write("task_scales.csv", csv);
  }
  if (run && e.meta.precondition != Precondition::None) {  // the same on every resume
    std::string csv = "parameter,step_multiplier\n";
    for (std::size_t p = 0; p < learner.direction_names().size(); ++p)
      csv += fmt::format("{},{:.17g}\n", learner.direction_names()[p],
                         learner.step_multipliers()(static_cast<Eigen::Index>(p)));
    run->write("preconditioner.csv", csv);
  }
  MetaClock meta_clock;
  if (run && resumed && run->has("meta_timing.csv"))
    meta_clock.rows = parse_meta_timing(run->read("meta_timing.csv"), state.step);
  if (state.step == 0 && e.meta.validation > 0 && !state.validation_start) {
    validate_if_due(state, learner, options.threads);
    meta_clock.record(0);
    if (run) write_progress_files(*run, state, learner, shape, meta_clock);
  }
  while (state.step < e.meta.steps) {
    meta_step(state, learner, run, shape, options, progress, meta_clock);
    const bool stop = Cluster::world().any(interrupted()) ||
                      (options.stop_after > 0 && state.step >= options.stop_after);
    if (stop && state.step < e.meta.steps) {
      out.meta = summary_of(state, setup, e.meta);
      return out;
    }
  }
  progress.finish();

  out.meta = summary_of(state, setup, e.meta);
  try {
    out.complete = finish(e, setup, learner, state, run, options, clock, resumed, *out.meta);
  } catch (const std::exception& err) {
    if (!run) throw;
    run->keep();  // commit() clears it: a failed commit must not drop the partial directory
    throw RunError(fmt::format(
        "{}\nall {} meta-steps are done and checkpointed in {}; finish the run with: "
        "neohebb run --resume {}",
        err.what(), state.step, run->partial_path().string(), run->partial_path().string()));
  }
  out.stopped_in_evaluation = !out.complete;
  if (out.complete && run) out.directory = run->final_path();
  return out;
}

}  // namespace neohebb::core
