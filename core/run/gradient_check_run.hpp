#pragma once
// `neohebb check-gradients`: the gradient check of one lifetime (meta/gradient_check.hpp) and
// the directory of its tables.
#include <filesystem>
#include <string>

#include "core/config/experiment.hpp"
#include "core/meta/gradient_check.hpp"

namespace neohebb::core {

struct GradientCheckOutcome {
  std::filesystem::path directory;
  std::string report;  // the text tables, also in gradient_check.txt
};

// Writes experiment.toml, gradient_check.csv, tangent_norm.csv and gradient_check.txt into `out`
// (empty: runs/<name>-gradients-<date>-<time>).
GradientCheckOutcome run_gradient_check(const Experiment& e, const GradientCheckOptions& options,
                                        const std::filesystem::path& out, bool overwrite);

}  // namespace neohebb::core
