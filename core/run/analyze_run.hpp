#pragma once
// `neohebb analyze RUN_DIR`: the run's trained networks read back and analysed again.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/loader/plugin_registry.hpp"
#include "core/support/progress.hpp"

namespace neohebb::core {

struct AnalyzeOutcome {
  std::filesystem::path directory;  // RUN_DIR/analysis
  nlohmann::json summary;           // its summary.json (see analysis/analyses.hpp)
};

// Loads RUN_DIR's resolved experiment and the final weights of each lifetime, runs `only`
// (empty: every installed analysis) and replaces RUN_DIR/analysis as a whole: the new results
// are written into analysis.partial and swapped in only when complete.
AnalyzeOutcome analyze_run_directory(const std::filesystem::path& run_dir,
                                     const std::vector<std::string>& only, PluginRegistry& registry,
                                     int threads, Reporter& reporter);

}  // namespace neohebb::core
