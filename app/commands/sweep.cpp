// `neohebb sweep EXP [--grid key=v1,v2,...]...`: one run per point of a grid.
#include <fmt/format.h>

#include "app/commands/command.hpp"
#include "app/terminal_reporter.hpp"
#include "core/cluster/cluster.hpp"
#include "core/run/sweep.hpp"
#include "core/support/interrupt.hpp"

namespace neohebb::app {

void sweep(SweepArgs args, Context& ctx) {
  args.source.file = args.experiment;
  const bool root = core::Cluster::world().root();  // rank 0 speaks for an MPI job
  TerminalReporter reporter(args.quiet || !root);
  const core::SweepOutcome s = core::run_sweep(
      args.source, ctx.registry, {args.out, args.threads, ctx.command_line}, reporter);
  if (!root) return;
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

}  // namespace neohebb::app
