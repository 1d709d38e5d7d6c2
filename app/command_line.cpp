// The grammar of the `neohebb` command line, the one file that knows CLI11 (a large header
// library: compiled once here rather than in every subcommand's file). Each subcommand's options
// fill its Args (commands/command.hpp) and its callback runs the subcommand.
#include "app/command_line.hpp"

#include <sstream>

#include <CLI/CLI.hpp>

#include "app/commands/command.hpp"
#include "core/cluster/cluster.hpp"
#include "core/support/version.hpp"

namespace neohebb::app {
namespace {

// In an MPI job only `run` and `sweep` share their work over the ranks; any other command runs
// once, on rank 0, and the other ranks wait for it to end.
template <class F>
void on_rank_zero(F command) {
  if (core::Cluster::world().root()) command();
}

// `--out ""` would otherwise mean the default directory; it is almost surely an unset variable.
const CLI::Validator& non_empty_directory() {
  static const CLI::Validator v(
      [](std::string& s) { return s.empty() ? std::string("the directory name is empty") : ""; },
      "DIR");
  return v;
}

// --set and --threads, as every command that loads or runs an experiment takes them.
void add_set_option(CLI::App& sub, std::vector<std::string>& overrides) {
  sub.add_option("--set", overrides, "override a value: section.key=value (repeatable)")
      ->allow_extra_args(false);
}

void add_threads_option(CLI::App& sub, int& threads) {
  sub.add_option("--threads", threads,
                 "worker threads (default: the cores this process may use; per rank under MPI)")
      ->check(CLI::Range(0, 1024));
}

void add_run(CLI::App& app, Context& ctx) {
  static RunArgs args;
  auto* sub = app.add_subcommand("run", "run an experiment and write a run directory");
  sub->add_option("experiment", args.experiment, "experiment TOML file")->check(CLI::ExistingFile);
  sub->add_option("--resume", args.resume,
                  "continue the interrupted meta-learning run in this directory");
  // At least 1: 0 would mean "never" (the option's unset value), not "before the first step".
  sub->add_option("--stop-after", args.options.stop_after,
                  "stop after this many meta-steps (at least 1), resumable with --resume")
      ->check(CLI::Range(1, 1 << 30));
  sub->add_option("--out", args.out, "run directory (default: runs/<name>-<date>-<time>)")
      ->check(non_empty_directory());
  add_set_option(*sub, args.overrides);
  sub->add_flag("--overwrite", args.options.overwrite, "replace an existing run directory");
  add_threads_option(*sub, args.options.threads);
  sub->add_flag("-q,--quiet", args.quiet, "no progress output");
  sub->callback([&ctx] { run(args, ctx); });
}

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

void add_validate(CLI::App& app, Context& ctx) {
  static ValidateArgs args;
  auto* sub = app.add_subcommand("validate", "check an experiment file without running it");
  sub->add_option("experiment", args.experiment, "experiment TOML file")
      ->required()
      ->check(CLI::ExistingFile);
  add_set_option(*sub, args.overrides);
  sub->callback([&ctx] { on_rank_zero([&] { validate(args, ctx); }); });
}

void add_check_gradients(CLI::App& app, Context& ctx) {
  static CheckArgs args;
  auto* sub = app.add_subcommand(
      "check-gradients",
      "forward mode vs complex step vs finite differences vs reverse mode for one lifetime");
  sub->add_option("experiment", args.experiment, "experiment TOML file")
      ->required()
      ->check(CLI::ExistingFile);
  sub->add_option("--trials", args.options.trials,
                  "trials of the lifetime (default: the experiment's)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1'000'000'000}));
  sub->add_option("--out", args.out,
                  "directory for the CSV tables (default: runs/<name>-gradients-<date>-<time>)")
      ->check(non_empty_directory());
  add_set_option(*sub, args.overrides);
  add_threads_option(*sub, args.options.threads);
  sub->add_flag("--no-fd", args.no_fd, "skip the finite differences");
  sub->add_flag("--overwrite", args.overwrite, "replace an existing output directory");
  sub->callback([&ctx] { on_rank_zero([&] { check(args, ctx); }); });
}

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
  sub->callback([&ctx] { on_rank_zero([&] { analyze(args, ctx); }); });
}

void add_plugins(CLI::App& app, Context& ctx) {
  static PluginsArgs args;
  auto* sub = app.add_subcommand("plugins", "list plugins, their versions and parameters");
  sub->add_option("name", args.name, "only this component ('core' for the core sections)");
  sub->add_flag("--markdown", args.markdown, "print the Markdown parameter reference for docs/");
  sub->add_option("--path", args.paths, "also load plugins from this file or folder (repeatable)")
      ->allow_extra_args(false);
  sub->callback([&ctx] { on_rank_zero([&] { plugins(args, ctx); }); });
}

void add_plot(CLI::App& app, Context& ctx) {
  static std::string run_dir;
  auto* sub = app.add_subcommand(
      "plot", "redraw the plots of a run directory (PNG and SVG in RUN_DIR/plots/)");
  sub->add_option("run_dir", run_dir, "run directory")->required()->check(CLI::ExistingDirectory);
  sub->callback([&ctx] { on_rank_zero([&] { plot(run_dir, ctx); }); });
}

}  // namespace

int run_command_line(int argc, char** argv, Context& ctx) {
  CLI::App cli{"neohebb: meta-learning three-factor plasticity rules for recurrent rate networks"};
  cli.require_subcommand(1);
  cli.add_flag("--no-color", ctx.no_color, "never colour the error messages");
  cli.set_version_flag("--version", std::string("neohebb ") + core::kVersion +
                                        (core::Cluster::built_with_mpi() ? " (MPI)" : ""));
  add_run(cli, ctx);
  add_sweep(cli, ctx);
  add_validate(cli, ctx);
  add_check_gradients(cli, ctx);
  add_analyze(cli, ctx);
  add_plugins(cli, ctx);
  add_plot(cli, ctx);
  // The commands run inside parse(), as callbacks of their subcommands.
  try {
    cli.parse(argc, argv);
    return ctx.exit_code;
  } catch (const CLI::ParseError& e) {
    if (core::Cluster::world().root()) {
      const int code = cli.exit(e);
      return code == 0 ? 0 : 2;
    }
    // Another rank of an MPI job: rank 0 says it, unless this rank alone failed (main).
    std::ostringstream elsewhere;
    const int code = cli.exit(e, elsewhere, elsewhere);
    const std::string text = elsewhere.str();
    if (code != 0) throw UsageError(text.substr(0, text.find('\n')));
    return 0;
  }
}

}  // namespace neohebb::app
