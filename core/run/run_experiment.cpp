#include "core/run/run_experiment.hpp"

#include <fmt/format.h>

#include "core/config/experiment_source.hpp"
#include "core/io/run_directory.hpp"
#include "core/meta/checkpoint.hpp"
#include "core/run/meta_run.hpp"
#include "core/run/plain_run.hpp"
#include "core/support/errors.hpp"

namespace neohebb::core {
namespace fs = std::filesystem;

RunOutcome run_experiment(const Experiment& e, const RunOptions& options, Reporter& reporter) {
  if (e.sweep) refuse_sweep_file(e.file);
  return e.meta.steps > 0 ? run_meta(e, options, reporter) : run_plain(e, options, reporter);
}

namespace {

// The overrides that may not be given on --resume, as "a, b" (those that change the numbers).
std::string fixed_overrides(const std::vector<std::string>& overrides) {
  std::string out;
  for (const auto& o : overrides) {
    const std::string key = o.substr(0, o.find('='));
    const bool free = key.find("meta.steps") == 0 || key.find("meta.evaluate") == 0 ||
                      key.find("experiment.name") == 0;
    if (!free) out += (out.empty() ? "" : ", ") + key;
  }
  return out.empty() ? "the overrides" : out;
}

}  // namespace

Experiment interrupted_experiment(const fs::path& dir, const std::vector<std::string>& overrides,
                                  PluginRegistry& registry) {
  const RunPaths paths = RunPaths::of(dir);
  const fs::path file = paths.partial / "experiment.toml";
  std::error_code ec;
  if (!fs::exists(file, ec))
    throw RunError(
        fmt::format("{}: no interrupted run to resume (no {})", paths.run.string(), file.string()));
  Experiment recorded = load_experiment(file, {}, registry);
  if (overrides.empty()) return recorded;
  Experiment e = load_experiment(file, overrides, registry);
  if ((e.meta.steps > 0) != (recorded.meta.steps > 0))
    throw RunError(fmt::format("--resume cannot turn {} into {}: start a new run instead",
                               recorded.meta.steps > 0 ? "a meta-learning run" : "a plain run",
                               e.meta.steps > 0 ? "meta-learning" : "a plain run"));
  if (experiment_fingerprint(e) != experiment_fingerprint(recorded))
    throw RunError(fmt::format(
        "--resume cannot change {}: the run so far was computed with {}; only meta.steps, "
        "meta.evaluate and experiment.name may change on resume (start a new run instead)",
        fixed_overrides(overrides), file.string()));
  return e;
}

RunOutcome resume_experiment(const Experiment& e, const fs::path& dir, const RunOptions& options,
                             Reporter& reporter) {
  const fs::path run = RunPaths::of(dir).run;
  return e.meta.steps > 0 ? run_meta(e, options, reporter, run)
                          : run_plain(e, options, reporter, run);
}

}  // namespace neohebb::core
