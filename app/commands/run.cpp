// `neohebb run EXP` and `neohebb run --resume DIR`.
#include <fmt/format.h>

#include "app/commands/command.hpp"
#include "app/summaries.hpp"
#include "app/terminal_reporter.hpp"
#include "core/config/document.hpp"
#include "core/config/experiment.hpp"
#include "core/run/run_experiment.hpp"
#include "core/support/errors.hpp"
#include "core/support/interrupt.hpp"
#include "neohebb/plots/plots.hpp"

namespace neohebb::app {
namespace {

struct RunArgs {
  std::string experiment, resume, out;
  std::vector<std::string> overrides;
  core::RunOptions options;
  bool quiet = false;
};

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

}  // namespace

void add_run(CLI::App& app, Context& ctx) {
  static RunArgs args;
  auto* sub = app.add_subcommand("run", "run an experiment and write a run directory");
  sub->add_option("experiment", args.experiment, "experiment TOML file")->check(CLI::ExistingFile);
  sub->add_option("--resume", args.resume,
                  "continue the interrupted meta-learning run in this directory");
  sub->add_option("--stop-after", args.options.stop_after,
                  "stop after this many meta-steps, resumable with --resume")
      ->check(CLI::Range(0, 1 << 30));
  sub->add_option("--out", args.out, "run directory (default: runs/<name>-<date>-<time>)")
      ->check(non_empty_directory());
  add_set_option(*sub, args.overrides);
  sub->add_flag("--overwrite", args.options.overwrite, "replace an existing run directory");
  add_threads_option(*sub, args.options.threads);
  sub->add_flag("-q,--quiet", args.quiet, "no progress output");
  sub->callback([&ctx] { run(args, ctx); });
}

}  // namespace neohebb::app
