#pragma once
// The subcommands of `neohebb`, one file each: what each does once its arguments are parsed.
// Their options are declared in command_line.cpp, the only file that knows CLI11. Errors are
// exceptions, reported by main.
#include <stdexcept>
#include <string>
#include <vector>

#include "core/config/experiment_source.hpp"
#include "core/loader/plugin_registry.hpp"
#include "core/meta/gradient_check.hpp"
#include "core/run/run_options.hpp"

namespace neohebb::app {

struct Context {
  // Outlives everything a command creates: objects and exceptions from plugins need their
  // libraries loaded.
  core::PluginRegistry& registry;
  std::string command_line;  // recorded in run.json
  bool no_color = false;     // --no-color
  int exit_code = 0;         // set by a command that fails without an exception
};

// A command line that parses but makes no sense (exit status 2, like CLI11's own errors).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct RunArgs {
  std::string experiment, resume, out;
  std::vector<std::string> overrides;
  core::RunOptions options;
  bool quiet = false;
};
void run(const RunArgs& args, Context& ctx);

struct SweepArgs {
  core::ExperimentSource source;
  std::string experiment, out;
  int threads = 0;
  bool quiet = false;
};
void sweep(SweepArgs args, Context& ctx);

struct ValidateArgs {
  std::string experiment;
  std::vector<std::string> overrides;
};
void validate(const ValidateArgs& args, Context& ctx);

struct CheckArgs {
  std::string experiment, out;
  std::vector<std::string> overrides;
  core::GradientCheckOptions options;
  bool no_fd = false, overwrite = false;
};
void check(CheckArgs args, Context& ctx);

struct AnalyzeArgs {
  std::string run_dir;
  std::vector<std::string> only;
  int threads = 0;
  bool quiet = false;
};
void analyze(const AnalyzeArgs& args, Context& ctx);

struct PluginsArgs {
  std::string name;
  bool markdown = false;
  std::vector<std::string> paths;
};
void plugins(const PluginsArgs& args, Context& ctx);

void plot(const std::string& run_dir, Context& ctx);

}  // namespace neohebb::app
