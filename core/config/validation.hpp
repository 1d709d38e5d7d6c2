#pragma once
// Validation of one TOML table against a declared schema (a core section's or a plugin's):
// unknown keys with suggestions, types, ranges, choices and missing required values, each
// problem reported at the position of the value that caused it.
#include <map>
#include <set>
#include <string>

#include <toml++/toml.h>
#include <neohebb/sdk/parameters.hpp>

#include "core/config/diagnostics.hpp"

namespace neohebb::core {

// The values of `table` checked against `schema`, with the defaults filled in. `section` keys
// the positions recorded ("section.key"); `owner` names the section in messages ("[network]",
// "rule 'three_factor'"); keys in `reserved` are skipped.
sdk::ParamSet validate_table(const toml::table& table, const std::string& section,
                             const sdk::ParamSchema& schema, const std::string& owner,
                             const std::set<std::string>& reserved, Diagnostics& d,
                             std::map<std::string, SourcePosition>& positions);

// A TOML value as a message quotes it: "text", 12, 1.5, true, an array, a table.
std::string node_text(const toml::node& n);

}  // namespace neohebb::core
