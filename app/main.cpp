// The `neohebb` command line. Results go to files and a short summary to stdout; progress and
// errors go to stderr. Exit codes: 0 success, 1 a config or run error, 2 command-line misuse,
// 130 interrupted.
#include <exception>
#include <new>
#include <string>

#include "app/command_line.hpp"
#include "app/terminal.hpp"
#include "core/support/allocator.hpp"
#include "core/support/interrupt.hpp"

namespace {

std::string joined(int argc, char** argv) {
  std::string out;
  for (int i = 0; i < argc; ++i) {
    if (i) out += ' ';
    out += argv[i];
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace neohebb;
  core::keep_freed_memory();
  core::install_interrupt_handler();
  core::PluginRegistry registry;  // outlives every catch below (see app::Context)
  app::Context ctx{registry, joined(argc, argv)};
  try {
    const int code = app::run_command_line(argc, argv, ctx);
    // A command that finished its work after a Ctrl-C (its plots cut short) still says so.
    return code == 0 && core::interrupted() ? 130 : code;
  } catch (const app::UsageError& e) {
    app::print_error(e.what(), app::use_color(ctx.no_color));
    return 2;
  } catch (const std::bad_alloc&) {  // where no stage could say it in context
    app::print_error("out of memory", app::use_color(ctx.no_color));
    return 1;
  } catch (const std::exception& e) {
    app::print_error(e.what(), app::use_color(ctx.no_color));
    return core::interrupted() ? 130 : 1;
  }
}
