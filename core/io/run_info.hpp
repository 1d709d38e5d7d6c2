#pragma once
// What every run directory says about itself: its default name, and run.json (versions of the
// host and each plugin, the experiment, the seed, the command line, the host, the times), written
// by one function for every kind of run.
#include <chrono>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "core/config/experiment.hpp"

namespace neohebb::core {

// Local time formatted with strftime.
std::string timestamp(const char* format);

// runs/<name>-<kind>-<YYYYmmdd-HHMMSS> (without "-<kind>" when kind is empty), relative to the
// working directory: where a run goes when no --out is given.
std::filesystem::path default_run_directory(const std::string& name, const std::string& kind = "");

// When a run started, for run.json.
struct RunClock {
  std::string started = timestamp("%Y-%m-%dT%H:%M:%S%z");
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
};

// run.json: the fields every run has, with `fields` (what this kind of run adds) merged in.
nlohmann::json run_json(const Experiment& e, const RunClock& clock, const std::string& command,
                        const nlohmann::json& fields);

// run.json's description of the plugins the experiment uses.
nlohmann::json plugins_json(const Experiment& e);

}  // namespace neohebb::core
