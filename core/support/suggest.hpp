#pragma once
#include <optional>
#include <string>
#include <vector>

namespace neohebb::core {

// The candidate closest to `word` by edit distance, if it is close enough to be a likely typo.
std::optional<std::string> closest_match(const std::string& word,
                                         const std::vector<std::string>& candidates);

// ", did you mean 'x'?" style suffix, or "" when nothing is close.
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates,
                         const char* quote = "'");

}  // namespace neohebb::core
