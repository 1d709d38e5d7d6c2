// `neohebb run EXP` and `neohebb run --resume DIR`.
#include <fmt/format.h>

#include "app/commands/command.hpp"
#include "app/summaries.hpp"
#include "app/terminal_reporter.hpp"
#include "core/config/experiment.hpp"
#include "core/run/run_experiment.hpp"
#include "core/support/errors.hpp"
#include "core/support/interrupt.hpp"
#include "neohebb/plots/plots.hpp"

namespace neohebb::app {

void run(const RunArgs& args, Context& ctx) {
  if (args.experiment.empty() == args.resume.empty())
    throw UsageError("run needs either an experiment file or --resume DIR (not both)");
  core::RunOptions options = args.options;
  options.out = args.out;
  options.command_line = ctx.command_line;
  TerminalReporter reporter(args.quiet);
  if (args.resume.empty()) core::refuse_sweep_file(args.experiment);
  const core::Experiment e =
      args.resume.empty() ? core::load_experiment(args.experiment, args.overrides, ctx.registry)
                          : core::interrupted_experiment(args.resume, args.overrides, ctx.registry);
  const core::RunOutcome outcome = args.resume.empty()
                                       ? core::run_experiment(e, options, reporter)
                                       : core::resume_experiment(e, args.resume, options, reporter);
  fmt::print("{}", run_summary(outcome));
  if (core::interrupted()) {  // the results are written already: plotting only adds
    ctx.exit_code = 130;      // 128 + SIGINT, the shell's convention
    return;
  }
  plots::draw_plots_after_results(outcome.directory, &ctx.registry);
}

}  // namespace neohebb::app
