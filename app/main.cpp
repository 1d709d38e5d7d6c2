// The `neohebb` command line. Results go to files and a short summary to stdout; progress and
// errors go to stderr. Exit codes: 0 success, 1 a config or run error, 2 command-line misuse.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/color.h>
#include <fmt/format.h>
#include <unistd.h>
#include <CLI/CLI.hpp>

#include "core/analysis/analyses.hpp"
#include "core/config/experiment.hpp"
#include "core/config/parameter_listing.hpp"
#include "core/config/resolved_experiment.hpp"
#include "core/engine/setup.hpp"
#include "core/io/run_directory.hpp"
#include "core/loader/plugin_search.hpp"
#include "core/meta/gradient_check.hpp"
#include "core/meta/meta_learner.hpp"
#include "core/run/plain_run.hpp"
#include "core/support/allocator.hpp"
#include "core/support/errors.hpp"
#include "core/support/interrupt.hpp"
#include "core/support/version.hpp"
#include "neohebb/plots/plots.hpp"

namespace {

bool use_color(bool disabled) {
  const char* no_color = std::getenv("NO_COLOR");
  return !disabled && ::isatty(fileno(stderr)) && (no_color == nullptr || *no_color == '\0');
}

void print_error(const std::string& message, bool color) {
  // Each line of a ConfigError is already "file:line:col: message".
  std::size_t start = 0;
  while (start <= message.size()) {
    const std::size_t end = std::min(message.find('\n', start), message.size());
    const std::string line = message.substr(start, end - start);
    if (color)
      fmt::print(stderr, "{} {}\n", fmt::styled("error:", fmt::fg(fmt::terminal_color::red)), line);
    else
      fmt::print(stderr, "error: {}\n", line);
    start = end + 1;
  }
}

std::string joined(int argc, char** argv) {
  std::string out;
  for (int i = 0; i < argc; ++i) out += (i ? " " : "") + std::string(argv[i]);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  neohebb::core::keep_freed_memory();
  neohebb::core::install_interrupt_handler();
  // Outlives every catch below: objects and exceptions from plugins need their libraries loaded.
  neohebb::core::PluginRegistry registry;

  CLI::App app{"neohebb: meta-learning three-factor plasticity rules for recurrent rate networks"};
  app.require_subcommand(1);
  bool no_color = false;
  app.add_flag("--no-color", no_color, "never colour the error messages");
  app.set_version_flag("--version", std::string("neohebb ") + neohebb::core::kVersion);

  std::string experiment_file;
  std::vector<std::string> overrides;
  neohebb::core::RunOptions run_options;
  std::string out_dir;

  auto* run = app.add_subcommand("run", "run an experiment and write a run directory");
  std::string resume_dir;
  run->add_option("experiment", experiment_file, "experiment TOML file")->check(CLI::ExistingFile);
  run->add_option("--resume", resume_dir,
                  "continue the interrupted meta-learning run in this directory");
  run->add_option("--stop-after", run_options.stop_after,
                  "stop after this many meta-steps, resumable with --resume")
      ->check(CLI::Range(0, 1 << 30));
  // `--out ""` would otherwise mean the default directory; it is almost surely an unset variable.
  const CLI::Validator non_empty(
      [](std::string& s) { return s.empty() ? std::string("the directory name is empty") : ""; },
      "DIR");
  run->add_option("--out", out_dir, "run directory (default: runs/<name>-<date>-<time>)")
      ->check(non_empty);
  run->add_option("--set", overrides, "override a value: section.key=value (repeatable)")
      ->allow_extra_args(false);
  run->add_flag("--overwrite", run_options.overwrite, "replace an existing run directory");
  run->add_option("--threads", run_options.threads, "worker threads (default: one per core)")
      ->check(CLI::Range(0, 1024));
  run->add_flag("-q,--quiet", run_options.quiet, "no progress output");

  auto* validate = app.add_subcommand("validate", "check an experiment file without running it");
  validate->add_option("experiment", experiment_file, "experiment TOML file")
      ->required()
      ->check(CLI::ExistingFile);
  validate->add_option("--set", overrides, "override a value: section.key=value (repeatable)")
      ->allow_extra_args(false);

  auto* gradients = app.add_subcommand(
      "check-gradients", "forward mode vs complex step vs finite differences for one lifetime");
  gradients->add_option("experiment", experiment_file, "experiment TOML file")
      ->required()
      ->check(CLI::ExistingFile);
  std::int64_t check_trials = 0;
  bool no_fd = false;
  gradients
      ->add_option("--trials", check_trials, "trials of the lifetime (default: the experiment's)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1} << 40));
  gradients
      ->add_option("--out", out_dir,
                   "directory for the CSV tables (default: runs/<name>-gradients-<date>-<time>)")
      ->check(non_empty);
  gradients->add_option("--set", overrides, "override a value: section.key=value (repeatable)")
      ->allow_extra_args(false);
  gradients->add_option("--threads", run_options.threads, "worker threads (default: one per core)")
      ->check(CLI::Range(0, 1024));
  gradients->add_flag("--no-fd", no_fd, "skip the finite differences");
  gradients->add_flag("--overwrite", run_options.overwrite, "replace an existing output directory");

  auto* analyze = app.add_subcommand(
      "analyze", "run analyses of a run's trained networks; replaces RUN_DIR/analysis");
  std::string analyze_dir;
  std::vector<std::string> analyze_only;
  analyze->add_option("run_dir", analyze_dir, "run directory")
      ->required()
      ->check(CLI::ExistingDirectory);
  analyze->add_option("--only", analyze_only, "only these analyses (comma-separated)")
      ->delimiter(',')
      ->allow_extra_args(false);
  analyze->add_option("--threads", run_options.threads, "worker threads (default: one per core)")
      ->check(CLI::Range(0, 1024));
  analyze->add_flag("-q,--quiet", run_options.quiet, "no progress output");

  std::string plugin_name;
  bool markdown = false;
  auto* plugins = app.add_subcommand("plugins", "list plugins, their versions and parameters");
  plugins->add_option("name", plugin_name, "only this component ('core' for the core sections)");
  plugins->add_flag("--markdown", markdown, "print the Markdown parameter reference for docs/");
  std::vector<std::string> plugin_paths;
  plugins
      ->add_option("--path", plugin_paths,
                   "also load plugins from this file or folder (repeatable)")
      ->allow_extra_args(false);

  std::string plot_dir;
  auto* plot = app.add_subcommand(
      "plot", "redraw the plots of a run directory (PNG and SVG in RUN_DIR/plots/)");
  plot->add_option("run_dir", plot_dir, "run directory")->required()->check(CLI::ExistingDirectory);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  const bool color = use_color(no_color);

  try {
    if (*plugins) {
      for (const auto& p : plugin_paths) registry.load_path(p);
      neohebb::core::load_default_plugins(registry);
      for (const auto& f : registry.failures())
        fmt::print(stderr, "{}: {}\n", f.duplicate ? "error" : "warning", f.message);
      if (markdown) {
        fmt::print("{}", neohebb::core::parameter_reference_markdown(registry));
        return 0;
      }
      const std::string listing = neohebb::core::plugin_listing(registry, plugin_name);
      if (listing.empty()) {
        print_error(
            fmt::format("no component named '{}'; `neohebb plugins` lists them all", plugin_name),
            color);
        return 1;
      }
      fmt::print("{}", listing);
      return 0;
    }
    if (*plot) {
      const auto report = neohebb::plots::draw_plots(plot_dir, &registry);
      fmt::print("{}", neohebb::plots::describe(report, plot_dir));
      for (const auto& f : report.failed) print_error("plot " + f, color);
      return report.failed.empty() ? 0 : 1;
    }
    if (*analyze) {
      neohebb::core::analyze_run_directory(analyze_dir, analyze_only, registry, run_options.threads,
                                           run_options.quiet);
      neohebb::plots::draw_plots_after_results(analyze_dir, &registry);  // results are written
      return 0;
    }
    if (*run && experiment_file.empty() == resume_dir.empty()) {
      print_error("run needs either an experiment file or --resume DIR (not both)", color);
      return 2;
    }
    if (!resume_dir.empty()) {
      const std::string suffix = ".partial";
      std::string base = resume_dir;
      while (!base.empty() && base.back() == '/') base.pop_back();
      if (base.size() > suffix.size() &&
          base.compare(base.size() - suffix.size(), suffix.size(), suffix) == 0)
        base.resize(base.size() - suffix.size());
      resume_dir = base;
      experiment_file = base + suffix + "/experiment.toml";
      if (!std::filesystem::exists(experiment_file)) {
        print_error(fmt::format("{}: no interrupted run to resume (no {})", base, experiment_file),
                    color);
        return 1;
      }
    }
    const auto experiment = neohebb::core::load_experiment(experiment_file, overrides, registry);
    if (*validate) {
      const auto setup = neohebb::core::make_setup<neohebb::sdk::Real>(experiment);
      if (experiment.meta.steps > 0)  // what `run` would refuse
        neohebb::core::validate_meta(experiment, setup, experiment.meta);
      fmt::print("{}: ok (task {}, neuron {}, trace {}, rule {})\n", experiment_file,
                 experiment.plugin("task").type, experiment.plugin("neuron").type,
                 experiment.plugin("trace").type, experiment.plugin("rule").type);
      return 0;
    }
    if (*gradients) {
      neohebb::core::GradientCheckOptions go;
      go.trials = check_trials;
      go.finite_differences = !no_fd;
      go.threads = run_options.threads;
      const auto check = neohebb::core::check_gradients(experiment, go);
      const std::string dir = out_dir.empty() ? "runs/" + experiment.name() + "-gradients-" +
                                                    neohebb::core::timestamp("%Y%m%d-%H%M%S")
                                              : out_dir;
      neohebb::core::RunDirectory run(dir, run_options.overwrite);
      run.write("experiment.toml", neohebb::core::resolved_toml(experiment));
      run.write("gradient_check.csv", neohebb::core::gradient_check_csv(check));
      run.write("tangent_norm.csv", neohebb::core::tangent_norm_csv(check));
      const std::string report = neohebb::core::gradient_check_report(check);
      run.write("gradient_check.txt", report);
      run.commit();
      fmt::print("{}\nwritten to {}\n", report, dir);
      neohebb::plots::draw_plots_after_results(dir, &registry);  // the tables are safe already
      return 0;
    }
    run_options.out = out_dir;
    run_options.command_line = joined(argc, argv);
    const std::filesystem::path written =
        resume_dir.empty() ? neohebb::core::run_experiment(experiment, run_options)
                           : neohebb::core::run_meta_learning(experiment, run_options, resume_dir);
    if (!neohebb::core::interrupted())  // the results are written already: plotting only adds
      neohebb::plots::draw_plots_after_results(written, &registry);
    return neohebb::core::interrupted() ? 130 : 0;  // 128 + SIGINT, the shell's convention
  } catch (const std::exception& e) {
    print_error(e.what(), color);
    return neohebb::core::interrupted() ? 130 : 1;
  }
}
