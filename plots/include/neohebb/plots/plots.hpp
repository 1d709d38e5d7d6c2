#pragma once
// The figures of a run directory, drawn into RUN/plots/ as PNG and SVG (each file written
// atomically): learning curve, meta-learning curve, theta heatmap, eigenvalue spectra, state
// space (fixed points and condition-averaged trajectories in the top-2 PC plane) and the
// gradient check. Every figure whose inputs exist is drawn; the others are skipped with the
// reason. Plotting only ever adds files under RUN/plots/: a failure never touches a result.
#include <filesystem>
#include <string>
#include <vector>

#include "core/support/errors.hpp"

namespace neohebb::core {
class PluginRegistry;
}

namespace neohebb::plots {

// Ctrl-C or SIGTERM while the figures were drawn: the drawing stopped, the figures finished
// before it stay.
class PlotsInterrupted : public core::RunError {
 public:
  using core::RunError::RunError;
};

struct PlotReport {
  std::vector<std::filesystem::path> written;  // every file written, PNG and SVG
  std::vector<std::string> skipped;            // "figure: why", the inputs are absent
  std::vector<std::string> failed;             // "figure: error", an input is unreadable
};

// Draws every figure whose inputs exist, PLplot in a child process (a PLplot that exits or
// crashes fails its figures, not the caller). `registry` (may be null) lets the theta heatmap of
// a run without meta-learning load the experiment's trace plugin for its coefficients and term
// names. Throws core::RunError when no figure can be drawn at all: `run_dir` is no run directory
// (none of its files), RUN/plots/ cannot be created or written, or PLplot's cairo drivers are
// missing; PlotsInterrupted on Ctrl-C.
PlotReport draw_plots(const std::filesystem::path& run_dir, core::PluginRegistry* registry);

// The report as lines for a terminal: the files written, the figures skipped and why (the
// failures are for the caller to report as errors or warnings).
std::string describe(const PlotReport& report, const std::filesystem::path& run_dir);

// For the end of `run`, `check-gradients` and `analyze`, whose results are already written:
// draws the plots, says on stdout where they went, and turns every failure into a warning on
// stderr; an interruption says that the results are complete. Returns false when a figure or the
// whole plotting failed or was interrupted.
bool draw_plots_after_results(const std::filesystem::path& run_dir, core::PluginRegistry* registry);

}  // namespace neohebb::plots
