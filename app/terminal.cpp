#include "app/terminal.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <fmt/color.h>
#include <fmt/format.h>
#include <unistd.h>

#include "core/config/message_bounds.hpp"

namespace neohebb::app {

namespace {

// The messages of an error, one per line; an indented line (a note) belongs to the one above.
std::vector<std::string> messages_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string line = text.substr(start, end - start);
    if (!out.empty() && !line.empty() && (line[0] == ' ' || line[0] == '\t'))
      out.back() += "\n" + line;
    else
      out.push_back(line);
    start = end + 1;
  }
  return out;
}

}  // namespace

bool use_color(bool disabled) {
  const char* no_color = std::getenv("NO_COLOR");
  return !disabled && ::isatty(fileno(stderr)) && (no_color == nullptr || *no_color == '\0');
}

// Every error is bounded here, whichever layer made it: an echoed input is shortened and a
// flood of errors counted (core::bounded_text, core::capped_messages).
void print_error(const std::string& message, bool color) {
  for (const std::string& m : core::capped_messages(messages_of(core::bounded_text(message)))) {
    std::size_t start = 0;
    while (start <= m.size()) {
      const std::size_t end = std::min(m.find('\n', start), m.size());
      const std::string line = m.substr(start, end - start);
      if (color)
        fmt::print(stderr, "{} {}\n", fmt::styled("error:", fmt::fg(fmt::terminal_color::red)),
                   line);
      else
        fmt::print(stderr, "error: {}\n", line);
      start = end + 1;
    }
  }
}

}  // namespace neohebb::app
