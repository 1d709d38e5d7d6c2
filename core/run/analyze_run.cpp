// `neohebb analyze RUN_DIR`: the run's networks read back, the analyses written into
// RUN_DIR/analysis.partial, which replaces RUN_DIR/analysis only once it is complete.
#include "core/run/analyze_run.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <mutex>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/analysis/analyses.hpp"
#include "core/io/npy_reader.hpp"
#include "core/io/run_directory.hpp"
#include "core/support/errors.hpp"

namespace neohebb::core {
namespace fs = std::filesystem;
namespace {

// networks/lifetime_XXX folders in index order.
std::vector<fs::path> lifetime_folders(const fs::path& run_dir) {
  const fs::path networks = run_dir / "networks";
  std::error_code ec;
  if (!fs::is_directory(networks, ec))
    throw RunError(
        fmt::format("{}: no trained networks here (no networks/ folder; a "
                    "meta-learning run keeps theta, not networks)",
                    run_dir.string()));
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(networks, ec))
    if (entry.is_directory() && entry.path().filename().string().rfind("lifetime_", 0) == 0)
      out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  if (out.empty())
    throw RunError(fmt::format("{}: no lifetime_XXX folders in networks/", run_dir.string()));
  return out;
}

// read_npy names a file it cannot open without the reason; a missing file is said to be one.
Eigen::MatrixXd read_shaped(const fs::path& file, Eigen::Index rows, Eigen::Index cols) {
  errno = 0;
  if (!std::ifstream(file, std::ios::binary))
    throw RunError(fmt::format("{}: cannot be read ({})", file.string(),
                               errno ? std::strerror(errno) : "unknown error"));
  Eigen::MatrixXd m = read_npy(file);
  if (m.rows() != rows || m.cols() != cols)
    throw RunError(fmt::format("{}: shape ({}, {}), but the run's experiment needs ({}, {})",
                               file.string(), m.rows(), m.cols(), rows, cols));
  return m;
}

// The lifetimes that the run recorded as diverged in its summary.json, with their errors: these
// have no final weights. Any other lifetime without them is a damaged run directory.
std::map<std::int64_t, std::string> recorded_divergences(const fs::path& run_dir) {
  std::map<std::int64_t, std::string> out;
  std::ifstream in(run_dir / "summary.json");
  const auto summary = nlohmann::json::parse(in, nullptr, false);
  if (!summary.is_object() || !summary.contains("lifetimes") || !summary["lifetimes"].is_array())
    return out;
  for (const auto& l : summary["lifetimes"]) {
    if (!l.is_object()) continue;
    const auto lifetime = l.find("lifetime"), diverged = l.find("diverged"),
               error = l.find("error");
    if (lifetime == l.end() || !lifetime->is_number_integer() || diverged == l.end() ||
        *diverged != true)
      continue;
    out[lifetime->get<std::int64_t>()] =
        error != l.end() && error->is_string() ? error->get<std::string>() : "no error recorded";
  }
  return out;
}

std::int64_t lifetime_of(const fs::path& dir) {
  const std::string label = dir.filename().string();
  try {  // the folder names the lifetime, and so the seed of its test trials
    std::size_t used = 0;
    const std::string digits = label.substr(std::string("lifetime_").size());
    const std::int64_t lifetime = std::stoll(digits, &used);
    if (used != digits.size() || lifetime < 0) throw std::invalid_argument(digits);
    return lifetime;
  } catch (const std::exception&) {
    throw RunError(fmt::format("{}: not a lifetime_<number> folder", dir.string()));
  }
}

std::vector<AnalysedNetwork> read_networks(const fs::path& run_dir, const Setup<sdk::Real>& setup) {
  const Eigen::Index n = setup.network.size, in = setup.layout.inputs, out = setup.layout.outputs;
  const auto diverged = recorded_divergences(run_dir);
  std::vector<AnalysedNetwork> networks;
  for (const fs::path& dir : lifetime_folders(run_dir)) {
    AnalysedNetwork net;
    net.label = dir.filename().string();
    net.lifetime = lifetime_of(dir);
    if (const auto d = diverged.find(net.lifetime); d != diverged.end()) {
      net.skipped = fmt::format("the lifetime diverged ({}), as summary.json records", d->second);
    } else {
      net.weights.W = read_shaped(dir / "W.npy", n, n);
      net.weights.W_in = read_shaped(dir / "W_in.npy", n, in);
      net.weights.W_out = read_shaped(dir / "W_out.npy", out, n);
      if (!net.weights.W.allFinite())
        net.skipped = "its weights are not finite (the lifetime diverged)";
    }
    networks.push_back(std::move(net));
  }
  return networks;
}

// Moves `staged` into `target`; an existing `target` leaves only once the new one is in place.
void swap_in(const fs::path& staged, const fs::path& target) {
  std::error_code ec;
  const fs::path old = target.string() + ".replaced";
  fs::remove_all(old, ec);
  if (fs::exists(target, ec)) {
    fs::rename(target, old, ec);
    if (ec)
      throw RunError(fmt::format("{}: cannot move the old analysis aside ({})", target.string(),
                                 ec.message()));
  }
  fs::rename(staged, target, ec);
  if (ec) {
    std::error_code ignored;
    if (fs::exists(old, ignored)) fs::rename(old, target, ignored);
    throw RunError(fmt::format("{}: cannot move the new analysis into place ({})", target.string(),
                               ec.message()));
  }
  fs::remove_all(old, ec);
}

// The summary the analyses wrote, read back.
nlohmann::json read_summary(const fs::path& dir) {
  std::ifstream in(dir / "summary.json");
  const auto summary = nlohmann::json::parse(in, nullptr, false);
  if (summary.is_discarded())
    throw RunError(fmt::format("{}: cannot read summary.json", dir.string()));
  return summary;
}

}  // namespace

AnalyzeOutcome analyze_run_directory(const fs::path& run_dir, const std::vector<std::string>& only,
                                     PluginRegistry& registry, int threads, Reporter& reporter) {
  std::error_code ec;
  if (!fs::exists(run_dir / "experiment.toml", ec))
    throw RunError(fmt::format("{}: not a run directory (no experiment.toml)", run_dir.string()));
  const Experiment e = load_experiment(run_dir / "experiment.toml", {}, registry);
  const Setup<sdk::Real> setup = make_setup<sdk::Real>(e);
  std::vector<std::string> names = only;
  if (names.empty())
    for (const auto& [name, c] : e.analysis.choices) names.push_back(name);
  analysis_order(e, names);  // unknown names fail before any work
  const auto networks = read_networks(run_dir, setup);

  const fs::path target = run_dir / "analysis", staged = RunPaths::of(target).partial;
  if (fs::exists(staged, ec))
    throw RunError(
        fmt::format("{}: an unfinished analysis is in the way (another `neohebb "
                    "analyze` in progress, or an interrupted one); remove it to "
                    "start again",
                    staged.string()));
  fs::create_directories(staged, ec);
  if (ec) throw RunError(fmt::format("{}: cannot be created ({})", staged.string(), ec.message()));
  std::mutex folders;
  const FileWriter write = [&](const std::string& relative, const std::string& bytes) {
    // Paths are analysis/...: they go below the staged folder instead.
    const fs::path file = staged / fs::path(relative).lexically_relative("analysis");
    {
      std::lock_guard<std::mutex> lock(folders);
      std::error_code mk;
      fs::create_directories(file.parent_path(), mk);
    }
    write_file_atomically(file, bytes);
  };
  try {
    run_analyses(e, setup, networks, names, write, threads, reporter);
    swap_in(staged, target);
  } catch (...) {
    fs::remove_all(staged, ec);
    throw;
  }
  return {target, read_summary(target)};
}

}  // namespace neohebb::core
