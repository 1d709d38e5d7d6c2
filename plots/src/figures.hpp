#pragma once
// The figures, one file each. A `plan_*` function looks for its inputs in the run directory:
// when they exist it reads them and adds a figure (its data captured by value) to the plan, else
// it records why the figure is skipped. Unreadable inputs throw; the caller records the failure.
#include <filesystem>
#include <string>
#include <vector>

#include "canvas.hpp"

namespace neohebb::core {
class PluginRegistry;
}

namespace neohebb::plots {

struct Plan {
  std::vector<Figure> figures;
  std::vector<std::string> skipped;  // "figure: why"
};

void plan_learning_curve(const std::filesystem::path& run, Plan& plan);
void plan_meta_learning_curve(const std::filesystem::path& run, Plan& plan);
void plan_theta_heatmap(const std::filesystem::path& run, core::PluginRegistry* registry,
                        Plan& plan);
void plan_eigenvalue_spectra(const std::filesystem::path& run, Plan& plan);
void plan_state_space(const std::filesystem::path& run, Plan& plan);
void plan_gradient_check(const std::filesystem::path& run, Plan& plan);

// The experiment's name from run.json (else the directory's name), for titles.
std::string run_title(const std::filesystem::path& run);

// The `analysis/lifetime_NNN` folders of a run, in order.
std::vector<std::filesystem::path> analysed_lifetimes(const std::filesystem::path& run);

// Running mean over the last `window` values (fewer at the start).
std::vector<double> running_mean(const std::vector<double>& v, std::size_t window);

}  // namespace neohebb::plots
