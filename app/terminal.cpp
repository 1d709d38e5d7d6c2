#include "app/terminal.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include <fmt/color.h>
#include <fmt/format.h>
#include <unistd.h>

namespace neohebb::app {

bool use_color(bool disabled) {
  const char* no_color = std::getenv("NO_COLOR");
  return !disabled && ::isatty(fileno(stderr)) && (no_color == nullptr || *no_color == '\0');
}

void print_error(const std::string& message, bool color) {
  std::size_t start = 0;
  while (start <= message.size()) {
    const std::size_t end = std::min(message.find('\n', start), message.size());
    const std::string line = message.substr(start, end - start);
    if (color)
      fmt::print(stderr, "{} {}\n", fmt::styled("error:", fmt::fg(fmt::terminal_color::red)), line);
    else
      fmt::print(stderr, "error: {}\n", line);
    start = end + 1;
  }
}

}  // namespace neohebb::app
