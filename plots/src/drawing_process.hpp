#pragma once
// PLplot ends the whole process on the errors it cannot report, running out of memory among
// them ("*** PLPLOT ERROR, IMMEDIATE EXIT ***"), and cairo may crash where memory runs out. The
// figures are therefore rendered in a child process: whatever happens to it, the caller goes on
// and reports it, and a Ctrl-C stops it at once.
#include <filesystem>
#include <vector>

#include "canvas.hpp"
#include "neohebb/plots/plots.hpp"

namespace neohebb::plots {

// Renders `figures` into `plots_dir` (through `scratch`) in a child process, adding the files
// written and the figures that failed to `report`; a figure the child did not finish fails with
// the reason (PLplot's message, a signal). Throws core::RunError when nothing can be drawn (no
// cairo drivers, no child process) and PlotsInterrupted on Ctrl-C or SIGTERM.
void render_in_child(const std::vector<Figure>& figures, const std::filesystem::path& plots_dir,
                     const std::filesystem::path& scratch, PlotReport& report);

}  // namespace neohebb::plots
