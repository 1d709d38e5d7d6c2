#include "core/run/gradient_check_run.hpp"

#include "core/config/experiment_source.hpp"
#include "core/config/resolved_experiment.hpp"
#include "core/io/run_directory.hpp"
#include "core/io/run_info.hpp"

namespace neohebb::core {

GradientCheckOutcome run_gradient_check(const Experiment& e, const GradientCheckOptions& options,
                                        const std::filesystem::path& out, bool overwrite) {
  if (e.sweep) refuse_sweep_file(e.file);
  // The directory first: a --out in the way is refused before the work, not after it.
  RunDirectory run(out.empty() ? default_run_directory(e.name(), "gradients") : out, overwrite);
  const GradientCheck check = check_gradients(e, options);
  run.write("experiment.toml", resolved_toml(e));
  run.write("gradient_check.csv", gradient_check_csv(check));
  run.write("tangent_norm.csv", tangent_norm_csv(check));
  const std::string report = gradient_check_report(check);
  run.write("gradient_check.txt", report);
  run.commit();
  return {run.final_path(), report};
}

}  // namespace neohebb::core
