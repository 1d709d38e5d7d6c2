#include "core/io/npy.hpp"

#include <cstdint>

#include <fmt/format.h>

namespace neohebb::core {

std::string npy_bytes(const Eigen::Ref<const Eigen::MatrixXd>& m) {
  std::string header = fmt::format("{{'descr': '<f8', 'fortran_order': True, 'shape': ({}, {}), }}",
                                   m.rows(), m.cols());
  // magic (6) + version (2) + header length (2) + header, padded with spaces to a multiple of
  // 64 and ended by a newline.
  const std::size_t unpadded = 10 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  const auto len = static_cast<std::uint16_t>(header.size());
  out += static_cast<char>(len & 0xff);
  out += static_cast<char>(len >> 8);
  out += header;
  const Eigen::MatrixXd dense = m;  // contiguous column-major
  out.append(reinterpret_cast<const char*>(dense.data()), sizeof(double) * dense.size());
  return out;
}

}  // namespace neohebb::core
