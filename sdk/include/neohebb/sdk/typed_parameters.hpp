#pragma once
// Typed parameters: a struct whose fields are declared once, each with its name, doc, unit and
// range; its default is the struct's own default member value. From that one declaration come
// the ParamSchema the host validates files against (and documents), the struct read from a
// validated ParamSet, and the ParamSet of a struct's values. Choices are enums, never strings
// decoded by name:
//
//   enum class Baseline { Global, PerCondition };
//   constexpr std::array<const char*, 2> choice_names(Baseline) { return {"global",
//   "per_condition"}; }
//
//   struct RuleParams {
//     double eta = 0.1;
//     Baseline baseline = Baseline::PerCondition;
//     static auto fields() {
//       using F = sdk::Fields<RuleParams>;
//       return std::tuple{F::field(&RuleParams::eta, "eta", "learning rate").at_least(0),
//                         F::field(&RuleParams::baseline, "baseline", "reward baseline")};
//     }
//   };
//   sdk::schema_of<RuleParams>();  sdk::read_params<RuleParams>(set);  sdk::to_params(value);
//
// `choice_names(E)` is found by argument-dependent lookup, so it lives beside the enum; the
// names are in the order of the enumerators, which count up from zero.
#include <cstdint>
#include <limits>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "neohebb/sdk/errors.hpp"
#include "neohebb/sdk/parameters.hpp"

namespace neohebb::sdk {

template <class E>
constexpr bool is_choice_v = std::is_enum_v<E>;

// The name of an enumerator, from its enum's choice_names.
template <class E>
std::string choice_name(E value) {
  const auto names = choice_names(E{});
  const auto i = static_cast<std::size_t>(value);
  return i < names.size() ? names[i] : "?";
}

template <class E>
std::vector<std::string> choice_list() {
  std::vector<std::string> out;
  for (const char* n : choice_names(E{})) out.emplace_back(n);
  return out;
}

namespace detail {

// The spec of one field of type T, with the default `def`.
template <class T>
ParamSpec spec_of(std::string name, const T& def, std::string doc) {
  if constexpr (std::is_same_v<T, bool>) {
    return ParamSpec::boolean(std::move(name), def, std::move(doc));
  } else if constexpr (is_choice_v<T>) {
    return ParamSpec::text(std::move(name), choice_name(def), std::move(doc))
        .one_of(choice_list<T>());
  } else if constexpr (std::is_integral_v<T>) {
    return ParamSpec::integer(std::move(name), static_cast<std::int64_t>(def), std::move(doc));
  } else if constexpr (std::is_floating_point_v<T>) {
    return ParamSpec::real(std::move(name), def, std::move(doc));
  } else if constexpr (std::is_same_v<T, std::string>) {
    return ParamSpec::text(std::move(name), def, std::move(doc));
  } else if constexpr (std::is_same_v<T, std::vector<double>>) {
    return ParamSpec::reals(std::move(name), def, std::move(doc));
  } else {
    static_assert(std::is_integral_v<typename T::value_type>, "unsupported parameter type");
    return ParamSpec::integers(std::move(name), {def.begin(), def.end()}, std::move(doc));
  }
}

template <class T>
T value_of(const ParamSet& p, const std::string& name) {
  if constexpr (std::is_same_v<T, bool>) {
    return p.flag(name);
  } else if constexpr (is_choice_v<T>) {
    const std::string& text = p.text(name);
    const auto names = choice_names(T{});
    for (std::size_t i = 0; i < names.size(); ++i)
      if (text == names[i]) return static_cast<T>(i);
    throw ParameterError(name, "'" + text + "' is not one of the choices of '" + name + "'");
  } else if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(p.integer(name));
  } else if constexpr (std::is_floating_point_v<T>) {
    return p.real(name);
  } else if constexpr (std::is_same_v<T, std::string>) {
    return p.text(name);
  } else if constexpr (std::is_same_v<T, std::vector<double>>) {
    return p.reals(name);
  } else {
    const auto& v = p.integers(name);
    return T(v.begin(), v.end());
  }
}

template <class T>
ParamValue param_value(const T& v) {
  if constexpr (is_choice_v<T>)
    return ParamValue{choice_name(v)};
  else if constexpr (std::is_same_v<T, bool> || std::is_floating_point_v<T> ||
                     std::is_same_v<T, std::string> || std::is_same_v<T, std::vector<double>>)
    return ParamValue{v};
  else if constexpr (std::is_integral_v<T>)
    return ParamValue{static_cast<std::int64_t>(v)};
  else
    return ParamValue{std::vector<std::int64_t>(v.begin(), v.end())};
}

}  // namespace detail

// One declared field of `Owner`: which member, and its spec (refined like a ParamSpec).
template <class Owner, class T>
class Field {
 public:
  Field(T Owner::*member, ParamSpec spec) : member_(member), spec_(std::move(spec)) {}

  Field&& with_unit(std::string u) && {
    std::move(spec_).with_unit(std::move(u));  // refines spec_ in place
    return std::move(*this);
  }
  Field&& at_least(double v) && {
    std::move(spec_).at_least(v);  // refines spec_ in place
    return std::move(*this);
  }
  Field&& above(double v) && {
    std::move(spec_).above(v);  // refines spec_ in place
    return std::move(*this);
  }
  Field&& at_most(double v) && {
    std::move(spec_).at_most(v);  // refines spec_ in place
    return std::move(*this);
  }
  Field&& below(double v) && {
    std::move(spec_).below(v);  // refines spec_ in place
    return std::move(*this);
  }

  Field&& or_infinite() && {
    std::move(spec_).or_infinite();  // refines spec_ in place
    return std::move(*this);
  }

  const ParamSpec& spec() const { return spec_; }
  void read(const ParamSet& p, Owner& out) const {
    out.*member_ = detail::value_of<T>(p, spec_.name);
  }
  void write(const Owner& in, ParamSet& p) const {
    p.set(spec_.name, detail::param_value(in.*member_));
  }

 private:
  T Owner::*member_;
  ParamSpec spec_;
};

namespace detail {
// An integer field narrower than the file's 64-bit integers is bounded by its type (a value
// outside would wrap around when read); a declared range narrows these bounds.
template <class T>
struct element {
  using type = T;
};
template <class T>
struct element<std::vector<T>> {
  using type = T;
};
template <class T>
ParamSpec bounded_by_type(ParamSpec spec) {
  using E = typename element<T>::type;
  if constexpr (!std::is_same_v<E, bool> && sizeof(E) < sizeof(std::int64_t)) {
    spec.min = static_cast<double>(std::numeric_limits<E>::min());
    spec.max = static_cast<double>(std::numeric_limits<E>::max());
  } else if constexpr (!std::is_same_v<E, bool>) {  // 64 bits: the file's own integers
    spec.min.reset();
    spec.max.reset();
  }
  return spec;
}
template <class T>
constexpr bool has_integers_v = std::is_integral_v<T> || requires {
  requires std::is_integral_v<typename T::value_type> && !std::is_same_v<T, std::string>;
};
}  // namespace detail

// Declares the fields of `Owner`; the default of each is that of a default-constructed Owner.
template <class Owner>
struct Fields {
  template <class T>
  static Field<Owner, T> field(T Owner::*member, std::string name, std::string doc) {
    ParamSpec spec = detail::spec_of(std::move(name), Owner{}.*member, std::move(doc));
    if constexpr (detail::has_integers_v<T>) spec = detail::bounded_by_type<T>(std::move(spec));
    return {member, std::move(spec)};
  }
};

template <class Owner>
ParamSchema schema_of() {
  ParamSchema out;
  std::apply([&](const auto&... f) { (out.push_back(f.spec()), ...); }, Owner::fields());
  return out;
}

// The struct of a ParamSet that holds every field (the host's validated values, defaults
// filled in).
template <class Owner>
Owner read_params(const ParamSet& p) {
  Owner out;
  std::apply([&](const auto&... f) { (f.read(p, out), ...); }, Owner::fields());
  return out;
}

template <class Owner>
ParamSet to_params(const Owner& value) {
  ParamSet out;
  std::apply([&](const auto&... f) { (f.write(value, out), ...); }, Owner::fields());
  return out;
}

}  // namespace neohebb::sdk
