#pragma once
// The resolved experiment: every section written out with every default filled in, so that the
// file alone (no base files, no overrides) reproduces the run.
#include <string>

#include <neohebb/sdk/parameters.hpp>

#include "core/config/experiment.hpp"

namespace neohebb::core {

// The experiment with every default filled in, as TOML.
std::string resolved_toml(const Experiment& e);

// Where a run directory keeps the resolved experiment of the task named `label` ([meta] tasks),
// relative to its experiment.toml.
std::string task_file(const std::string& label);

// One value as TOML text (shared by the resolved experiment, messages and the docs' tables).
std::string toml_literal(const sdk::ParamValue& v);

}  // namespace neohebb::core
