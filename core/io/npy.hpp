#pragma once
// NumPy .npy (format 1.0) as numpy.save writes it, loadable with numpy.load, no library needed:
// a matrix is 2-D, a vector 1-D, complex values one complex128 array.
#include <string>

#include <Eigen/Core>

namespace neohebb::core {

// The bytes of a .npy file holding the float64 matrix `m` (shape (rows, cols), column-major
// data, fortran_order True).
std::string npy_bytes(const Eigen::Ref<const Eigen::MatrixXd>& m);

// A float64 vector: shape (n,), as numpy.save writes a 1-D array.
std::string npy_vector_bytes(const Eigen::Ref<const Eigen::VectorXd>& v);

// A complex128 matrix ('<c16', shape (rows, cols), column-major).
std::string npy_complex_bytes(const Eigen::Ref<const Eigen::MatrixXcd>& m);

}  // namespace neohebb::core
