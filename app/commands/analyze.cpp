// `neohebb analyze RUN_DIR`: analyses of a run's trained networks.
#include <fmt/format.h>

#include "app/commands/command.hpp"
#include "app/summaries.hpp"
#include "app/terminal_reporter.hpp"
#include "core/run/analyze_run.hpp"
#include "neohebb/plots/plots.hpp"

namespace neohebb::app {
namespace {

struct AnalyzeArgs {
  std::string run_dir;
  std::vector<std::string> only;
  int threads = 0;
  bool quiet = false;
};

void analyze(const AnalyzeArgs& args, Context& ctx) {
  TerminalReporter reporter(args.quiet);
  const auto outcome =
      core::analyze_run_directory(args.run_dir, args.only, ctx.registry, args.threads, reporter);
  fmt::print("{}", analysis_summary(outcome.directory, outcome.summary));
  plots::draw_plots_after_results(args.run_dir, &ctx.registry);  // results are written
}

}  // namespace

void add_analyze(CLI::App& app, Context& ctx) {
  static AnalyzeArgs args;
  auto* sub = app.add_subcommand(
      "analyze", "run analyses of a run's trained networks; replaces RUN_DIR/analysis");
  sub->add_option("run_dir", args.run_dir, "run directory")
      ->required()
      ->check(CLI::ExistingDirectory);
  sub->add_option("--only", args.only, "only these analyses (comma-separated)")
      ->delimiter(',')
      ->allow_extra_args(false);
  add_threads_option(*sub, args.threads);
  sub->add_flag("-q,--quiet", args.quiet, "no progress output");
  sub->callback([&ctx] { analyze(args, ctx); });
}

}  // namespace neohebb::app
