#include "core/io/npy.hpp"

#include <cstdint>

#include <fmt/format.h>

namespace neohebb::core {
namespace {

// Magic, version, header length and the header dict, padded with spaces to a multiple of 64
// and ended by a newline; then `data`.
std::string npy_file(const std::string& descr, const std::string& shape, const char* data,
                     std::size_t bytes) {
  std::string header =
      fmt::format("{{'descr': '{}', 'fortran_order': True, 'shape': {}, }}", descr, shape);
  const std::size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  const auto len = static_cast<std::uint16_t>(header.size());
  out += static_cast<char>(len & 0xff);
  out += static_cast<char>(len >> 8);
  out += header;
  out.append(data, bytes);
  return out;
}

}  // namespace

std::string npy_bytes(const Eigen::Ref<const Eigen::MatrixXd>& m) {
  const Eigen::MatrixXd dense = m;  // contiguous column-major
  return npy_file("<f8", fmt::format("({}, {})", m.rows(), m.cols()),
                  reinterpret_cast<const char*>(dense.data()), sizeof(double) * dense.size());
}

std::string npy_vector_bytes(const Eigen::Ref<const Eigen::VectorXd>& v) {
  const Eigen::VectorXd dense = v;
  return npy_file("<f8", fmt::format("({},)", v.size()),
                  reinterpret_cast<const char*>(dense.data()), sizeof(double) * dense.size());
}

std::string npy_complex_bytes(const Eigen::Ref<const Eigen::MatrixXcd>& m) {
  const Eigen::MatrixXcd dense = m;  // std::complex<double> is (re, im): complex128's layout
  return npy_file("<c16", fmt::format("({}, {})", m.rows(), m.cols()),
                  reinterpret_cast<const char*>(dense.data()),
                  sizeof(std::complex<double>) * dense.size());
}

}  // namespace neohebb::core
