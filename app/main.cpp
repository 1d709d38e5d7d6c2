// The `neohebb` command line. Results go to files and a short summary to stdout; progress and
// errors go to stderr. Exit codes: 0 success, 1 a config or run error, 2 command-line misuse,
// 130 interrupted.
#include <exception>
#include <new>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "app/command_line.hpp"
#include "app/terminal.hpp"
#include "core/cluster/cluster.hpp"
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

// The command's exit code, and its error message if it failed (printed by main).
int run_command(int argc, char** argv, neohebb::app::Context& ctx, std::string& error) {
  using namespace neohebb;
  try {
    const int code = app::run_command_line(argc, argv, ctx);
    // A command that finished its work after a Ctrl-C (its plots cut short) still says so.
    return code == 0 && core::interrupted() ? 130 : code;
  } catch (const app::UsageError& e) {
    error = e.what();
    return 2;
  } catch (const std::bad_alloc&) {  // where no stage could say it in context
    error = "out of memory";
    return 1;
  } catch (const std::exception& e) {
    error = e.what();
    return core::interrupted() ? 130 : 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace neohebb;
  core::keep_freed_memory();
  core::install_interrupt_handler();
  core::Cluster& cluster = core::Cluster::world();
  core::PluginRegistry registry;  // outlives every catch below (see app::Context)
  app::Context ctx{registry, joined(argc, argv)};
  std::string error;
  int code = 0;
  try {
    cluster.start(argc, argv);
    code = run_command(argc, argv, ctx, error);
  } catch (const core::ClusterReleased& r) {  // not rank 0: rank 0 ended the command
    code = r.code();
  } catch (const core::OutOfStep& o) {  // this rank failed alone where rank 0 went on
    app::print_error(fmt::format("rank {}: {}", cluster.rank(), o.why()),
                     app::use_color(ctx.no_color));
    cluster.abort(1);
  } catch (const std::exception& e) {  // the launch itself
    error = e.what(), code = 1;
  }
  if (cluster.root() && !error.empty()) app::print_error(error, app::use_color(ctx.no_color));
  const std::optional<int> shared = cluster.finish(code);
  if (!shared) {  // this rank failed alone (rank 0 goes on): say why, and end the job
    app::print_error(fmt::format("rank {}: {}", cluster.rank(), error.empty() ? "stopped" : error),
                     app::use_color(ctx.no_color));
    cluster.abort(code == 0 ? 1 : code);
  }
  cluster.stop();
  return cluster.root() ? code : *shared;
}
