#pragma once
// Where an experiment comes from: a file, the overrides given with it, and (for the points of a
// sweep) which value of each axis of the sweep's grid. The reading itself is document.hpp's.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace neohebb::core {

struct ExperimentSource {
  std::filesystem::path file;
  std::vector<std::string> overrides;  // "section.key=value", applied last
  // Extra axes of the sweep the file describes (`--grid key=v1,v2`, config/sweep_grid.hpp).
  std::vector<std::string> grid;
  // One point of that sweep: a value index on each axis of the file's [sweep] table, then on
  // each of `grid`. Its values are merged over the file, before the overrides; a `base` value
  // replaces the file's own base files. Empty: the file as it stands, [sweep] table included.
  std::vector<std::size_t> point;
  // One task of a multi-task meta-learning experiment: entry `task` of its [meta] tasks
  // (document.hpp says how a task's experiment is made). None: the experiment itself.
  std::optional<std::size_t> task;
};

// Whether the source describes a sweep: its file has a [sweep] table, or `grid` is not empty.
bool describes_sweep(const ExperimentSource& source);

// Throws ConfigError, at its [sweep] table, if `file` describes a sweep: what runs one
// experiment (`run`, `check-gradients`) refuses it before validating it, since a sweep file need
// not be a whole experiment on its own.
void refuse_sweep_file(const std::filesystem::path& file);

}  // namespace neohebb::core
