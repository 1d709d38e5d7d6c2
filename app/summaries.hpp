#pragma once
// What a command prints on stdout when it is done: where its results are and the few figures
// that say how it went.
#include <string>

#include <nlohmann/json.hpp>

#include "core/run/run_outcome.hpp"

namespace neohebb::app {

std::string run_summary(const core::RunOutcome& outcome);
std::string analysis_summary(const std::filesystem::path& dir, const nlohmann::json& summary);

}  // namespace neohebb::app
