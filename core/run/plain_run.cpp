#include "core/run/plain_run.hpp"
#include "core/config/resolved_experiment.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <exception>
#include <mutex>
#include <new>

#include <fmt/format.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include "core/analysis/analyses.hpp"
#include "core/engine/seeding.hpp"
#include "core/io/npy.hpp"
#include "core/io/run_directory.hpp"
#include "core/support/errors.hpp"
#include "core/support/interrupt.hpp"
#include "core/support/parallel.hpp"
#include "core/support/progress.hpp"
#include "core/support/version.hpp"

namespace neohebb::core {
namespace fs = std::filesystem;

std::string timestamp(const char* format) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

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

nlohmann::json summary_json(const std::vector<LifetimeResult>& results) {
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
  return {{"lifetimes", lifetimes}, {"diverged_lifetimes", diverged_lifetimes(results)}};
}

void print_summary(const fs::path& dir, const std::vector<LifetimeResult>& results) {
  double r0 = 0, r1 = 0, c1 = 0;
  const auto s = summary_json(results);
  for (const auto& l : s["lifetimes"]) {
    if (l["diverged"].get<bool>()) continue;
    r0 += l["reward_first_tenth"].get<double>();
    r1 += l["reward_last_tenth"].get<double>();
    c1 += l["correct_last_tenth"].get<double>();
  }
  const std::size_t skipped = s["diverged_lifetimes"].size();
  std::size_t trials_each = 0;  // of the lifetimes that did not diverge
  for (const auto& r : results) trials_each = std::max(trials_each, r.trials.size());
  const double n = static_cast<double>(results.size() - skipped);
  fmt::print("run directory: {}\n", dir.string());
  fmt::print("lifetimes: {}{}, trials each: {}\n", results.size(),
             skipped ? fmt::format(" ({} diverged, left out of the means)", skipped) : "",
             trials_each);
  fmt::print("mean reward, first tenth of trials: {:.4f}; last tenth: {:.4f}\n", r0 / n, r1 / n);
  fmt::print("fraction correct, last tenth of trials: {:.3f}\n", c1 / n);
}

// Skipped lifetimes are said on stderr; when none is left there is no result to keep.
void report_divergences(const std::vector<LifetimeResult>& results, bool quiet) {
  const auto skipped = diverged_lifetimes(results);
  if (!skipped.empty() && skipped.size() == results.size())
    throw RunError(fmt::format("every lifetime diverged (lifetime 0: {}); nothing to keep",
                               results[0].divergence));
  if (quiet) return;
  for (std::size_t k : skipped)
    fmt::print(stderr, "lifetime {} diverged and is left out (on_divergence = \"skip\"): {}\n", k,
               results[k].divergence);
}

}  // namespace

std::vector<LifetimeResult> run_lifetimes(const Experiment& e, const Setup<sdk::Real>& setup,
                                          int threads, bool quiet) {
  const int n = setup.lifetimes;
  const bool skip_divergence = e.experiment.on_divergence == PlainDivergence::Skip;
  std::vector<LifetimeResult> results(static_cast<std::size_t>(n));
  std::atomic<bool> stop{false};  // also ends the lifetimes already running, trial by trial
  Progress progress(e.name(), std::int64_t(n) * setup.trials, quiet);
  const auto errors = parallel_for(
      n, threads,
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
        progress.draw();
        return !stop.load();
      });
  if (interrupted())
    throw RunError("interrupted; a run without meta-learning keeps nothing (no run directory)");
  for (int k = 0; k < n; ++k) {
    if (!errors[static_cast<std::size_t>(k)]) continue;
    try {
      std::rethrow_exception(errors[static_cast<std::size_t>(k)]);
    } catch (const std::bad_alloc&) {
      throw RunError(fmt::format("lifetime {}: out of memory (try fewer --threads)", k));
    } catch (const std::exception& err) {
      throw RunError(fmt::format("lifetime {}: {}", k, err.what()));
    }
  }
  progress.finish();
  report_divergences(results, quiet);
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

nlohmann::json plugins_json(const Experiment& e) {
  nlohmann::json plugins = nlohmann::json::array();
  for (const auto& ps : plugin_sections()) {
    const PluginChoice& c = e.plugin(ps.name);
    plugins.push_back({{"section", ps.name},
                       {"type", c.type},
                       {"plugin", c.component->plugin},
                       {"version", c.component->plugin_version},
                       {"file", c.component->file.string()}});
  }
  return plugins;
}

std::string host_name() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return host;
}

fs::path run_experiment(const Experiment& e, const RunOptions& options) {
  if (e.meta.steps > 0) return run_meta_learning(e, options);
  const Setup<sdk::Real> setup = make_setup<sdk::Real>(e);
  const fs::path dir = options.out.empty()
                           ? fs::path("runs") / (e.name() + "-" + timestamp("%Y%m%d-%H%M%S"))
                           : options.out;
  RunDirectory run(dir, options.overwrite);
  run.write("experiment.toml", resolved_toml(e));
  const std::string started = timestamp("%Y-%m-%dT%H:%M:%S%z");
  const auto t0 = std::chrono::steady_clock::now();

  const auto results = run_lifetimes(e, setup, options.threads, options.quiet);

  const nlohmann::json info = {
      {"neohebb_version", kVersion},
      {"sdk_abi_version", sdk::kAbiVersion},
      {"experiment", fs::absolute(e.file).string()},
      {"name", e.name()},
      {"seed", setup.seed},
      {"lifetimes", setup.lifetimes},
      {"trials", setup.trials},
      {"on_divergence", sdk::choice_name(e.experiment.on_divergence)},
      {"diverged_lifetimes", diverged_lifetimes(results)},
      {"plugins", plugins_json(e)},
      {"command", options.command_line},
      {"host", host_name()},
      {"started", started},
      {"finished", timestamp("%Y-%m-%dT%H:%M:%S%z")},
      {"wall_seconds",
       std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()},
  };
  run.write("run.json", info.dump(2) + "\n");
  run.write("learning_curve.csv", learning_curve_csv(results));
  run.write("summary.json", summary_json(results).dump(2) + "\n");
  for (std::size_t k = 0; k < results.size(); ++k) {
    const std::string sub = fmt::format("networks/lifetime_{:03}/", k);
    if (!results[k].diverged()) run.write(sub + "W.npy", npy_bytes(results[k].final_W));
    run.write(sub + "W_initial.npy", npy_bytes(results[k].initial.W));
    run.write(sub + "W_in.npy", npy_bytes(results[k].initial.W_in));
    run.write(sub + "W_out.npy", npy_bytes(results[k].initial.W_out));
  }
  if (!e.analysis.run.empty()) {  // [analysis] run = [...]: part of the run, committed with it
    std::vector<NetworkWeights> finals;
    for (const auto& r : results) finals.push_back({r.final_W, r.initial.W_in, r.initial.W_out});
    run_analyses(
        e, setup, analysed_networks(finals), e.analysis.run,
        [&](const std::string& file, const std::string& bytes) { run.write(file, bytes); },
        options.threads, options.quiet);
  }
  run.commit();
  print_summary(run.final_path(), results);
  return run.final_path();
}

}  // namespace neohebb::core
