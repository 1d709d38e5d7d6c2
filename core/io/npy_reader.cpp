#include "core/io/npy_reader.hpp"

#include <complex>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <regex>
#include <vector>

#include <fmt/format.h>

#include "core/support/errors.hpp"

namespace neohebb::core {
namespace {

struct Header {
  bool fortran_order = false;
  std::vector<std::int64_t> shape;
};

// The header is a Python dict literal; the three keys are found by pattern, not by a parser,
// since numpy writes them in a fixed form.
// `type` is "f8" (float64) or "c16" (complex128).
Header parse_header(const std::string& dict, const std::string& what, const std::string& type) {
  const char* kind = type == "f8" ? "float64" : "complex128";
  const auto fail = [&](const std::string& why) {
    return RunError(fmt::format("{}: not a {} .npy array ({})", what, kind, why));
  };
  std::smatch m;
  if (!std::regex_search(dict, m, std::regex(R"('descr'\s*:\s*'([^']*)')")))
    throw fail("no 'descr' in the header");
  if (m[1] != "<" + type && m[1] != "=" + type)
    throw fail(fmt::format("element type '{}'; only little-endian {} '<{}' is read", m[1].str(),
                           kind, type));
  Header h;
  if (!std::regex_search(dict, m, std::regex(R"('fortran_order'\s*:\s*(True|False))")))
    throw fail("no 'fortran_order' in the header");
  h.fortran_order = m[1] == "True";
  if (!std::regex_search(dict, m, std::regex(R"('shape'\s*:\s*\(([^)]*)\))")))
    throw fail("no 'shape' in the header");
  const std::string dims = m[1];
  const std::regex number(R"(\s*(\d+)\s*(,|$))");
  for (auto it = std::sregex_iterator(dims.begin(), dims.end(), number);
       it != std::sregex_iterator(); ++it) {
    const std::string digits = (*it)[1];
    if (digits.size() > 15) throw fail("a dimension is too large");
    h.shape.push_back(std::stoll(digits));
  }
  if (h.shape.size() > 2)
    throw fail(fmt::format("{} dimensions; at most 2 are read", h.shape.size()));
  return h;
}

// The array of `Scalar` (double or std::complex<double>) in `bytes`.
template <typename Scalar>
Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> parse(const std::string& bytes,
                                                            const std::string& what) {
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  const std::string type = sizeof(Scalar) == sizeof(double) ? "f8" : "c16";
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0)
    throw RunError(fmt::format("{}: not a .npy file (no \\x93NUMPY magic)", what));
  const auto major = static_cast<unsigned char>(bytes[6]);
  std::size_t header_len = 0, offset = 0;
  const auto byte = [&](std::size_t i) {
    return std::size_t(static_cast<unsigned char>(bytes[i]));
  };
  if (major == 1) {
    header_len = byte(8) | byte(9) << 8;
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) throw RunError(fmt::format("{}: truncated .npy header", what));
    header_len = byte(8) | byte(9) << 8 | byte(10) << 16 | byte(11) << 24;
    offset = 12;
  } else {
    throw RunError(fmt::format("{}: .npy format version {} is not known", what, major));
  }
  if (bytes.size() < offset + header_len)
    throw RunError(fmt::format("{}: truncated .npy header", what));
  const Header h = parse_header(bytes.substr(offset, header_len), what, type);
  const Eigen::Index rows = h.shape.empty() ? 1 : h.shape[0];
  const Eigen::Index cols = h.shape.size() < 2 ? 1 : h.shape[1];
  const std::size_t data = offset + header_len;
  const std::size_t need = std::size_t(rows) * std::size_t(cols) * sizeof(Scalar);
  if (cols != 0 && std::size_t(rows) > (bytes.size() / sizeof(Scalar)) / std::size_t(cols))
    throw RunError(fmt::format("{}: shape ({}, {}) is larger than the file", what, rows, cols));
  if (bytes.size() - data != need)
    throw RunError(fmt::format("{}: {} bytes of data for shape ({}, {}), expected {}", what,
                               bytes.size() - data, rows, cols, need));
  Matrix out(rows, cols);
  if (need == 0) return out;  // an empty array has no data pointer to copy into
  if (h.fortran_order || cols == 1 || rows == 1) {
    std::memcpy(out.data(), bytes.data() + data, need);
  } else {
    Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> c(rows, cols);
    std::memcpy(c.data(), bytes.data() + data, need);
    out = c;
  }
  return out;
}

std::string file_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw RunError(fmt::format("{}: cannot be read", file.string()));
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

Eigen::MatrixXd parse_npy(const std::string& bytes, const std::string& what) {
  return parse<double>(bytes, what);
}

Eigen::MatrixXcd parse_complex_npy(const std::string& bytes, const std::string& what) {
  return parse<std::complex<double>>(bytes, what);
}

Eigen::MatrixXd read_npy(const std::filesystem::path& file) {
  return parse_npy(file_bytes(file), file.string());
}

Eigen::MatrixXcd read_complex_npy(const std::filesystem::path& file) {
  return parse_complex_npy(file_bytes(file), file.string());
}

}  // namespace neohebb::core
