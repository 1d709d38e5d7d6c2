#pragma once
// Reading the float64 .npy arrays of a run directory (format 1.x or 2.x, C or Fortran order,
// one or two dimensions; a 1-D array of length n reads as n x 1).
#include <filesystem>

#include <Eigen/Core>

namespace neohebb::plots {

Eigen::MatrixXd read_npy(const std::filesystem::path& file);  // throws core::RunError

}  // namespace neohebb::plots
