#pragma once
// The CSV files of a run directory (a header line, then one record per line, no quoting), read
// by column name. Errors name file:line:col.
#include <filesystem>
#include <string>
#include <vector>

namespace neohebb::plots {

class CsvTable {
 public:
  explicit CsvTable(std::filesystem::path file);  // throws core::RunError
  std::size_t rows() const { return cells_.size(); }
  bool has(const std::string& column) const;
  const std::vector<std::string>& header() const { return header_; }
  // The column as numbers ("nan", "inf" accepted); throws naming the first bad cell.
  std::vector<double> numbers(const std::string& column) const;
  // The same, with empty cells (values not recorded on that row) read as NaN.
  std::vector<double> numbers_or_nan(const std::string& column) const;
  std::vector<std::string> strings(const std::string& column) const;

 private:
  std::vector<double> parse_numbers(const std::string& column, bool empty_is_nan) const;
  std::size_t index(const std::string& column) const;
  std::filesystem::path file_;
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> cells_;
  std::vector<std::vector<std::size_t>> columns_at_;  // 1-based column of each cell, for errors
  std::vector<std::size_t> lines_;                    // line number of each record
};

}  // namespace neohebb::plots
