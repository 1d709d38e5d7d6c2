#include "csv_table.hpp"

#include <charconv>
#include <cmath>
#include <fstream>
#include <limits>

#include <fmt/format.h>

#include "core/support/errors.hpp"

namespace neohebb::plots {

namespace {
void split(const std::string& line, std::vector<std::string>& cells,
           std::vector<std::size_t>& columns) {
  std::size_t start = 0;
  while (true) {
    const std::size_t end = std::min(line.find(',', start), line.size());
    cells.push_back(line.substr(start, end - start));
    columns.push_back(start + 1);
    if (end == line.size()) return;
    start = end + 1;
  }
}
}  // namespace

CsvTable::CsvTable(std::filesystem::path file) : file_(std::move(file)) {
  std::ifstream in(file_);
  if (!in) throw core::RunError(fmt::format("{}: cannot be read", file_.string()));
  std::string line;
  std::size_t number = 0;
  std::vector<std::size_t> ignored;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (header_.empty()) {
      split(line, header_, ignored);
      continue;
    }
    std::vector<std::string> cells;
    std::vector<std::size_t> columns;
    split(line, cells, columns);
    if (cells.size() != header_.size())
      throw core::RunError(fmt::format("{}:{}:1: {} fields where the header has {}", file_.string(),
                                       number, cells.size(), header_.size()));
    cells_.push_back(std::move(cells));
    columns_at_.push_back(std::move(columns));
    lines_.push_back(number);
  }
  if (header_.empty())
    throw core::RunError(fmt::format("{}: empty, no header line", file_.string()));
}

bool CsvTable::has(const std::string& column) const {
  for (const auto& h : header_)
    if (h == column) return true;
  return false;
}

std::size_t CsvTable::index(const std::string& column) const {
  for (std::size_t i = 0; i < header_.size(); ++i)
    if (header_[i] == column) return i;
  throw core::RunError(fmt::format("{}:1:1: no column '{}' in the header", file_.string(), column));
}

std::vector<double> CsvTable::numbers(const std::string& column) const {
  return parse_numbers(column, false);
}

std::vector<double> CsvTable::numbers_or_nan(const std::string& column) const {
  return parse_numbers(column, true);
}

std::vector<double> CsvTable::parse_numbers(const std::string& column, bool empty_is_nan) const {
  const std::size_t c = index(column);
  std::vector<double> out;
  out.reserve(cells_.size());
  for (std::size_t r = 0; r < cells_.size(); ++r) {
    const std::string& s = cells_[r][c];
    if (empty_is_nan && s.empty()) {
      out.push_back(std::numeric_limits<double>::quiet_NaN());
      continue;
    }
    double v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty())
      throw core::RunError(fmt::format("{}:{}:{}: '{}' in column '{}' is not a number",
                                       file_.string(), lines_[r], columns_at_[r][c], s, column));
    out.push_back(v);
  }
  return out;
}

std::vector<std::string> CsvTable::strings(const std::string& column) const {
  const std::size_t c = index(column);
  std::vector<std::string> out;
  out.reserve(cells_.size());
  for (const auto& row : cells_) out.push_back(row[c]);
  return out;
}

}  // namespace neohebb::plots
