#pragma once
// Messages on the terminal: errors one per line, red when stderr is a terminal.
#include <string>

namespace neohebb::app {

// Colour unless disabled by --no-color or NO_COLOR, or when stderr is not a terminal.
bool use_color(bool disabled);

// Prints each line of `message` (a ConfigError holds one "file:line:col: message" per line) as
// "error: <line>" on stderr.
void print_error(const std::string& message, bool color);

}  // namespace neohebb::app
