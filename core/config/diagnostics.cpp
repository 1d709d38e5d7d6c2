#include "core/config/diagnostics.hpp"

#include <fmt/format.h>

#include "core/support/errors.hpp"

namespace neohebb::core {

std::string SourcePosition::str() const {
  return fmt::format("{}:{}:{}", file, line, column);
}

SourcePosition Diagnostics::where(const toml::source_region& r) const {
  const std::string file = r.path ? std::string(*r.path) : file_.string();
  if (r.begin.line == 0) return {file, 1, 1};  // a table created by --set has no position
  return {file, static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
}

void Diagnostics::error(const SourcePosition& p, const std::string& msg) {
  messages_.push_back(p.str() + ": " + msg);
}

void Diagnostics::throw_if_any() const {
  if (!messages_.empty()) throw ConfigError(messages_);
}

}  // namespace neohebb::core
