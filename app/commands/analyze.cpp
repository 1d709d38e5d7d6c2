// `neohebb analyze RUN_DIR`: analyses of a run's trained networks.
#include <fmt/format.h>

#include "app/commands/command.hpp"
#include "app/summaries.hpp"
#include "app/terminal_reporter.hpp"
#include "core/run/analyze_run.hpp"
#include "neohebb/plots/plots.hpp"

namespace neohebb::app {

void analyze(const AnalyzeArgs& args, Context& ctx) {
  TerminalReporter reporter(args.quiet);
  const auto outcome =
      core::analyze_run_directory(args.run_dir, args.only, ctx.registry, args.threads, reporter);
  fmt::print("{}", analysis_summary(outcome.directory, outcome.summary));
  plots::draw_plots_after_results(args.run_dir, &ctx.registry);  // results are written
}

}  // namespace neohebb::app
