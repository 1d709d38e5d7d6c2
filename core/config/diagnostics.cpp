#include "core/config/diagnostics.hpp"

#include <algorithm>

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
