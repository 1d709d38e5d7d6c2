#include "core/config/experiment.hpp"

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "core/support/errors.hpp"
#include "core/support/suggest.hpp"

namespace neohebb::core {
namespace fs = std::filesystem;

std::string SourcePosition::str() const {
  return fmt::format("{}:{}:{}", file, line, column);
}

SourcePosition Experiment::position(const std::string& section, const std::string& key) const {
  if (auto it = positions.find(section + "." + key); !key.empty() && it != positions.end())
    return it->second;
  if (auto it = positions.find(section); it != positions.end()) return it->second;
  return {file.string(), 1, 1};
}

namespace {

// Collects every problem with its position; nothing is thrown until all sections are checked.
class Diagnostics {
 public:
  explicit Diagnostics(fs::path file) : file_(std::move(file)) {}
  SourcePosition where(const toml::source_region& r) const {
    const std::string file = r.path ? std::string(*r.path) : file_.string();
    if (r.begin.line == 0) return {file, 1, 1};  // a table created by --set has no position
    return {file, static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
  }
  void error(const toml::source_region& r, const std::string& msg) { error(where(r), msg); }
  void error(const SourcePosition& p, const std::string& msg) {
    messages_.push_back(p.str() + ": " + msg);
  }
  const std::vector<std::string>& messages() const { return messages_; }
  // The plugin files that failed to load explain every unknown plugin alike: say it once.
  bool first_unknown_plugin() {
    return !unknown_plugin_reported_ && (unknown_plugin_reported_ = true);
  }

 private:
  fs::path file_;
  bool unknown_plugin_reported_ = false;
  std::vector<std::string> messages_;
};

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

// Converts one TOML value to the declared type and checks its range and choices.
std::optional<sdk::ParamValue> convert(const toml::node& n, const sdk::ParamSpec& s,
                                       const std::string& owner, Diagnostics& d) {
  const auto wrong_type = [&] {
    const bool whole = n.is_floating_point() && std::isfinite(*n.value<double>()) &&
                       std::trunc(*n.value<double>()) == *n.value<double>();
    d.error(n.source(), fmt::format("'{}' for {} must be {}, got {}{}", s.name, owner,
                                    sdk::type_name(s.type), node_text(n),
                                    whole && s.type == sdk::ParamType::Int
                                        ? fmt::format(" (write {:.0f} without the decimal point)",
                                                      *n.value<double>())
                                        : ""));
    return std::nullopt;
  };
  const auto check_range = [&](const toml::node& at, double v, const std::string& label) {
    if (in_range(s, v)) return true;
    if (std::isnan(v)) {
      d.error(at.source(), fmt::format("'{}' for {} is not a number (nan)", label, owner));
      return false;
    }
    d.error(at.source(),
            fmt::format("'{}' = {} for {} must be {}", label, node_text(at), owner, bound_text(s)));
    return false;
  };
  switch (s.type) {
    case sdk::ParamType::Bool:
      if (!n.is_boolean()) return wrong_type();
      return sdk::ParamValue{*n.value<bool>()};
    case sdk::ParamType::Int:
    case sdk::ParamType::Real: {
      const bool ints = s.type == sdk::ParamType::Int;
      const auto v = number(n, ints);
      if (!v) return wrong_type();
      if (!check_range(n, *v, s.name)) return std::nullopt;
      if (ints) return sdk::ParamValue{*n.value<std::int64_t>()};
      return sdk::ParamValue{*v};
    }
    case sdk::ParamType::String: {
      if (!n.is_string()) return wrong_type();
      std::string v = *n.value<std::string>();
      if (!s.choices.empty() &&
          std::find(s.choices.begin(), s.choices.end(), v) == s.choices.end()) {
        std::string list;
        for (const auto& c : s.choices) list += (list.empty() ? "\"" : ", \"") + c + "\"";
        d.error(n.source(), fmt::format("'{}' = \"{}\" for {} must be one of {}{}", s.name, v,
                                        owner, list, did_you_mean(v, s.choices, "\"")));
        return std::nullopt;
      }
      return sdk::ParamValue{std::move(v)};
    }
    case sdk::ParamType::RealList:
    case sdk::ParamType::IntList: {
      const bool ints = s.type == sdk::ParamType::IntList;
      const toml::array* arr = n.as_array();
      if (!arr) return wrong_type();
      std::vector<double> reals;
      std::vector<std::int64_t> integers;
      bool ok = true;
      for (std::size_t i = 0; i < arr->size(); ++i) {
        const toml::node& el = *arr->get(i);
        const auto v = number(el, ints);
        if (!v) {
          d.error(el.source(), fmt::format("'{}'[{}] for {} must be {}, got {}", s.name, i, owner,
                                           ints ? "an integer" : "a number", node_text(el)));
          ok = false;
          continue;
        }
        ok = check_range(el, *v, fmt::format("{}[{}]", s.name, i)) && ok;
        reals.push_back(*v);
        if (ints) integers.push_back(*el.value<std::int64_t>());
      }
      if (!ok) return std::nullopt;
      if (ints) return sdk::ParamValue{std::move(integers)};
      return sdk::ParamValue{std::move(reals)};
    }
  }
  return std::nullopt;
}

// Validates one table against a schema: unknown keys (with a suggestion), types, ranges,
// choices, missing required values. Returns the values with defaults filled in.
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
    if (auto v = convert(node, *spec, owner, d)) out.set(k, std::move(*v));
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
void apply_override(toml::table& root, const std::string& spec) {
  const auto eq = spec.find('=');
  const auto dot = spec.find('.');
  const auto trim = [](std::string v) {
    const auto b = v.find_first_not_of(" \t"), e = v.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : v.substr(b, e - b + 1);
  };
  const std::string section = dot == std::string::npos ? "" : trim(spec.substr(0, dot));
  const std::string key = dot == std::string::npos || eq == std::string::npos || dot > eq
                              ? ""
                              : trim(spec.substr(dot + 1, eq - dot - 1));
  if (section.empty() || key.empty() || key.find('.') != std::string::npos)
    throw ConfigError({fmt::format("--set {}: expected section.key=value", spec)});
  const std::string where = "--set " + spec;
  toml::table parsed;
  try {
    parsed = toml::parse(std::string_view{spec}, std::string_view{where});
  } catch (const toml::parse_error&) {
    std::string quoted = spec.substr(0, eq) + "=\"";
    for (char c : trim(spec.substr(eq + 1))) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    try {
      parsed = toml::parse(std::string_view{quoted + "\""}, std::string_view{where});
    } catch (const toml::parse_error& err) {  // not even as a string: the key or a character
      throw ConfigError({fmt::format("{}:{}:{}: {}", where, err.source().begin.line,
                                     err.source().begin.column, err.description())});
    }
  }
  for (auto&& [section_key, section_node] : parsed) {
    if (!root.contains(section_key.str())) root.insert(section_key, toml::table{});
    toml::table* t = root[section_key.str()].as_table();
    if (!t) throw ConfigError({fmt::format("{}: '{}' is not a section", where, section)});
    for (auto&& [k, node] : *section_node.as_table())
      node.visit([&, &k = k](auto&& n) { t->insert_or_assign(k, std::move(n)); });
  }
}

std::vector<std::string> section_names() {
  std::vector<std::string> names = {"plugins", "analysis"};
  for (const auto& s : core_sections()) names.push_back(s.name);
  for (const auto& s : plugin_sections()) names.push_back(s.name);
  return names;
}

void load_plugin_paths(const toml::table& root, Experiment& e, PluginRegistry& registry,
                       Diagnostics& d) {
  const toml::node* node = root.get("plugins");
  if (!node) return;
  const toml::table* t = node->as_table();
  if (!t) return d.error(node->source(), "[plugins] must be a table");
  for (auto&& [key, value] : *t) {
    if (key.str() != "path") {
      d.error(key.source(), fmt::format("unknown parameter '{}' in [plugins]{}", key.str(),
                                        did_you_mean(std::string(key.str()), {"path"})));
      continue;
    }
    const toml::array* arr = value.as_array();
    if (!arr) {
      d.error(value.source(), "[plugins] path must be a list of strings");
      continue;
    }
    for (const toml::node& el : *arr) {
      if (!el.is_string()) {
        d.error(el.source(),
                fmt::format("[plugins] path entries must be strings, got {}", node_text(el)));
        continue;
      }
      fs::path p(*el.value<std::string>());
      if (p.empty()) {
        d.error(el.source(), "[plugins] path entry is empty; write \".\" for this file's folder");
        continue;
      }
      if (p.is_relative()) p = fs::absolute(e.file).parent_path() / p;
      std::error_code ec;
      if (!fs::exists(p, ec)) {
        d.error(el.source(), fmt::format("plugin path '{}' does not exist", p.string()));
        continue;
      }
      const std::size_t before = registry.failures().size();
      registry.load_path(p);
      for (std::size_t i = before; i < registry.failures().size(); ++i)
        d.error(el.source(), registry.failures()[i].second);
      e.plugin_paths.push_back(p);
    }
  }
}

std::string kind_plural(sdk::Kind k) {
  switch (k) {
    case sdk::Kind::Task:
      return "tasks";
    case sdk::Kind::NeuronModel:
      return "neuron models";
    case sdk::Kind::TracePolynomial:
      return "trace polynomials";
    case sdk::Kind::PlasticityRule:
      return "plasticity rules";
    case sdk::Kind::Analysis:
      return "analyses";
  }
  return "?";
}

std::string list_names(const std::vector<std::string>& names) {
  if (names.empty()) return "none are installed";
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

void validate_plugin_section(const toml::table& root, const PluginSection& ps, Experiment& e,
                             const PluginRegistry& registry, Diagnostics& d) {
  const toml::node* node = root.get(ps.name);
  const toml::table* t = node ? node->as_table() : nullptr;
  const auto available = registry.names(ps.kind);
  if (node && !t) return d.error(node->source(), fmt::format("[{}] must be a table", ps.name));
  std::string type = ps.default_type ? ps.default_type : "";
  toml::source_region type_at = t ? t->source() : toml::source_region{};
  if (t && t->contains("type")) {
    const toml::node& tn = *t->get("type");
    type_at = tn.source();
    if (!tn.is_string())
      return d.error(tn.source(),
                     fmt::format("[{}] type must be a string naming one of the {}: {}", ps.name,
                                 kind_plural(ps.kind), list_names(available)));
    type = *tn.value<std::string>();
  }
  if (type.empty()) {
    const SourcePosition at = t ? d.where(t->source()) : SourcePosition{e.file.string(), 1, 1};
    return d.error(at, fmt::format("{} [{}]; available {}: {}",
                                   t ? "add type = \"<name>\" to" : "missing section", ps.name,
                                   kind_plural(ps.kind), list_names(available)));
  }
  const LoadedComponent* c = registry.find(ps.kind, type);
  const SourcePosition at = t ? d.where(type_at) : SourcePosition{e.file.string(), 1, 1};
  e.positions[ps.name] = at;
  if (!c) {
    std::string failed;
    if (d.first_unknown_plugin())
      for (const auto& [file, why] : registry.failures()) failed += "\n  note: " + why;
    return d.error(at, fmt::format("unknown {} '{}'{}; available {}: {}{}", kind_name(ps.kind),
                                   type, did_you_mean(type, available), kind_plural(ps.kind),
                                   list_names(available), failed));
  }
  const std::string owner = fmt::format("{} '{}'", kind_name(ps.kind), type);
  const toml::table empty;
  PluginChoice choice{
      type,
      validate_table(t ? *t : empty, ps.name, c->info->params, owner, {"type"}, d, e.positions), c};
  e.plugins[ps.name] = std::move(choice);
}

// The typed values of a validated table; the defaults where the table had errors (which are
// reported, so the values are never used).
template <class Section>
Section typed_section(const sdk::ParamSet& values, const Diagnostics& d,
                      std::size_t errors_before = 0) {
  if (d.messages().size() > errors_before) return Section{};
  return sdk::read_params<Section>(values);
}

template <class Section>
void validate_core_section(const toml::table& root, Section& section, Experiment& e,
                           Diagnostics& d) {
  const std::string name = Section::kName;
  const toml::node* node = root.get(name);
  const toml::table empty;
  const toml::table* t = node && node->is_table() ? node->as_table() : &empty;
  if (node && node->is_table()) e.positions[name] = d.where(node->source());
  const std::size_t errors = d.messages().size();
  section = typed_section<Section>(
      validate_table(*t, name, sdk::schema_of<Section>(), "[" + name + "]", {}, d, e.positions), d,
      errors);
}

// [analysis]: `run` names installed analyses, each [analysis.<name>] subtable is validated
// against that analysis's declared parameters, the other keys against analysis_section().
void validate_analysis_section(const toml::table& root, Experiment& e,
                               const PluginRegistry& registry, Diagnostics& d) {
  const toml::node* node = root.get("analysis");
  const toml::table empty;
  const toml::table* t = node && node->is_table() ? node->as_table() : &empty;
  if (node && node->is_table()) e.positions["analysis"] = d.where(node->source());
  const auto available = registry.names(sdk::Kind::Analysis);
  std::set<std::string> reserved = {"run"};
  for (auto&& [key, value] : *t)
    if (value.is_table()) reserved.insert(std::string(key.str()));
  e.analysis.settings =
      typed_section<AnalysisSection>(validate_table(*t, "analysis", analysis_section().params,
                                                    "[analysis]", reserved, d, e.positions),
                                     d);
  const auto unknown = [&](const toml::source_region& at, const std::string& name) {
    d.error(at, fmt::format("unknown analysis '{}'{}; available analyses: {}", name,
                            did_you_mean(name, available), list_names(available)));
  };
  for (const auto& name : available) {
    AnalysisChoice& c = e.analysis.choices[name];
    c.component = registry.find(sdk::Kind::Analysis, name);
    c.params = sdk::defaults_of(c.component->info->params);
  }
  for (auto&& [key, value] : *t) {
    const std::string name(key.str());
    if (!value.is_table()) continue;
    auto it = e.analysis.choices.find(name);
    if (it == e.analysis.choices.end()) {
      unknown(key.source(), name);
      continue;
    }
    e.positions["analysis." + name] = d.where(key.source());
    it->second.params =
        validate_table(*value.as_table(), "analysis." + name, it->second.component->info->params,
                       fmt::format("analysis '{}'", name), {}, d, e.positions);
    it->second.written = true;
  }
  const toml::node* run = t->get("run");
  if (!run) return;
  e.positions["analysis.run"] = d.where(run->source());
  const toml::array* names = run->as_array();
  if (!names)
    return d.error(run->source(), fmt::format("[analysis] run must be a list of analysis names, "
                                              "got {}; available analyses: {}",
                                              node_text(*run), list_names(available)));
  for (const toml::node& el : *names) {
    if (!el.is_string()) {
      d.error(el.source(), fmt::format("[analysis] run entries must be strings naming analyses, "
                                       "got {}",
                                       node_text(el)));
      continue;
    }
    const std::string name = *el.value<std::string>();
    auto it = e.analysis.choices.find(name);
    if (it == e.analysis.choices.end()) {
      unknown(el.source(), name);
    } else if (std::find(e.analysis.run.begin(), e.analysis.run.end(), name) ==
               e.analysis.run.end()) {
      e.analysis.run.push_back(name);
      it->second.written = true;
    }
  }
}

}  // namespace

namespace {

// The whole file, read here rather than by the TOML parser: a file that cannot be read gets its
// own reason (not a parse error at 0:0), and files that report no size (/proc, pipes) still load.
std::string read_experiment_file(const fs::path& file) {
  std::error_code ec;
  if (fs::is_directory(file, ec))
    throw ConfigError({fmt::format("{}: is a directory, not an experiment file", file.string())});
  errno = 0;
  std::ifstream in(file, std::ios::binary);
  std::string text;
  bool failed = !in.is_open();
  try {
    if (!failed) text.assign(std::istreambuf_iterator<char>(in), {});
  } catch (const std::ios_base::failure&) {  // libstdc++ throws on a read error (EIO)
    failed = true;
  }
  if (failed || in.bad()) {
    const int err = errno;
    throw ConfigError({fmt::format("{}: cannot be read ({})", file.string(),
                                   err ? std::strerror(err) : "unknown error")});
  }
  return text;
}

}  // namespace

Experiment load_experiment(const fs::path& file, const std::vector<std::string>& overrides,
                           PluginRegistry& registry) {
  Experiment e;
  e.file = file;
  toml::table root;
  try {
    root = toml::parse(read_experiment_file(file), file.string());
  } catch (const toml::parse_error& err) {
    const auto& b = err.source().begin;
    const std::string path = err.source().path ? std::string(*err.source().path) : file.string();
    throw ConfigError({fmt::format("{}:{}:{}: {}", path, b.line, b.column, err.description())});
  }
  for (const auto& o : overrides) apply_override(root, o);

  Diagnostics d(file);
  const auto known = section_names();
  for (auto&& [key, node] : root) {
    const std::string k(key.str());
    if (std::find(known.begin(), known.end(), k) != known.end()) {
      // ([plugins] is checked where its paths are read.)
      if (!node.is_table() && k != "plugins")
        d.error(node.source(), fmt::format("[{}] must be a table", k));
      continue;
    }
    if (node.is_table())
      d.error(key.source(), fmt::format("unknown section [{}]{}; sections are: {}", k,
                                        did_you_mean(k, known, ""), list_names(known)));
    else
      d.error(key.source(),
              fmt::format("unknown top-level key '{}'; every setting belongs in a section", k));
  }
  load_plugin_paths(root, e, registry, d);
  registry.load_default_paths();

  e.for_each([&](auto& section) { validate_core_section(root, section, e, d); });
  if (e.experiment.name.empty()) e.experiment.name = file.stem().string();
  for (const auto& ps : plugin_sections()) validate_plugin_section(root, ps, e, registry, d);
  validate_analysis_section(root, e, registry, d);
  if (!d.messages().empty()) throw ConfigError(d.messages());
  return e;
}

std::string toml_literal(const sdk::ParamValue& v) {
  struct Visitor {
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double x) const {
      if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
      if (std::isnan(x)) return "nan";
      std::string s = fmt::format("{}", x);
      if (s.find_first_of(".eE") == std::string::npos) s += ".0";  // keep it a TOML float
      return s;
    }
    std::string operator()(const std::string& s) const {
      std::string out = "\"";
      for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
      }
      return out + "\"";
    }
    std::string operator()(const std::vector<double>& xs) const {
      std::string out = "[";
      for (std::size_t i = 0; i < xs.size(); ++i) out += (i ? ", " : "") + (*this)(xs[i]);
      return out + "]";
    }
    std::string operator()(const std::vector<std::int64_t>& xs) const {
      std::string out = "[";
      for (std::size_t i = 0; i < xs.size(); ++i) out += (i ? ", " : "") + std::to_string(xs[i]);
      return out + "]";
    }
  };
  return std::visit(Visitor{}, v);
}

std::string resolved_toml(const Experiment& e) {
  std::string out = fmt::format("# {} with every default filled in\n", e.file.filename().string());
  const auto write_params = [&](const sdk::ParamSchema& schema, const sdk::ParamSet& values) {
    for (const auto& s : schema)
      if (values.contains(s.name))
        out += fmt::format("{} = {}\n", s.name, toml_literal(values.values().at(s.name)));
  };
  if (!e.plugin_paths.empty()) {
    out += "\n[plugins]\npath = [";
    for (std::size_t i = 0; i < e.plugin_paths.size(); ++i)
      out += (i ? ", " : "") + toml_literal(e.plugin_paths[i].string());
    out += "]\n";
  }
  e.for_each([&](const auto& section) {
    using Section = std::decay_t<decltype(section)>;
    out += fmt::format("\n[{}]\n", Section::kName);
    write_params(sdk::schema_of<Section>(), sdk::to_params(section));
  });
  for (const auto& ps : plugin_sections()) {
    const PluginChoice& c = e.plugins.at(ps.name);
    out += fmt::format("\n[{}]\ntype = {}\n", ps.name, toml_literal(c.type));
    write_params(c.component->info->params, c.params);
  }
  out += "\n[analysis]\nrun = [";
  for (std::size_t i = 0; i < e.analysis.run.size(); ++i)
    out += (i ? ", " : "") + toml_literal(e.analysis.run[i]);
  out += "]\n";
  write_params(analysis_section().params, sdk::to_params(e.analysis.settings));
  for (const auto& [name, c] : e.analysis.choices) {
    if (!c.written) continue;
    out += fmt::format("\n[analysis.{}]\n", name);
    write_params(c.component->info->params, c.params);
  }
  return out;
}

}  // namespace neohebb::core
