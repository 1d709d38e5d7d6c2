#pragma once
// The grid of a sweep: axes, each a list of values, every combination a point. An axis is
//   - a key and its values: `"rule.eta" = [0.05, 0.1]` in [sweep.grid], or `--grid
//   rule.eta=0.05,0.1`;
//   - `base` and experiment files: each point starts from another base (`base = ["a.toml", ...]`);
//   - named variants, each a fragment of an experiment: [sweep.variants.<axis>] with
//     `<name> = { trace = { type = "hebbian" } }`, for settings that change together.
// A point's value on each axis is a TOML fragment merged over the experiment file like a layer
// of its own (config/document.hpp), so its values are validated, and reported at their position,
// like the file's.
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "core/config/diagnostics.hpp"

namespace neohebb::core {

struct SweepValue {
  std::string label;  // in sweep.csv: the value, a file name or the variant's name
  toml::table layer;  // what the point merges over the experiment
};

struct SweepAxis {
  std::string name;  // the key, `base`, or the variants' axis name: a column of sweep.csv
  std::vector<SweepValue> values;
};

// The axes of a [sweep] table, in the order the file writes them; problems go to `d`. The values
// are moved out of `sweep`, so that they keep their positions in the file (a copied TOML node
// loses its position).
std::vector<SweepAxis> sweep_axes(toml::node& sweep, Diagnostics& d);

// One `--grid key=v1,v2,...`: each value is TOML (a bare word is a string); commas inside
// brackets or quotes do not split. A `base` value is a file relative to the working directory.
// Throws ConfigError positioned in the argument.
SweepAxis grid_axis(const std::string& spec);

// The points of the grid: every combination, the last axis varying fastest. Point i takes value
// indices()[i][a] on axis a.
std::vector<std::vector<std::size_t>> grid_points(const std::vector<SweepAxis>& axes);

}  // namespace neohebb::core
