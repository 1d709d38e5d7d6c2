#include "core/run/run_experiment.hpp"

#include <fmt/format.h>

#include "core/config/experiment_source.hpp"
#include "core/io/run_directory.hpp"
#include "core/run/meta_run.hpp"
#include "core/run/plain_run.hpp"
#include "core/support/errors.hpp"

namespace neohebb::core {
namespace fs = std::filesystem;

RunOutcome run_experiment(const Experiment& e, const RunOptions& options, Reporter& reporter) {
  if (e.sweep) refuse_sweep_file(e.file);
  return e.meta.steps > 0 ? run_meta(e, options, reporter) : run_plain(e, options, reporter);
}

Experiment interrupted_experiment(const fs::path& dir, const std::vector<std::string>& overrides,
                                  PluginRegistry& registry) {
  const RunPaths paths = RunPaths::of(dir);
  const fs::path file = paths.partial / "experiment.toml";
  std::error_code ec;
  if (!fs::exists(file, ec))
    throw RunError(
        fmt::format("{}: no interrupted run to resume (no {})", paths.run.string(), file.string()));
  return load_experiment(file, overrides, registry);
}

RunOutcome resume_experiment(const Experiment& e, const fs::path& dir, const RunOptions& options,
                             Reporter& reporter) {
  return run_meta(e, options, reporter, RunPaths::of(dir).run);
}

}  // namespace neohebb::core
