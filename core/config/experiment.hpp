#pragma once
// An experiment file, validated: every section checked against its schema (the core's own
// sections and the declared parameters of the plugin each plugin section names), every default
// filled in. Plugins never see TOML; they get a ParamSet.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <neohebb/sdk/plugin.hpp>

#include "core/config/experiment_source.hpp"
#include "core/config/sections.hpp"
#include "core/config/source_position.hpp"
#include "core/loader/plugin_registry.hpp"
#include "core/support/errors.hpp"

namespace neohebb::core {

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
  AnalysisSection settings;                       // the [analysis] keys other than `run`
  std::map<std::string, AnalysisChoice> choices;  // every installed analysis, by name
};

// The typed core sections (experiment, network, ...) are members: e.meta.steps.
struct Experiment : CoreSections {
  std::filesystem::path file;
  std::vector<std::filesystem::path> files;     // the file and its base files, as they were read
  std::map<std::string, PluginChoice> plugins;  // by plugin section name
  std::vector<std::filesystem::path> plugin_paths;  // resolved [plugins] path entries
  std::map<std::string, SourcePosition> positions;  // "section" and "section.key"
  AnalysisConfig analysis;
  bool sweep = false;  // the file has a [sweep] table: `neohebb sweep` runs it, not `run`
  // [meta] tasks: the experiment of each task a meta-batch spans, and its name (document.hpp);
  // empty for a single-task experiment.
  std::vector<Experiment> tasks;
  std::vector<std::string> task_labels;

  const PluginChoice& plugin(const std::string& section) const { return plugins.at(section); }
  // Where a key was written (or its section, or the file when it was a default).
  SourcePosition position(const std::string& section, const std::string& key = "") const;
  const std::string& name() const { return experiment.name; }
};

// `err`'s messages headed by the [meta] tasks entry at `where` that named task `label` (the
// messages themselves point into the task's own file).
ConfigError in_task(const SourcePosition& where, const std::string& label, const ConfigError& err);

// Reads the file with its base files and overrides (config/document.hpp), finds the plugins it
// and the default paths name (loader/plugin_search.hpp), then validates every section. Throws
// ConfigError holding every problem found, each at the position of the value that caused it.
Experiment load_experiment(const ExperimentSource& source, PluginRegistry& registry);
Experiment load_experiment(const std::filesystem::path& file,
                           const std::vector<std::string>& overrides, PluginRegistry& registry);

}  // namespace neohebb::core
