#pragma once
#include <string>

namespace neohebb::core {

// Where a value was written: a file (or `--set ...`), line and column.
struct SourcePosition {
  std::string file;
  int line = 0, column = 0;
  std::string str() const;  // "file:line:col"
};

}  // namespace neohebb::core
