#pragma once
// The problems found in an experiment, each with its position, and the bounds on what a message
// echoes of its input.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "core/config/message_bounds.hpp"
#include "core/config/source_position.hpp"

namespace neohebb::core {

// "file:line:col: description" for a TOML syntax error in `source`. TOML++ garbles the key of
// a redefinition when it is quoted ('"a a b" ' for "a b"): it is shown as `source` writes it.
std::string parse_error_message(const toml::parse_error& err, std::string_view source,
                                const std::string& file);

// Collects every problem with its position; nothing is thrown until all sections are checked.
class Diagnostics {
 public:
  explicit Diagnostics(std::filesystem::path file) : file_(std::move(file)) {}
  // The position of a node in the file (a base file or `--set ...`) that wrote it.
  SourcePosition where(const toml::source_region& r) const;
  void error(const toml::source_region& r, const std::string& msg) { error(where(r), msg); }
  void error(const SourcePosition& p, const std::string& msg);  // bounded_text
  const std::vector<std::string>& messages() const { return messages_; }
  // The plugin files that failed to load explain every unknown plugin alike: say it once.
  bool first_unknown_plugin() {
    return !unknown_plugin_reported_ && (unknown_plugin_reported_ = true);
  }
  // Throws ConfigError with the messages (capped_messages), if there is any.
  void throw_if_any() const;

 private:
  std::filesystem::path file_;
  bool unknown_plugin_reported_ = false;
  std::vector<std::string> messages_;
};

}  // namespace neohebb::core
