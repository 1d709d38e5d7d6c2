#pragma once
// Reads NumPy .npy files of float64 or complex128 arrays with at most two dimensions (what
// npy.hpp writes, and what numpy.save writes for such arrays, in either memory order).
#include <filesystem>
#include <string>

#include <Eigen/Core>

namespace neohebb::core {

// The array in `bytes` (a scalar is 1 x 1, a vector of n elements n x 1). Throws RunError
// naming `what` and the problem for anything else.
Eigen::MatrixXd parse_npy(const std::string& bytes, const std::string& what);

// Reads and parses `file`.
Eigen::MatrixXd read_npy(const std::filesystem::path& file);

// The same for complex128 ('<c16') arrays.
Eigen::MatrixXcd parse_complex_npy(const std::string& bytes, const std::string& what);
Eigen::MatrixXcd read_complex_npy(const std::filesystem::path& file);

}  // namespace neohebb::core
