#pragma once
// The bounds on what an error message echoes of its input: a megabyte of input must not become a
// megabyte of message, nor a million mistakes a million lines. Implemented in diagnostics.cpp;
// this header stays free of TOML++ so that the terminal can bound every error it prints.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace neohebb::core {

inline constexpr std::size_t kMaxEchoedWord = 200;   // characters of one word (value, key, path)
inline constexpr std::size_t kMaxMessageLine = 600;  // characters of one line of a message
inline constexpr std::size_t kMaxErrors = 20;        // messages shown; then how many more

// `text` with every word (a run without blanks) longer than kMaxEchoedWord characters shortened
// around an ellipsis and followed by its length, and every line longer than kMaxMessageLine
// shortened the same way. Characters are UTF-8 code points, never cut in half.
std::string bounded_text(std::string_view text);

// The first kMaxErrors messages, then "... and N more errors", when there are more than one more.
std::vector<std::string> capped_messages(std::vector<std::string> messages);

}  // namespace neohebb::core
