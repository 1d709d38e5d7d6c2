#pragma once
// What every run directory says about itself: its default name, and run.json (versions of the
// host and each plugin, the experiment, the seed, the command line, the host, the times), written
// by one function for every kind of run.
#include <chrono>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "core/config/experiment.hpp"
#include "neohebb/sdk/trace_polynomial.hpp"

namespace neohebb::core {

// The layout of a run directory's files, in run.json's "format_version" (and in
// analysis/summary.json's, for the arrays `neohebb analyze` writes). 1 (before the field): every
// vector an N x 1 column, complex arrays as *_re/*_im pairs; 2: vectors 1-D, complex arrays one
// complex128 file. Bump it when a file's layout changes.
inline constexpr int kRunFormatVersion = 2;

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

// run.json's "trace": the names of the trace's pre-terms a_k and post-terms b_l, and its own
// coefficients (what a plain run's lifetimes use, a meta-learning run's start) as K rows of L.
nlohmann::json trace_json(const sdk::TracePolynomial<sdk::Real>& trace);

// run.json's description of the plugins the experiment uses.
nlohmann::json plugins_json(const Experiment& e);

}  // namespace neohebb::core
