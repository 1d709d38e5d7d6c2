// The `neohebb` command line. Results go to files and a short summary to stdout; progress and
// errors go to stderr. Exit codes: 0 success, 1 a config or run error, 2 command-line misuse,
// 130 interrupted.
#include <exception>
#include <string>

#include <CLI/CLI.hpp>

#include "app/commands/command.hpp"
#include "app/terminal.hpp"
#include "core/support/allocator.hpp"
#include "core/support/interrupt.hpp"
#include "core/support/version.hpp"

namespace {

std::string joined(int argc, char** argv) {
  std::string out;
  for (int i = 0; i < argc; ++i) out += (i ? " " : "") + std::string(argv[i]);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace neohebb;
  core::keep_freed_memory();
  core::install_interrupt_handler();
  core::PluginRegistry registry;  // outlives every catch below (see app::Context)
  app::Context ctx{registry, joined(argc, argv)};

  CLI::App cli{"neohebb: meta-learning three-factor plasticity rules for recurrent rate networks"};
  cli.require_subcommand(1);
  cli.add_flag("--no-color", ctx.no_color, "never colour the error messages");
  cli.set_version_flag("--version", std::string("neohebb ") + core::kVersion);
  app::add_run(cli, ctx);
  app::add_sweep(cli, ctx);
  app::add_validate(cli, ctx);
  app::add_check_gradients(cli, ctx);
  app::add_analyze(cli, ctx);
  app::add_plugins(cli, ctx);
  app::add_plot(cli, ctx);

  // The commands run inside parse(), as callbacks of their subcommands.
  try {
    cli.parse(argc, argv);
    return ctx.exit_code;
  } catch (const CLI::ParseError& e) {
    const int code = cli.exit(e);
    return code == 0 ? 0 : 2;
  } catch (const app::UsageError& e) {
    app::print_error(e.what(), app::use_color(ctx.no_color));
    return 2;
  } catch (const std::exception& e) {
    app::print_error(e.what(), app::use_color(ctx.no_color));
    return core::interrupted() ? 130 : 1;
  }
}
