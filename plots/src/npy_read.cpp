#include "npy_read.hpp"

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>

#include <fmt/format.h>

#include "neohebb/core/errors.hpp"

namespace neohebb::plots {

namespace {

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& why) {
  throw core::RunError(fmt::format("{}: not a float64 .npy array: {}", file.string(), why));
}

std::vector<Eigen::Index> parse_shape(const std::filesystem::path& file, const std::string& dims) {
  std::vector<Eigen::Index> shape;
  static const std::regex number(R"(\d+)");
  for (auto it = std::sregex_iterator(dims.begin(), dims.end(), number);
       it != std::sregex_iterator(); ++it)
    shape.push_back(std::stoll(it->str()));
  if (shape.size() > 2) fail(file, fmt::format("{} dimensions, at most 2 expected", shape.size()));
  return shape;
}

}  // namespace

Eigen::MatrixXd read_npy(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw core::RunError(fmt::format("{}: cannot be read", file.string()));
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) fail(file, "no NumPy magic");
  const int major = static_cast<unsigned char>(bytes[6]);
  const std::size_t length_bytes = major == 1 ? 2 : 4;
  if (major < 1 || major > 3) fail(file, fmt::format("format version {}", major));
  std::size_t header_length = 0;
  for (std::size_t i = 0; i < length_bytes; ++i)
    header_length |= std::size_t(static_cast<unsigned char>(bytes[8 + i])) << (8 * i);
  const std::size_t data_start = 8 + length_bytes + header_length;
  if (bytes.size() < data_start) fail(file, "truncated header");
  const std::string header = bytes.substr(8 + length_bytes, header_length);

  std::smatch m;
  if (!std::regex_search(header, m, std::regex(R"('descr'\s*:\s*'([^']*)')")) || m[1] != "<f8")
    fail(file, "the element type is not little-endian float64 ('<f8')");
  if (!std::regex_search(header, m, std::regex(R"('fortran_order'\s*:\s*(True|False))")))
    fail(file, "no fortran_order in the header");
  const bool fortran = m[1] == "True";
  if (!std::regex_search(header, m, std::regex(R"('shape'\s*:\s*\(([^)]*)\))")))
    fail(file, "no shape in the header");
  const auto shape = parse_shape(file, m[1].str());
  const Eigen::Index rows = shape.empty() ? 1 : shape[0];
  const Eigen::Index cols = shape.size() == 2 ? shape[1] : 1;

  const std::size_t count = static_cast<std::size_t>(rows * cols);
  if (bytes.size() - data_start != count * sizeof(double))
    fail(file,
         fmt::format("{} data bytes for a {} x {} array", bytes.size() - data_start, rows, cols));
  Eigen::MatrixXd out(rows, cols);
  if (fortran || cols == 1) {
    std::memcpy(out.data(), bytes.data() + data_start, count * sizeof(double));
  } else {
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row_major(rows, cols);
    std::memcpy(row_major.data(), bytes.data() + data_start, count * sizeof(double));
    out = row_major;
  }
  return out;
}

}  // namespace neohebb::plots
