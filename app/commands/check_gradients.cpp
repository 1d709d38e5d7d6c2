// `neohebb check-gradients EXP`: forward mode against the complex step and finite differences.
#include <fmt/format.h>

#include "app/commands/command.hpp"
#include "core/config/experiment.hpp"
#include "core/run/gradient_check_run.hpp"
#include "neohebb/plots/plots.hpp"

namespace neohebb::app {

void check(CheckArgs args, Context& ctx) {
  core::refuse_sweep_file(args.experiment);
  // --trials is the experiment's trials, checked like them (the memory the records need).
  if (args.options.trials > 0)
    args.overrides.push_back(fmt::format("experiment.trials={}", args.options.trials));
  const auto e = core::load_experiment(args.experiment, args.overrides, ctx.registry);
  args.options.finite_differences = !args.no_fd;
  const auto outcome = core::run_gradient_check(e, args.options, args.out, args.overwrite);
  fmt::print("{}\nwritten to {}\n", outcome.report, outcome.directory.string());
  plots::draw_plots_after_results(outcome.directory, &ctx.registry);  // the tables are safe already
}

}  // namespace neohebb::app
