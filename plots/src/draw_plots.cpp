#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <regex>

#include <fmt/format.h>
#include <toml++/toml.h>
#include <nlohmann/json.hpp>

#include "core/io/run_directory.hpp"
#include "core/support/errors.hpp"
#include "drawing_process.hpp"
#include "figures.hpp"
#include "neohebb/plots/plots.hpp"

namespace neohebb::plots {
namespace fs = std::filesystem;

std::string run_title(const fs::path& run) {
  std::ifstream in(run / "run.json");
  if (in) {
    const auto j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_object() && j.contains("name") && j["name"].is_string())
      return literal_text(j["name"].get<std::string>());
  }
  // check-gradients writes no run.json; its resolved experiment names itself.
  try {
    const toml::table t = toml::parse_file((run / "experiment.toml").string());
    if (const auto name = t["experiment"]["name"].value<std::string>()) return literal_text(*name);
  } catch (const std::exception&) {
  }
  fs::path dir = fs::absolute(run).lexically_normal();
  if (dir.filename().empty()) dir = dir.parent_path();  // "run/" names its last component
  return literal_text(dir.filename().string());
}

std::vector<fs::path> analysed_lifetimes(const fs::path& run) {
  std::vector<fs::path> out;
  std::error_code ec;
  const fs::path dir = run / "analysis";
  if (!fs::is_directory(dir, ec)) return out;
  static const std::regex name(R"(lifetime_\d+)");
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.is_directory() && std::regex_match(entry.path().filename().string(), name))
      out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<double> running_mean(const std::vector<double>& v, std::size_t window) {
  std::vector<double> out(v.size());
  double sum = 0;
  for (std::size_t i = 0; i < v.size(); ++i) {
    sum += v[i];
    if (i >= window) sum -= v[i - window];
    out[i] = sum / static_cast<double>(std::min(i + 1, window));
  }
  return out;
}

namespace {

// A folder of our own for PLplot's output files, removed afterwards.
class ScratchFolder {
 public:
  ScratchFolder() {
    std::string pattern = (fs::temp_directory_path() / "neohebb-plots-XXXXXX").string();
    if (!::mkdtemp(pattern.data()))
      throw core::RunError(fmt::format("cannot create a temporary folder for PLplot in {}",
                                       fs::temp_directory_path().string()));
    path_ = pattern;
  }
  ~ScratchFolder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

fs::path prepare_plots_folder(const fs::path& run) {
  const fs::path plots = run / "plots";
  std::error_code ec;
  fs::create_directories(plots, ec);
  if (ec || !fs::is_directory(plots))
    throw core::RunError(fmt::format("{}: cannot create the plots folder ({})", plots.string(),
                                     ec ? ec.message() : "a file is in the way"));
  const fs::path probe = plots / ".writable";
  try {
    core::write_file_atomically(probe, "");
  } catch (const std::exception&) {
    throw core::RunError(fmt::format("{}: the plots folder is not writable", plots.string()));
  }
  fs::remove(probe, ec);
  return plots;
}

// A folder with nothing to draw is no run directory when it lacks a run's experiment.toml too:
// `neohebb plot` on the wrong folder must not pass for a run without figures.
void require_run_directory(const fs::path& run) {
  std::error_code ec;
  if (fs::exists(run / "experiment.toml", ec)) return;
  const bool sweep = fs::exists(run / "sweep.json", ec);
  throw core::RunError(fmt::format(
      "{}: not a run directory (no experiment.toml, and none of the files a figure is drawn "
      "from: learning_curve.csv, meta_metrics.csv, theta.npy, gradient_check.csv, "
      "analysis/){}",
      run.string(), sweep ? "; it is a sweep: plot one of its points, each a run directory" : ""));
}

}  // namespace

PlotReport draw_plots(const fs::path& run, core::PluginRegistry* registry) {
  std::error_code ec;
  if (!fs::is_directory(run, ec))
    throw core::RunError(fmt::format("{}: no such run directory", run.string()));
  PlotReport report;
  Plan plan;
  const auto attempt = [&](const char* figure, auto&& add) {
    try {
      add();
    } catch (const std::exception& err) {
      report.failed.push_back(fmt::format("{}: {}", figure, err.what()));
    }
  };
  attempt("learning_curve", [&] { plan_learning_curve(run, plan); });
  attempt("meta_learning_curve", [&] { plan_meta_learning_curve(run, plan); });
  attempt("theta", [&] { plan_theta_heatmap(run, registry, plan); });
  attempt("eigenvalues", [&] { plan_eigenvalue_spectra(run, plan); });
  attempt("state_space", [&] { plan_state_space(run, plan); });
  attempt("gradient_check", [&] { plan_gradient_check(run, plan); });
  report.skipped = plan.skipped;
  if (plan.figures.empty()) {
    if (report.failed.empty()) require_run_directory(run);
    return report;
  }
  const fs::path plots = prepare_plots_folder(run);
  const ScratchFolder scratch;  // the parent's: it outlives a child that is killed
  render_in_child(plan.figures, plots, scratch.path(), report);
  return report;
}

std::string describe(const PlotReport& report, const fs::path& run) {
  std::string out;
  if (!report.written.empty()) {
    out += fmt::format("plots written to {}:", (run / "plots").string());
    for (const auto& f : report.written) out += fmt::format(" {}", f.filename().string());
    out += "\n";
  }
  for (const auto& s : report.skipped) out += "skipped " + s + "\n";
  if (report.written.empty() && report.failed.empty()) out += "no figure has its inputs here\n";
  return out;
}

bool draw_plots_after_results(const fs::path& run, core::PluginRegistry* registry) {
  try {
    const PlotReport report = draw_plots(run, registry);
    if (!report.written.empty())
      fmt::print("plots: {} files in {}\n", report.written.size(), (run / "plots").string());
    for (const auto& f : report.failed)
      fmt::print(stderr, "warning: plot {} (the results are unaffected)\n", f);
    return report.failed.empty();
  } catch (const PlotsInterrupted&) {
    fmt::print(stderr,
               "interrupted while drawing the plots; the results are complete in {} (draw the "
               "plots with `neohebb plot {}`)\n",
               run.string(), run.string());
    return false;
  } catch (const std::exception& err) {
    fmt::print(stderr,
               "warning: no plots drawn: {} (the results are unaffected; redraw with "
               "`neohebb plot {}`)\n",
               err.what(), run.string());
    return false;
  }
}

}  // namespace neohebb::plots
