#pragma once
// What a plugin library exports: the build fingerprint and a manifest of its components, each
// with its parameter schema and factories for the real and the complex instantiation.
#include <string>
#include <type_traits>
#include <vector>

#include <boost/dll/alias.hpp>

#include "neohebb/sdk/analysis.hpp"
#include "neohebb/sdk/neuron_model.hpp"
#include "neohebb/sdk/parameters.hpp"
#include "neohebb/sdk/plasticity_rule.hpp"
#include "neohebb/sdk/task.hpp"
#include "neohebb/sdk/trace_polynomial.hpp"
#include "neohebb/sdk/version.hpp"

namespace neohebb::sdk {

enum class Kind { Task, NeuronModel, TracePolynomial, PlasticityRule, Analysis };

inline const char* kind_name(Kind k) {
  switch (k) {
    case Kind::Task:
      return "task";
    case Kind::NeuronModel:
      return "neuron";
    case Kind::TracePolynomial:
      return "trace";
    case Kind::PlasticityRule:
      return "rule";
    case Kind::Analysis:
      return "analysis";
  }
  return "?";
}

template <class S>
using Factory = Component<S>* (*)(const ParamSet&);

struct ComponentInfo {
  Kind kind;
  std::string name;
  std::string summary;
  ParamSchema params;
  Factory<Real> create_real = nullptr;
  Factory<Complex> create_complex = nullptr;  // null for analyses, which run on trained networks
};

struct Manifest {
  std::string plugin;
  std::string version;
  std::vector<ComponentInfo> components;
};

namespace detail {
template <template <class> class Impl, class S>
Component<S>* create(const ParamSet& p) {
  return new Impl<S>(p);
}
template <Kind K, class S>
struct interface_of;
template <class S>
struct interface_of<Kind::Task, S> {
  using type = Task<S>;
};
template <class S>
struct interface_of<Kind::NeuronModel, S> {
  using type = NeuronModel<S>;
};
template <class S>
struct interface_of<Kind::TracePolynomial, S> {
  using type = TracePolynomial<S>;
};
template <class S>
struct interface_of<Kind::PlasticityRule, S> {
  using type = PlasticityRule<S>;
};
}  // namespace detail

template <Kind K, class S>
using interface_t = typename detail::interface_of<K, S>::type;

// Declares a component whose numerics are one template `Impl<S>`, instantiated here for double
// and std::complex<double>. `Impl<S>` has a constructor from ParamSet and a static schema().
template <Kind K, template <class> class Impl>
ComponentInfo component(std::string name, std::string summary) {
  static_assert(std::is_base_of_v<interface_t<K, Real>, Impl<Real>>,
                "Impl<double> does not implement the interface of this kind");
  static_assert(std::is_base_of_v<interface_t<K, Complex>, Impl<Complex>>,
                "Impl<std::complex<double>> does not implement the interface of this kind");
  return ComponentInfo{K,
                       std::move(name),
                       std::move(summary),
                       Impl<Real>::schema(),
                       &detail::create<Impl, Real>,
                       &detail::create<Impl, Complex>};
}

template <class Impl>
ComponentInfo analysis(std::string name, std::string summary) {
  static_assert(std::is_base_of_v<Analysis, Impl>, "Impl does not derive from sdk::Analysis");
  return ComponentInfo{Kind::Analysis,
                       std::move(name),
                       std::move(summary),
                       Impl::schema(),
                       [](const ParamSet& p) -> Component<Real>* { return new Impl(p); },
                       nullptr};
}

}  // namespace neohebb::sdk

// Registers a plugin: exports `neohebb_abi` (the fingerprint, checked first) and
// `neohebb_manifest` under fixed names. Use once per library, at global scope:
//   NEOHEBB_PLUGIN("my_plugin", "1.0.0",
//                  neohebb::sdk::component<neohebb::sdk::Kind::Task, MyTask>("my_task", "..."))
#define NEOHEBB_PLUGIN(plugin_name, plugin_version, ...)                                 \
  namespace neohebb_plugin_entry {                                                       \
  const ::neohebb::sdk::BuildFingerprint* fingerprint() {                                \
    static const ::neohebb::sdk::BuildFingerprint f = ::neohebb::sdk::this_build();      \
    return &f;                                                                           \
  }                                                                                      \
  const ::neohebb::sdk::Manifest& manifest() {                                           \
    static const ::neohebb::sdk::Manifest m{plugin_name, plugin_version, {__VA_ARGS__}}; \
    return m;                                                                            \
  }                                                                                      \
  }                                                                                      \
  BOOST_DLL_ALIAS_SECTIONED(neohebb_plugin_entry::fingerprint, neohebb_abi, neohebb)     \
  BOOST_DLL_ALIAS_SECTIONED(neohebb_plugin_entry::manifest, neohebb_manifest, neohebb)
