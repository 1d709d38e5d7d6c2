// `neohebb check-gradients EXP`: forward mode against the complex step and finite differences.
#include <fmt/format.h>

#include "app/commands/command.hpp"
#include "core/config/document.hpp"
#include "core/config/experiment.hpp"
#include "core/run/gradient_check_run.hpp"
#include "neohebb/plots/plots.hpp"

namespace neohebb::app {
namespace {

struct CheckArgs {
  std::string experiment, out;
  std::vector<std::string> overrides;
  core::GradientCheckOptions options;
  bool no_fd = false, overwrite = false;
};

void check(CheckArgs args, Context& ctx) {
  core::refuse_sweep_file(args.experiment);
  const auto e = core::load_experiment(args.experiment, args.overrides, ctx.registry);
  args.options.finite_differences = !args.no_fd;
  const auto outcome = core::run_gradient_check(e, args.options, args.out, args.overwrite);
  fmt::print("{}\nwritten to {}\n", outcome.report, outcome.directory.string());
  plots::draw_plots_after_results(outcome.directory, &ctx.registry);  // the tables are safe already
}

}  // namespace

void add_check_gradients(CLI::App& app, Context& ctx) {
  static CheckArgs args;
  auto* sub = app.add_subcommand(
      "check-gradients", "forward mode vs complex step vs finite differences for one lifetime");
  sub->add_option("experiment", args.experiment, "experiment TOML file")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_option("--trials", args.options.trials,
                  "trials of the lifetime (default: the experiment's)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 40));
  sub->add_option("--out", args.out,
                  "directory for the CSV tables (default: runs/<name>-gradients-<date>-<time>)")
      ->check(non_empty_directory());
  add_set_option(*sub, args.overrides);
  add_threads_option(*sub, args.options.threads);
  sub->add_flag("--no-fd", args.no_fd, "skip the finite differences");
  sub->add_flag("--overwrite", args.overwrite, "replace an existing output directory");
  sub->callback([&ctx] { check(args, ctx); });
}

}  // namespace neohebb::app
