// `neohebb run EXP` and `neohebb run --resume DIR`.
#include <optional>

#include <fmt/format.h>

#include "app/commands/command.hpp"
#include "app/summaries.hpp"
#include "app/terminal_reporter.hpp"
#include "core/cluster/cluster.hpp"
#include "core/cluster/shared_files.hpp"
#include "core/config/experiment.hpp"
#include "core/io/run_directory.hpp"
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
  core::Cluster& cluster = core::Cluster::world();
  TerminalReporter reporter(args.quiet || !cluster.root());  // rank 0 speaks for an MPI job
  if (args.resume.empty()) core::refuse_sweep_file(args.experiment);
  // A resumed run's experiment is in its run directory, which only rank 0 reads.
  const std::optional<core::SharedFiles> recorded =
      args.resume.empty()
          ? std::nullopt
          : std::make_optional<core::SharedFiles>(core::RunPaths::of(args.resume).partial);
  const core::Experiment e =
      args.resume.empty()
          ? core::load_experiment(args.experiment, args.overrides, ctx.registry)
          : core::interrupted_experiment(recorded->dir(), args.overrides, ctx.registry);
  const core::RunOutcome outcome = args.resume.empty()
                                       ? core::run_experiment(e, options, reporter)
                                       : core::resume_experiment(e, args.resume, options, reporter);
  if (!cluster.root()) return;  // rank 0 wrote the run, and tells and plots it
  fmt::print("{}", run_summary(outcome));
  if (core::interrupted()) {  // the results are written already: plotting only adds
    ctx.exit_code = 130;      // 128 + SIGINT, the shell's convention
    return;
  }
  plots::draw_plots_after_results(outcome.directory, &ctx.registry);
}

}  // namespace neohebb::app
