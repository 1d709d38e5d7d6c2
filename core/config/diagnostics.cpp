#include "core/config/diagnostics.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "core/support/errors.hpp"

namespace neohebb::core {

std::string SourcePosition::str() const {
  return fmt::format("{}:{}:{}", file, line, column);
}

namespace {

bool continuation_byte(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

std::size_t code_points(std::string_view s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return !continuation_byte(c); }));
}

// The byte offset after the first `n` code points of `s`.
std::size_t head_bytes(std::string_view s, std::size_t n) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (!continuation_byte(s[i]) && seen++ == n) return i;
  return s.size();
}

// The byte offset where the last `n` code points of `s` start.
std::size_t tail_start(std::string_view s, std::size_t n) {
  std::size_t seen = 0;
  for (std::size_t i = s.size(); i-- > 0;)
    if (!continuation_byte(s[i]) && ++seen == n) return i;
  return 0;
}

// `s`, longer than `limit` code points, in `limit` code points: its start and end (so that a
// closing quote stays) around an ellipsis, then its length. Bounding it again changes nothing.
std::string shortened(std::string_view s, std::size_t limit) {
  const std::string length = fmt::format(" ({} characters)", code_points(s));
  const std::size_t kept = limit - 1 - length.size(), tail = kept / 5, head = kept - tail;
  return fmt::format("{}…{}{}", s.substr(0, head_bytes(s, head)), s.substr(tail_start(s, tail)),
                     length);
}

// Applies `bound` to each piece of `text` between separators, keeping the separators.
template <class Bound>
std::string each_piece(std::string_view text, std::string_view separators, Bound bound) {
  std::string out;
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t end = std::min(text.find_first_of(separators, start), text.size());
    out += bound(text.substr(start, end - start));
    if (end < text.size()) out += text[end];
    start = end + 1;
  }
  return out;
}

std::string bounded(std::string_view piece, std::size_t limit) {
  return code_points(piece) > limit ? shortened(piece, limit) : std::string(piece);
}

// Line `line` (from 1) of `text`, without its line break.
std::optional<std::string_view> line_of(std::string_view text, std::size_t line) {
  std::size_t start = 0;
  for (std::size_t l = 1; l < line; ++l) {
    start = text.find('\n', start);
    if (start == std::string_view::npos) return std::nullopt;
    ++start;
  }
  std::string_view out = text.substr(start, text.find('\n', start) - start);
  if (!out.empty() && out.back() == '\r') out.remove_suffix(1);
  return out;
}

std::string_view trimmed(std::string_view s) {
  const std::size_t b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// Walks `line` up to byte `end`, skipping quoted strings, and calls `at(i, c)` for every
// character outside them.
template <class At>
void outside_strings(std::string_view line, std::size_t end, At at) {
  char quote = 0;
  for (std::size_t i = 0; i < std::min(end, line.size()); ++i) {
    const char c = line[i];
    if (quote) {
      if (c == '\\' && quote == '"')
        ++i;  // an escape in a basic string
      else if (c == quote)
        quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else {
      at(i, c);
    }
  }
}

// The key of a table header `[key]` or `[[key]]`, as written.
std::optional<std::string> header_key(std::string_view line) {
  line = trimmed(line);
  const std::size_t open = line.rfind("[[", 0) == 0 ? 2 : line.rfind('[', 0) == 0 ? 1 : 0;
  if (open == 0) return std::nullopt;
  std::optional<std::size_t> close;
  outside_strings(line, line.size(), [&](std::size_t i, char c) {
    if (c == ']' && i >= open && !close) close = i;
  });
  if (!close) return std::nullopt;
  return std::string(trimmed(line.substr(open, *close - open)));
}

// The key of the key-value pair whose value starts at byte `value` of `line`, as written: from
// the line's start, a '{' or a ',' (an inline table) to its '='.
std::optional<std::string> pair_key(std::string_view line, std::size_t value) {
  std::size_t start = 0;
  std::optional<std::size_t> equals;
  outside_strings(line, value, [&](std::size_t i, char c) {
    if (c == '{' || c == ',') start = i + 1, equals.reset();
    if (c == '=' && !equals) equals = i;
  });
  if (!equals || *equals < start) return std::nullopt;
  return std::string(trimmed(line.substr(start, *equals - start)));
}

// TOML++ (3.3) records a quoted key with the two characters after its opening quote twice; the
// key of the redefinition is taken from the source instead.
void repair_redefined_key(std::string& description, std::string_view source,
                          const toml::source_position& at) {
  const std::size_t says = description.find("cannot redefine existing ");
  if (says == std::string::npos) return;
  const std::size_t open = description.find('\'', says);
  const auto line = line_of(source, at.line);
  if (open == std::string::npos || !line || at.column == 0) return;
  const auto key = description.find("table header") != std::string::npos
                       ? header_key(*line)
                       : pair_key(*line, head_bytes(*line, at.column - 1));
  if (!key || key->empty()) return;
  // TOML++ cuts a long description short, closing quote included.
  std::size_t close = description.rfind('\'');
  if (close <= open) close = description.size(), description += '\'';
  description.replace(open + 1, close - open - 1, *key);
}

}  // namespace

std::string bounded_text(std::string_view text) {
  const std::string words =
      each_piece(text, " \t\n", [](std::string_view w) { return bounded(w, kMaxEchoedWord); });
  return each_piece(words, "\n", [](std::string_view l) { return bounded(l, kMaxMessageLine); });
}

std::vector<std::string> capped_messages(std::vector<std::string> messages) {
  if (messages.size() <= kMaxErrors + 1) return messages;  // a count would take the same room
  const std::size_t more = messages.size() - kMaxErrors;
  messages.resize(kMaxErrors);
  messages.push_back(fmt::format("... and {} more errors", more));
  return messages;
}

std::string parse_error_message(const toml::parse_error& err, std::string_view source,
                                const std::string& file) {
  const auto& b = err.source().begin;
  const std::string path = err.source().path ? std::string(*err.source().path) : file;
  std::string description(err.description());
  repair_redefined_key(description, source, b);
  return bounded_text(fmt::format("{}:{}:{}: {}", path, b.line, b.column, description));
}

SourcePosition Diagnostics::where(const toml::source_region& r) const {
  const std::string file = r.path ? std::string(*r.path) : file_.string();
  if (r.begin.line == 0) return {file, 1, 1};  // a table created by --set has no position
  return {file, static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
}

void Diagnostics::error(const SourcePosition& p, const std::string& msg) {
  messages_.push_back(bounded_text(p.str() + ": " + msg));
}

void Diagnostics::throw_if_any() const {
  if (!messages_.empty()) throw ConfigError(capped_messages(messages_));
}

}  // namespace neohebb::core
