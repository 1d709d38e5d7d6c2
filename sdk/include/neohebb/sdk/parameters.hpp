#pragma once
// Parameter schema: every plugin declares its parameters as data (name, type, default or
// required, range, unit, one-line doc). The host validates experiment files against it, lists it
// in `neohebb plugins`, and generates the docs' parameter tables from it.
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "neohebb/sdk/errors.hpp"

namespace neohebb::sdk {

// (A scoped enumerator cannot be mistaken for the scalar type sdk::Real, but GCC's -Wshadow says
// it shadows it when scalar.hpp comes first.)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
enum class ParamType { Bool, Int, Real, String, RealList, IntList };
#pragma GCC diagnostic pop

using ParamValue = std::variant<bool, std::int64_t, double, std::string, std::vector<double>,
                                std::vector<std::int64_t>>;

inline const char* type_name(ParamType t) {
  switch (t) {
    case ParamType::Bool:
      return "bool";
    case ParamType::Int:
      return "integer";
    case ParamType::Real:
      return "real";
    case ParamType::String:
      return "string";
    case ParamType::RealList:
      return "list of reals";
    case ParamType::IntList:
      return "list of integers";
  }
  return "?";
}

// One declared parameter. Built with the named constructors below, which take the doc string as
// a mandatory argument, then refined with range/unit/choice modifiers.
struct ParamSpec {
  std::string name;
  ParamType type = ParamType::Real;
  std::string doc;
  std::optional<ParamValue> default_value;  // nullopt: the parameter is required
  std::string unit;
  std::optional<double> min, max;  // for lists: bounds on every element
  bool min_exclusive = false, max_exclusive = false;
  bool infinite_allowed = false;  // reals: inf and -inf are values (e.g. "no decay"), not mistakes
  std::vector<std::string> choices;  // for strings: the accepted values (empty: any)

  static ParamSpec boolean(std::string name, bool def, std::string doc) {
    return make(std::move(name), ParamType::Bool, std::move(doc), ParamValue{def});
  }
  // Integers are bounded by what a plugin holds in an int unless it widens the range with
  // at_least/at_most: a count of 2^32 + 1 must be refused, never cut to 1.
  static ParamSpec integer(std::string name, std::int64_t def, std::string doc) {
    return int_bounded(make(std::move(name), ParamType::Int, std::move(doc), ParamValue{def}));
  }
  static ParamSpec real(std::string name, double def, std::string doc) {
    return make(std::move(name), ParamType::Real, std::move(doc), ParamValue{def});
  }
  static ParamSpec text(std::string name, std::string def, std::string doc) {
    return make(std::move(name), ParamType::String, std::move(doc), ParamValue{std::move(def)});
  }
  static ParamSpec reals(std::string name, std::vector<double> def, std::string doc) {
    return make(std::move(name), ParamType::RealList, std::move(doc), ParamValue{std::move(def)});
  }
  static ParamSpec integers(std::string name, std::vector<std::int64_t> def, std::string doc) {
    return int_bounded(
        make(std::move(name), ParamType::IntList, std::move(doc), ParamValue{std::move(def)}));
  }
  static ParamSpec required(std::string name, ParamType type, std::string doc) {
    ParamSpec s = make(std::move(name), type, std::move(doc), std::nullopt);
    return type == ParamType::Int || type == ParamType::IntList ? int_bounded(std::move(s)) : s;
  }

  ParamSpec&& with_unit(std::string u) && {
    unit = std::move(u);
    return std::move(*this);
  }
  ParamSpec&& at_least(double v) && {
    min = v;
    min_exclusive = false;
    return std::move(*this);
  }
  ParamSpec&& above(double v) && {
    min = v;
    min_exclusive = true;
    return std::move(*this);
  }
  ParamSpec&& at_most(double v) && {
    max = v;
    max_exclusive = false;
    return std::move(*this);
  }
  ParamSpec&& below(double v) && {
    max = v;
    max_exclusive = true;
    return std::move(*this);
  }
  // Reals are finite unless declared otherwise here.
  ParamSpec&& or_infinite() && {
    infinite_allowed = true;
    return std::move(*this);
  }
  ParamSpec&& one_of(std::vector<std::string> c) && {
    choices = std::move(c);
    return std::move(*this);
  }

  bool required_value() const { return !default_value.has_value(); }

 private:
  static ParamSpec int_bounded(ParamSpec s) {
    s.min = double(std::numeric_limits<int>::min());
    s.max = double(std::numeric_limits<int>::max());
    return s;
  }
  static ParamSpec make(std::string name, ParamType type, std::string doc,
                        std::optional<ParamValue> def) {
    if (doc.empty()) throw Error("parameter '" + name + "' has no doc string");
    ParamSpec s;
    s.name = std::move(name);
    s.type = type;
    s.doc = std::move(doc);
    s.default_value = std::move(def);
    return s;
  }
};

using ParamSchema = std::vector<ParamSpec>;

// The validated values handed to a plugin: every declared parameter is present (defaults filled
// in by the host), with the declared type. Plugins never see TOML.
class ParamSet {
 public:
  ParamSet() = default;
  explicit ParamSet(std::map<std::string, ParamValue> values) : values_(std::move(values)) {}

  void set(const std::string& name, ParamValue v) { values_[name] = std::move(v); }
  bool contains(const std::string& name) const { return values_.count(name) != 0; }
  const std::map<std::string, ParamValue>& values() const { return values_; }

  bool flag(const std::string& n) const { return get<bool>(n); }
  std::int64_t integer(const std::string& n) const { return get<std::int64_t>(n); }
  double real(const std::string& n) const { return get<double>(n); }
  const std::string& text(const std::string& n) const { return get<std::string>(n); }
  const std::vector<double>& reals(const std::string& n) const {
    return get<std::vector<double>>(n);
  }
  const std::vector<std::int64_t>& integers(const std::string& n) const {
    return get<std::vector<std::int64_t>>(n);
  }

 private:
  template <class T>
  const T& get(const std::string& name) const {
    auto it = values_.find(name);
    if (it == values_.end()) throw ParameterError(name, "parameter '" + name + "' was not given");
    if (const T* v = std::get_if<T>(&it->second)) return *v;
    throw ParameterError(name, "parameter '" + name + "' has an unexpected type");
  }
  std::map<std::string, ParamValue> values_;
};

// Fills every default of `schema` into a ParamSet (for tests and for code that builds plugins
// without an experiment file); `overrides` win.
inline ParamSet defaults_of(const ParamSchema& schema, const ParamSet& overrides = {}) {
  ParamSet out = overrides;
  for (const auto& spec : schema)
    if (!out.contains(spec.name) && spec.default_value) out.set(spec.name, *spec.default_value);
  return out;
}

}  // namespace neohebb::sdk
