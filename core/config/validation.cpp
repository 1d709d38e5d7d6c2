#include "core/config/validation.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

#include <fmt/format.h>

#include "core/config/resolved_experiment.hpp"
#include "core/support/suggest.hpp"

namespace neohebb::core {

std::string node_text(const toml::node& n) {
  if (n.is_string()) return fmt::format("\"{}\"", *n.value<std::string>());
  if (n.is_table()) return "a table";
  if (n.is_array()) return "an array";
  if (n.is_boolean()) return *n.value<bool>() ? "true" : "false";
  if (n.is_integer()) return std::to_string(*n.value<std::int64_t>());
  if (n.is_floating_point())  // 10.0 stays 10.0
    return toml_literal(sdk::ParamValue(std::in_place_type<double>, *n.value<double>()));
  return "a date/time";
}

namespace {

std::string bound_text(const sdk::ParamSpec& s) {
  std::string out;
  if (s.min) out += fmt::format("{} {}", s.min_exclusive ? ">" : ">=", *s.min);
  if (s.max)
    out += fmt::format("{}{} {}", out.empty() ? "" : " and ", s.max_exclusive ? "<" : "<=", *s.max);
  return out;
}

bool in_range(const sdk::ParamSpec& s, double v) {
  if (std::isnan(v)) return false;
  if (s.min && (s.min_exclusive ? !(v > *s.min) : !(v >= *s.min))) return false;
  if (s.max && (s.max_exclusive ? !(v < *s.max) : !(v <= *s.max))) return false;
  return true;
}

std::optional<double> number(const toml::node& n, bool integers_only) {
  if (n.is_integer()) return static_cast<double>(*n.value<std::int64_t>());
  if (!integers_only && n.is_floating_point()) return *n.value<double>();
  return std::nullopt;
}

// Converts one TOML value to the declared type of `s` and checks its range and choices; every
// problem is reported to `d` at the value's position.
class Converter {
 public:
  Converter(const sdk::ParamSpec& s, const std::string& owner, Diagnostics& d)
      : s_(s), owner_(owner), d_(d) {}

  std::optional<sdk::ParamValue> operator()(const toml::node& n) const {
    switch (s_.type) {
      case sdk::ParamType::Bool:
        if (!n.is_boolean()) return wrong_type(n);
        return sdk::ParamValue{*n.value<bool>()};
      case sdk::ParamType::Int:
      case sdk::ParamType::Real:
        return scalar(n);
      case sdk::ParamType::String:
        return text(n);
      case sdk::ParamType::RealList:
      case sdk::ParamType::IntList:
        return list(n);
    }
    return std::nullopt;
  }

 private:
  std::nullopt_t wrong_type(const toml::node& n) const {
    const bool whole = n.is_floating_point() && std::isfinite(*n.value<double>()) &&
                       std::trunc(*n.value<double>()) == *n.value<double>();
    d_.error(n.source(), fmt::format("'{}' for {} must be {}, got {}{}", s_.name, owner_,
                                     sdk::type_name(s_.type), node_text(n),
                                     whole && s_.type == sdk::ParamType::Int
                                         ? fmt::format(" (write {:.0f} without the decimal point)",
                                                       *n.value<double>())
                                         : ""));
    return std::nullopt;
  }

  bool check_range(const toml::node& at, double v, const std::string& label) const {
    if (std::isinf(v) && !s_.infinite_allowed) {
      d_.error(at.source(),
               fmt::format("'{}' = {} for {} must be finite", label, node_text(at), owner_));
      return false;
    }
    if (in_range(s_, v)) return true;
    if (std::isnan(v))
      d_.error(at.source(), fmt::format("'{}' for {} is not a number (nan)", label, owner_));
    else
      d_.error(at.source(), fmt::format("'{}' = {} for {} must be {}", label, node_text(at), owner_,
                                        bound_text(s_)));
    return false;
  }

  std::optional<sdk::ParamValue> scalar(const toml::node& n) const {
    const bool ints = s_.type == sdk::ParamType::Int;
    const auto v = number(n, ints);
    if (!v) return wrong_type(n);
    if (!check_range(n, *v, s_.name)) return std::nullopt;
    if (ints) return sdk::ParamValue{*n.value<std::int64_t>()};
    return sdk::ParamValue{*v};
  }

  std::optional<sdk::ParamValue> text(const toml::node& n) const {
    if (!n.is_string()) return wrong_type(n);
    std::string v = *n.value<std::string>();
    if (!s_.choices.empty() &&
        std::find(s_.choices.begin(), s_.choices.end(), v) == s_.choices.end()) {
      std::string list;
      for (const auto& c : s_.choices) list += (list.empty() ? "\"" : ", \"") + c + "\"";
      d_.error(n.source(), fmt::format("'{}' = \"{}\" for {} must be one of {}{}", s_.name, v,
                                       owner_, list, did_you_mean(v, s_.choices, "\"")));
      return std::nullopt;
    }
    return sdk::ParamValue{std::move(v)};
  }

  std::optional<sdk::ParamValue> list(const toml::node& n) const {
    const bool ints = s_.type == sdk::ParamType::IntList;
    const toml::array* arr = n.as_array();
    if (!arr) return wrong_type(n);
    std::vector<double> reals;
    std::vector<std::int64_t> integers;
    bool ok = true;
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const toml::node& el = *arr->get(i);
      const auto v = number(el, ints);
      if (!v) {
        d_.error(el.source(), fmt::format("'{}'[{}] for {} must be {}, got {}", s_.name, i, owner_,
                                          ints ? "an integer" : "a number", node_text(el)));
        ok = false;
        continue;
      }
      ok = check_range(el, *v, fmt::format("{}[{}]", s_.name, i)) && ok;
      reals.push_back(*v);
      if (ints) integers.push_back(*el.value<std::int64_t>());
    }
    if (!ok) return std::nullopt;
    if (ints) return sdk::ParamValue{std::move(integers)};
    return sdk::ParamValue{std::move(reals)};
  }

  const sdk::ParamSpec& s_;
  const std::string& owner_;
  Diagnostics& d_;
};

}  // namespace

sdk::ParamSet validate_table(const toml::table& table, const std::string& section,
                             const sdk::ParamSchema& schema, const std::string& owner,
                             const std::set<std::string>& reserved, Diagnostics& d,
                             std::map<std::string, SourcePosition>& positions) {
  std::vector<std::string> known;
  for (const auto& s : schema) known.push_back(s.name);
  sdk::ParamSet out;
  for (auto&& [key, node] : table) {
    const std::string k(key.str());
    if (reserved.count(k)) continue;
    auto spec =
        std::find_if(schema.begin(), schema.end(), [&](const auto& s) { return s.name == k; });
    if (spec == schema.end()) {
      d.error(key.source(),
              fmt::format("unknown parameter '{}' for {}{}", k, owner, did_you_mean(k, known)));
      continue;
    }
    positions[section + "." + k] = d.where(node.source());
    if (auto v = Converter(*spec, owner, d)(node)) out.set(k, std::move(*v));
  }
  for (const auto& s : schema) {
    if (table.contains(s.name)) continue;
    if (s.default_value)
      out.set(s.name, *s.default_value);
    else
      d.error(table.source(),
              fmt::format("missing required parameter '{}' for {} ({})", s.name, owner, s.doc));
  }
  return out;
}

// Applies one "section.key=value" override to the parsed file. The argument is parsed as the
// TOML line it is (a dotted key), so errors point into the argument itself; a value that is not
// TOML (a bare word) is taken as a string.

}  // namespace neohebb::core
