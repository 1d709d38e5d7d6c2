#pragma once
// The subcommands of `neohebb`, one file each. Each adds itself to the command line with its
// options and a callback that runs it; errors are exceptions, reported by main.
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/loader/plugin_registry.hpp"

namespace neohebb::app {

struct Context {
  // Outlives everything a command creates: objects and exceptions from plugins need their
  // libraries loaded.
  core::PluginRegistry& registry;
  std::string command_line;  // recorded in run.json
  bool no_color = false;     // --no-color
  int exit_code = 0;         // set by a command that fails without an exception
};

void add_run(CLI::App& app, Context& ctx);
void add_sweep(CLI::App& app, Context& ctx);
void add_validate(CLI::App& app, Context& ctx);
void add_check_gradients(CLI::App& app, Context& ctx);
void add_analyze(CLI::App& app, Context& ctx);
void add_plugins(CLI::App& app, Context& ctx);
void add_plot(CLI::App& app, Context& ctx);

// A command line that parses but makes no sense (exit status 2, like CLI11's own errors).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `--out ""` would otherwise mean the default directory; it is almost surely an unset variable.
const CLI::Validator& non_empty_directory();

// --set and --threads, as every command that loads or runs an experiment takes them.
void add_set_option(CLI::App& sub, std::vector<std::string>& overrides);
void add_threads_option(CLI::App& sub, int& threads);

}  // namespace neohebb::app
