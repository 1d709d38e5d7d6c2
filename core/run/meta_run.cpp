// `neohebb run` for meta-learning experiments: meta-steps with a checkpoint after each, written
// atomically into the run's partial directory, so an interrupted run resumes where it stopped
// and ends with the same numbers as an uninterrupted one.
#include <chrono>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/config/resolved_experiment.hpp"
#include "core/io/npy.hpp"
#include "core/io/run_directory.hpp"
#include "core/meta/held_out.hpp"
#include "core/meta/meta_learner.hpp"
#include "core/run/plain_run.hpp"
#include "core/support/errors.hpp"
#include "core/support/interrupt.hpp"
#include "core/support/version.hpp"

namespace neohebb::core {
namespace fs = std::filesystem;

namespace {

// The learned coefficients as a [trace] table to paste into an experiment.
std::string learned_trace_toml(const Experiment& e, const Eigen::MatrixXd& theta) {
  std::vector<double> flat;
  for (Eigen::Index k = 0; k < theta.rows(); ++k)
    for (Eigen::Index l = 0; l < theta.cols(); ++l) flat.push_back(theta(k, l));
  std::string out = fmt::format(
      "# theta after meta-learning ({}); row-major: index k*(L)+l multiplies a_k b_l\n", e.name());
  out += fmt::format("[trace]\ntype = {}\ncoefficients = {}\n",
                     toml_literal(e.plugin("trace").type), toml_literal(flat));
  return out;
}

void print_held_out(const nlohmann::json& h) {
  auto value = [](const nlohmann::json& v) {
    return v.is_null() ? std::string("-") : fmt::format("{:.4f}", v.get<double>());
  };
  const auto& i = h["initial"];
  const auto& l = h["learned"];
  fmt::print(
      "held-out lifetimes ({}, seeds of a plain run): mean reward {} initial, {} learned; "
      "fraction correct, last tenth: {} initial, {} learned\n",
      i["lifetimes"].get<int>(), value(i["mean_reward"]), value(l["mean_reward"]),
      value(i["correct_late"]), value(l["correct_late"]));
  if (i["diverged"].get<int>() + l["diverged"].get<int>() > 0)
    fmt::print("held-out lifetimes that diverged: {} initial, {} learned (held_out.csv)\n",
               i["diverged"].get<int>(), l["diverged"].get<int>());
}

void write_progress_files(const RunDirectory& run, const MetaState& s, const MetaLearner& learner) {
  run.write("meta_metrics.csv", meta_metrics_csv(s));
  run.write("theta.csv", theta_csv(s, learner.direction_names()));
  run.write("checkpoint.json", checkpoint_json(s));  // last: the other files match it or precede it
}

}  // namespace

fs::path run_meta_learning(const Experiment& e, const RunOptions& options, const fs::path& resume) {
  const Setup<sdk::Real> setup = make_setup<sdk::Real>(e);
  const MetaSection& meta = e.meta;
  validate_meta(e, setup, meta);
  const MetaLearner learner(setup, meta);

  const fs::path dir = options.out.empty()
                           ? fs::path("runs") / (e.name() + "-" + timestamp("%Y%m%d-%H%M%S"))
                           : options.out;
  RunDirectory run =
      resume.empty() ? RunDirectory(dir, options.overwrite) : RunDirectory::reopen(resume);
  MetaState state;
  if (resume.empty()) {
    run.write("experiment.toml", resolved_toml(e));
    state = learner.initial_state();
    run.write("checkpoint.json", checkpoint_json(state));  // resumable from the very start
  } else if (run.has("checkpoint.json")) {
    state = parse_checkpoint(run.read("checkpoint.json"));
  } else {
    state = learner.initial_state();  // killed between experiment.toml and the first checkpoint
  }
  const auto t0 = std::chrono::steady_clock::now();
  const std::string started = timestamp("%Y-%m-%dT%H:%M:%S%z");
  Progress progress(e.name(), std::int64_t(meta.steps - state.step) * meta.batch * setup.trials,
                    options.quiet);
  while (state.step < meta.steps) {
    try {
      if (!learner.step(state, options.threads, &progress) && !options.quiet)
        fmt::print(stderr,
                   "\nmeta-step {}: a lifetime diverged; backtracked to half the last step, "
                   "learning rate now x{}\n",
                   state.step + 1, state.step_scale);
    } catch (const std::exception& err) {
      // Keep what was done: the checkpoint of the last completed meta-step stays resumable.
      run.keep();
      throw RunError(fmt::format(
          "{}\nthe run stopped; its last checkpoint (meta-step {}) is in {}; "
          "continue with: neohebb run --resume {} [--set ...]",
          err.what(), state.step, run.partial_path().string(), run.partial_path().string()));
    }
    progress.draw();
    if (!options.quiet)
      for (const auto& k : state.history.back().skipped)
        fmt::print(stderr, "\nmeta-step {}: lifetime {} diverged and is left out: {}\n", state.step,
                   k.lifetime, k.error);
    write_progress_files(run, state, learner);
    const bool stop_requested =
        interrupted() || (options.stop_after > 0 && state.step >= options.stop_after);
    if (stop_requested && state.step < meta.steps) {
      run.keep();
      fmt::print("stopped after meta-step {}; continue with: neohebb run --resume {}\n", state.step,
                 run.partial_path().string());
      return run.partial_path();
    }
  }
  progress.finish();

  // Every meta-step is done and checkpointed: nothing that fails from here on may delete them.
  run.keep();
  nlohmann::json held_out;  // null unless [meta] evaluate > 0
  try {
    if (meta.evaluate > 0) {
      const HeldOutComparison c =
          compare_held_out(setup, learner.initial_state().theta, state.theta, meta.evaluate,
                           options.threads, [] { return !interrupted(); });
      if (interrupted()) {
        fmt::print(
            "stopped during the held-out evaluation, after all {} meta-steps; finish with: "
            "neohebb run --resume {}\n",
            state.step, run.partial_path().string());
        return run.partial_path();
      }
      run.write("held_out.csv", held_out_csv(c));
      held_out = held_out_summary(c);
    }
    run.write("theta.npy", npy_bytes(state.theta));
    run.write("learned_trace.toml", learned_trace_toml(e, state.theta));
    const nlohmann::json info = {
        {"neohebb_version", kVersion},
        {"sdk_abi_version", sdk::kAbiVersion},
        {"experiment", fs::absolute(e.file).string()},
        {"name", e.name()},
        {"seed", setup.seed},
        {"meta_steps", meta.steps},
        {"meta_batch", meta.batch},
        {"trials", setup.trials},
        {"estimator", sdk::choice_name(meta.estimator)},
        {"resumed", !resume.empty()},
        {"held_out", held_out},
        {"plugins", plugins_json(e)},
        {"command", options.command_line},
        {"host", host_name()},
        {"started", started},
        {"finished", timestamp("%Y-%m-%dT%H:%M:%S%z")},
        {"wall_seconds",
         std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()},
    };
    run.write("run.json", info.dump(2) + "\n");
    run.commit();
  } catch (const std::exception& err) {
    run.keep();  // a failed commit() must not drop the partial directory either
    throw RunError(fmt::format(
        "{}\nall {} meta-steps are done and checkpointed in {}; finish the run with: "
        "neohebb run --resume {}",
        err.what(), state.step, run.partial_path().string(), run.partial_path().string()));
  }

  const auto& first = state.history.front();
  const auto& last = state.history.back();
  fmt::print("run directory: {}\n", run.final_path().string());
  fmt::print("meta-steps: {} of {} lifetimes x {} trials ({})\n", state.step, meta.batch,
             setup.trials, meta.estimator == Estimator::Reinforce ? "REINFORCE" : "pathwise");
  fmt::print("objective: {:.4f} at meta-step 1, {:.4f} at meta-step {}\n", first.objective,
             last.objective, last.step);
  fmt::print(
      "fraction correct, last tenth of trials: {:.3f} at meta-step 1, {:.3f} at meta-step {}\n",
      first.correct_late, last.correct_late, last.step);
  if (!held_out.is_null()) print_held_out(held_out);
  fmt::print("learned coefficients: {}\n", (run.final_path() / "learned_trace.toml").string());
  return run.final_path();
}

}  // namespace neohebb::core
