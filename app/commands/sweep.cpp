// `neohebb sweep EXP [--grid key=v1,v2,...]...`: one run per point of a grid.
#include <fmt/format.h>

#include "app/commands/command.hpp"
#include "app/terminal_reporter.hpp"
#include "core/run/sweep.hpp"
#include "core/support/interrupt.hpp"

namespace neohebb::app {
namespace {

struct SweepArgs {
  core::ExperimentSource source;
  std::string experiment, out;
  int threads = 0;
  bool quiet = false;
};

void sweep(SweepArgs args, Context& ctx) {
  args.source.file = args.experiment;
  TerminalReporter reporter(args.quiet);
  const core::SweepOutcome s = core::run_sweep(
      args.source, ctx.registry, {args.out, args.threads, ctx.command_line}, reporter);
  using Status = core::SweepPoint::Status;
  const int done = s.count(Status::Done), failed = s.count(Status::Failed),
            pending = s.count(Status::Pending);
  fmt::print("sweep directory: {}\n", s.directory.string());
  fmt::print("points: {} done, {} failed, {} pending (sweep.csv)\n", done, failed, pending);
  for (const auto& p : s.points)
    if (p.status == Status::Failed) fmt::print("{} failed: {}\n", p.name, p.error);
  if (core::interrupted() || pending > 0) {
    fmt::print("stopped; continue with the same command\n");
    ctx.exit_code = 130;
  } else if (failed > 0) {
    ctx.exit_code = 1;
  }
}

}  // namespace

void add_sweep(CLI::App& app, Context& ctx) {
  static SweepArgs args;
  auto* sub = app.add_subcommand(
      "sweep", "run an experiment at every point of a grid: one run directory per point");
  sub->add_option("experiment", args.experiment,
                  "experiment TOML file (with a [sweep] table or --grid)")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_option("--grid", args.source.grid,
                  "an axis of the grid: section.key=v1,v2,... or base=a.toml,b.toml (repeatable)")
      ->allow_extra_args(false);
  sub->add_option("--out", args.out, "sweep directory (default: runs/<name>-sweep-<date>-<time>)")
      ->check(non_empty_directory());
  add_set_option(*sub, args.source.overrides);
  add_threads_option(*sub, args.threads);
  sub->add_flag("-q,--quiet", args.quiet, "no progress output");
  sub->callback([&ctx] { sweep(args, ctx); });
}

}  // namespace neohebb::app
