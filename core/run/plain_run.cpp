#include "core/run/plain_run.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <new>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/analysis/analyses.hpp"
#include "core/cluster/cluster.hpp"
#include "core/cluster/distributed_for.hpp"
#include "core/cluster/wire.hpp"
#include "core/config/resolved_experiment.hpp"
#include "core/engine/seeding.hpp"
#include "core/io/npy.hpp"
#include "core/io/run_directory.hpp"
#include "core/io/run_info.hpp"
#include "core/support/errors.hpp"
#include "core/support/interrupt.hpp"

namespace neohebb::core {
namespace fs = std::filesystem;

namespace {

LifetimeResult run_one(const Setup<sdk::Real>& setup, std::int64_t index, Progress& progress,
                       const std::atomic<bool>& stop, bool skip_divergence) {
  Lifetime<sdk::Real> life(setup, lifetime_seed(setup.seed, index),
                           setup.trace->initial_coefficients());
  LifetimeResult out;
  out.trials.reserve(static_cast<std::size_t>(setup.trials));
  for (std::int64_t h = 0; h < setup.trials && !stop.load(std::memory_order_relaxed); ++h) {
    try {
      out.trials.push_back(life.run_trial());
    } catch (const DivergenceError& err) {
      if (!skip_divergence) throw;
      out.diverged_trial = err.trial();
      out.divergence = err.what();
      progress.advance(setup.trials - h);
      break;
    }
    progress.advance();
  }
  out.final_W = life.weights();
  out.initial = life.initial();
  return out;
}

nlohmann::json to_wire(const TrialRecord& t) {
  return {t.trial,   t.condition, t.reward,     t.correct,    t.baseline,
          t.plastic, t.action,    t.log_policy, t.task_reward};
}

TrialRecord trial_from_wire(const nlohmann::json& j) {
  return {j.at(0).get<std::int64_t>(), j.at(1).get<int>(),    j.at(2).get<double>(),
          j.at(3).get<bool>(),         j.at(4).get<double>(), j.at(5).get<bool>(),
          j.at(6).get<int>(),          j.at(7).get<double>(), j.at(8).get<double>()};
}

struct Stats {
  double reward = 0, correct = 0;
};
Stats mean_over(const std::vector<TrialRecord>& t, std::size_t begin, std::size_t end) {
  Stats s;
  for (std::size_t i = begin; i < end; ++i) s.reward += t[i].reward, s.correct += t[i].correct;
  const double n = std::max<double>(1, double(end - begin));
  return {s.reward / n, s.correct / n};
}

std::vector<std::size_t> diverged_lifetimes(const std::vector<LifetimeResult>& results) {
  std::vector<std::size_t> out;
  for (std::size_t k = 0; k < results.size(); ++k)
    if (results[k].diverged()) out.push_back(k);
  return out;
}

// The name of each condition id of learning_curve.csv, as the task gives it.
nlohmann::json condition_names(const Setup<sdk::Real>& setup) {
  nlohmann::json out = nlohmann::json::array();
  for (int c = 0; c < setup.layout.conditions; ++c) out.push_back(setup.task->condition_name(c));
  return out;
}

nlohmann::json summary_json(const Setup<sdk::Real>& setup,
                            const std::vector<LifetimeResult>& results) {
  nlohmann::json lifetimes = nlohmann::json::array();
  for (std::size_t k = 0; k < results.size(); ++k) {
    if (results[k].diverged()) {
      lifetimes.push_back({{"lifetime", k},
                           {"diverged", true},
                           {"diverged_trial", results[k].diverged_trial},
                           {"error", results[k].divergence}});
      continue;
    }
    const auto& t = results[k].trials;
    const std::size_t tenth = std::max<std::size_t>(1, t.size() / 10);
    const Stats first = mean_over(t, 0, tenth), last = mean_over(t, t.size() - tenth, t.size());
    lifetimes.push_back({{"lifetime", k},
                         {"reward_first_tenth", first.reward},
                         {"reward_last_tenth", last.reward},
                         {"correct_first_tenth", first.correct},
                         {"correct_last_tenth", last.correct},
                         {"diverged", false}});
  }
  return {{"lifetimes", lifetimes},
          {"diverged_lifetimes", diverged_lifetimes(results)},
          {"conditions", condition_names(setup)}};
}

// Skipped lifetimes are told; when none is left there is no result to keep.
void report_divergences(const std::vector<LifetimeResult>& results, Reporter& reporter) {
  const auto skipped = diverged_lifetimes(results);
  if (!skipped.empty() && skipped.size() == results.size())
    throw RunError(fmt::format("every lifetime diverged (lifetime 0: {}); nothing to keep",
                               results[0].divergence));
  for (std::size_t k : skipped)
    reporter.note(fmt::format("lifetime {} diverged and is left out (on_divergence = \"skip\"): {}",
                              k, results[k].divergence));
}

void write_networks(const RunDirectory& run, const std::vector<LifetimeResult>& results) {
  for (std::size_t k = 0; k < results.size(); ++k) {
    const std::string sub = fmt::format("networks/lifetime_{:03}/", k);
    if (!results[k].diverged()) run.write(sub + "W.npy", npy_bytes(results[k].final_W));
    run.write(sub + "W_initial.npy", npy_bytes(results[k].initial.W));
    run.write(sub + "W_in.npy", npy_bytes(results[k].initial.W_in));
    run.write(sub + "W_out.npy", npy_bytes(results[k].initial.W_out));
  }
}

}  // namespace

nlohmann::json to_wire(const LifetimeResult& r) {
  nlohmann::json trials = nlohmann::json::array();
  for (const auto& t : r.trials) trials.push_back(to_wire(t));
  return {{"trials", trials},
          {"W", matrix_wire(r.final_W)},
          {"W_initial", matrix_wire(r.initial.W)},
          {"W_in", matrix_wire(r.initial.W_in)},
          {"W_out", matrix_wire(r.initial.W_out)},
          {"diverged_trial", r.diverged_trial},
          {"divergence", r.divergence}};
}

void from_wire(const nlohmann::json& j, LifetimeResult& r) {
  r.trials.clear();
  for (const auto& t : j.at("trials")) r.trials.push_back(trial_from_wire(t));
  r.final_W = matrix_from_wire(j.at("W"));
  r.initial = {matrix_from_wire(j.at("W_initial")), matrix_from_wire(j.at("W_in")),
               matrix_from_wire(j.at("W_out"))};
  r.diverged_trial = j.at("diverged_trial").get<std::int64_t>();
  r.divergence = j.at("divergence").get<std::string>();
}

std::vector<LifetimeResult> run_lifetimes(const Experiment& e, const Setup<sdk::Real>& setup,
                                          int threads, Reporter& reporter) {
  const int n = setup.lifetimes;
  const bool skip_divergence = e.experiment.on_divergence == PlainDivergence::Skip;
  std::vector<LifetimeResult> results(static_cast<std::size_t>(n));
  std::atomic<bool> stop{false};  // also ends the lifetimes already running, trial by trial
  Progress progress(reporter, e.name(), std::int64_t(n) * setup.trials);
  // Rank 0 alone writes the run: only it receives the other ranks' lifetimes.
  const auto errors = distributed_for(
      n, threads, results,
      [&](int k) {
        try {
          results[static_cast<std::size_t>(k)] = run_one(setup, k, progress, stop, skip_divergence);
        } catch (...) {
          stop = true;
          throw;
        }
      },
      [&] {
        if (interrupted()) stop = true;
        progress.report();
        return !stop.load();
      },
      Collect::OnRoot);
  if (interrupted())
    throw RunError("interrupted; a run without meta-learning keeps nothing (no run directory)");
  for (int k = 0; k < n; ++k) {
    if (!errors[static_cast<std::size_t>(k)]) continue;
    try {
      std::rethrow_exception(errors[static_cast<std::size_t>(k)]);
    } catch (const std::bad_alloc&) {
      throw RunError(fmt::format("lifetime {}: {}", k, out_of_memory(threads)));
    } catch (const std::length_error&) {
      throw RunError(fmt::format("lifetime {}: {}", k, out_of_memory(threads)));
    } catch (const std::exception& err) {
      throw RunError(fmt::format("lifetime {}: {}", k, err.what()));
    }
  }
  progress.finish();
  report_divergences(results, reporter);
  return results;
}

std::string learning_curve_csv(const std::vector<LifetimeResult>& results) {
  std::string out = "lifetime,trial,condition,reward,correct,baseline,plastic\n";
  for (std::size_t k = 0; k < results.size(); ++k) {
    if (results[k].diverged()) continue;  // recorded in summary.json, not averaged
    for (const auto& t : results[k].trials)
      out += fmt::format("{},{},{},{:.17g},{},{:.17g},{}\n", k, t.trial, t.condition, t.reward,
                         int(t.correct), t.baseline, int(t.plastic));
  }
  return out;
}

namespace {
RunDirectory plain_run_directory(const Experiment& e, const RunOptions& options,
                                 const fs::path& resume) {
  if (!resume.empty()) {
    RunDirectory run = RunDirectory::reopen(resume);
    run.clear_results();
    return run;
  }
  RunDirectory run(options.out.empty() ? default_run_directory(e.name()) : options.out,
                   options.overwrite);
  run.write("experiment.toml", resolved_toml(e));
  return run;
}
}  // namespace

RunOutcome run_plain(const Experiment& e, const RunOptions& options, Reporter& reporter,
                     const fs::path& resume) {
  const Setup<sdk::Real> setup = make_setup<sdk::Real>(e);
  Cluster& cluster = Cluster::world();
  cluster.barrier();                      // every rank set up before rank 0 makes the directory
  std::optional<RunDirectory> directory;  // rank 0's: the other ranks only run lifetimes
  if (cluster.root()) directory.emplace(plain_run_directory(e, options, resume));
  cluster.barrier();  // a directory rank 0 could not make stops the others before their lifetimes
  const RunClock clock;

  const auto results = run_lifetimes(e, setup, options.threads, reporter);
  if (!directory) return {{}, true, false, std::nullopt, std::nullopt};
  RunDirectory& run = *directory;

  run.write("run.json", run_json(e, clock, options.command_line,
                                 {{"lifetimes", setup.lifetimes},
                                  {"trials", setup.trials},
                                  {"on_divergence", sdk::choice_name(e.experiment.on_divergence)},
                                  {"diverged_lifetimes", diverged_lifetimes(results)},
                                  {"trace", trace_json(*setup.trace)}})
                                .dump(2) +
                            "\n");
  run.write("learning_curve.csv", learning_curve_csv(results));
  run.write("summary.json", summary_json(setup, results).dump(2) + "\n");
  write_networks(run, results);
  if (!e.analysis.run.empty()) {  // [analysis] run = [...]: part of the run, committed with it
    std::vector<NetworkWeights> finals;
    for (const auto& r : results) finals.push_back({r.final_W, r.initial.W_in, r.initial.W_out});
    run_analyses(
        e, setup, analysed_networks(finals), e.analysis.run,
        [&](const std::string& file, const std::string& bytes) { run.write(file, bytes); },
        options.threads, reporter);
  }
  run.commit();
  return {run.final_path(), true, false, plain_summary(summary_json(setup, results), setup.trials),
          std::nullopt};
}

}  // namespace neohebb::core
