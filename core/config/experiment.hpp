#pragma once
// An experiment file, validated: every section checked against its schema (the core's own
// sections and the declared parameters of the plugin each plugin section names), every default
// filled in. Plugins never see TOML; they get a ParamSet.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <neohebb/sdk/plugin.hpp>

#include "core/loader/plugin_registry.hpp"

namespace neohebb::core {

struct SourcePosition {
  std::string file;
  int line = 0, column = 0;
  std::string str() const;  // "file:line:col"
};

// A section the core owns ([experiment], [network], ...), declared like a plugin's parameters.
struct CoreSection {
  std::string name;
  std::string doc;
  sdk::ParamSchema params;
};
const std::vector<CoreSection>& core_sections();

// A section that names a plugin component: [neuron], [trace], [rule], [task].
struct PluginSection {
  std::string name;
  sdk::Kind kind;
  const char* default_type;  // nullptr: the section is required
};
const std::vector<PluginSection>& plugin_sections();

struct PluginChoice {
  std::string type;
  sdk::ParamSet params;
  const LoadedComponent* component = nullptr;
};

// The [analysis] table: analyses to run at the end of `neohebb run` and the parameters of each
// analysis, from its [analysis.<name>] subtable with defaults filled in.
struct AnalysisChoice {
  sdk::ParamSet params;
  const LoadedComponent* component = nullptr;
  bool written = false;  // named in `run` or given a subtable: kept in the resolved experiment
};
struct AnalysisConfig {
  std::vector<std::string> run;
  sdk::ParamSet options;                          // the [analysis] keys other than `run`
  std::map<std::string, AnalysisChoice> choices;  // every installed analysis, by name
};
const CoreSection& analysis_section();  // the [analysis] keys other than `run`

struct Experiment {
  std::filesystem::path file;
  std::map<std::string, sdk::ParamSet> core;        // by core section name
  std::map<std::string, PluginChoice> plugins;      // by plugin section name
  std::vector<std::filesystem::path> plugin_paths;  // resolved [plugins] path entries
  std::map<std::string, SourcePosition> positions;  // "section" and "section.key"
  AnalysisConfig analysis;

  const sdk::ParamSet& section(const std::string& name) const { return core.at(name); }
  const PluginChoice& plugin(const std::string& section) const { return plugins.at(section); }
  // Where a key was written (or its section, or the file when it was a default).
  SourcePosition position(const std::string& section, const std::string& key = "") const;
  std::string name() const;
};

// Parses and validates; applies `overrides` ("section.key=value", value in TOML syntax or a bare
// string) first; loads the plugin paths the file lists, then the default ones. Throws ConfigError
// holding every problem found.
Experiment load_experiment(const std::filesystem::path& file,
                           const std::vector<std::string>& overrides, PluginRegistry& registry);

// The experiment with every default filled in, as TOML.
std::string resolved_toml(const Experiment& e);

// One value as TOML text (shared by the resolved experiment and the docs' tables).
std::string toml_literal(const sdk::ParamValue& v);

}  // namespace neohebb::core
