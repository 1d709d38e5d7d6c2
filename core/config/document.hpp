#pragma once
// An experiment file as one TOML document. A file may start from others (`base = "a.toml"` or a
// list), resolved relative to it: its bases are composed first, in order, then the file itself
// on top (tables merge key by key, later values win, an array replaces, a plugin section with
// another `type` replaces), then the `--set` overrides. Every value keeps the position in the file
// that wrote it, so that the errors found later point into that file.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "core/config/experiment_source.hpp"
#include "core/config/sweep_grid.hpp"

namespace neohebb::core {

// The largest experiment file read (a bigger one is refused, and an endless one is not read on).
inline constexpr std::size_t kMaxExperimentFileBytes = std::size_t(16) << 20;

// One entry of [meta] tasks, the tasks a meta-batch spans. A string names an experiment file:
// the task's experiment is that file (with its own bases and the overrides), with this
// experiment's [trace], [rule] and [meta] in place of its own, since the rule being learned and
// the outer loop are shared. A table is merged over this experiment, like a sweep's variant, and
// may not set those three sections.
struct TaskEntry {
  std::string label;           // its name in columns and files: see task_label in document.cpp
  std::filesystem::path file;  // a string entry's file; empty for a table
  toml::table layer;           // a table entry
  toml::source_region where;   // the entry in the file
};

// The sections every task of a multi-task experiment takes from the experiment itself.
inline constexpr const char* kSharedTaskSections[] = {"trace", "rule", "meta"};

struct ExperimentDocument {
  std::filesystem::path file;                // the file named by the source
  toml::table root;                          // composed, `base` keys removed
  std::vector<std::filesystem::path> files;  // every file read, each base before what uses it
  // [meta] tasks, taken out of `root`; with source.task, `root` is that task's experiment.
  std::vector<TaskEntry> tasks;
};

// Reads, composes and overrides; throws ConfigError with positioned messages.
ExperimentDocument read_experiment(const ExperimentSource& source);

// The grid of the sweep that `source` describes: the axes of the file's own [sweep] table, then
// those of source.grid. The file is read but not validated (its points are, one by one).
// Throws ConfigError.
std::vector<SweepAxis> sweep_grid(const ExperimentSource& source);

// Merges `top` over `bottom`: tables merge key by key; any other value, arrays included,
// replaces the one below. A table that names another `type` than the one below (a plugin
// section swapping its component) replaces it whole: the parameters below belong to the other
// component.
void merge_into(toml::table& bottom, toml::table&& top);

// A relative path written in a TOML value, resolved against the folder of the file that wrote it
// (`fallback`'s folder when it was written elsewhere, e.g. on the command line).
std::filesystem::path path_written_at(const toml::node& value, const std::string& text,
                                      const std::filesystem::path& fallback);

}  // namespace neohebb::core
