#pragma once
// NumPy .npy (format 1.0) for float64 matrices: loadable with numpy.load, no library needed.
#include <string>

#include <Eigen/Core>

namespace neohebb::core {

// The bytes of a .npy file holding `m` (column-major data, fortran_order True).
std::string npy_bytes(const Eigen::Ref<const Eigen::MatrixXd>& m);

}  // namespace neohebb::core
