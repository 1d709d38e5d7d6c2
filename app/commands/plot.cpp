// `neohebb plot RUN_DIR`: redraws the figures of a run directory.
#include <fmt/format.h>

#include "app/commands/command.hpp"
#include "app/terminal.hpp"
#include "core/support/errors.hpp"
#include "neohebb/plots/plots.hpp"

namespace neohebb::app {

void plot(const std::string& run_dir, Context& ctx) {
  plots::PlotReport report;
  try {
    report = plots::draw_plots(run_dir, &ctx.registry);
  } catch (const plots::PlotsInterrupted&) {
    throw core::RunError(
        fmt::format("interrupted while drawing the plots of {}; the figures "
                    "finished before it are in {}",
                    run_dir, (std::filesystem::path(run_dir) / "plots").string()));
  }
  fmt::print("{}", plots::describe(report, run_dir));
  for (const auto& f : report.failed) print_error("plot " + f, use_color(ctx.no_color));
  if (!report.failed.empty()) ctx.exit_code = 1;
}

}  // namespace neohebb::app
