#include "core/config/experiment.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "core/config/diagnostics.hpp"
#include "core/config/document.hpp"
#include "core/config/sweep_grid.hpp"
#include "core/config/validation.hpp"
#include "core/loader/plugin_search.hpp"
#include "core/support/errors.hpp"
#include "core/support/suggest.hpp"

namespace neohebb::core {
namespace fs = std::filesystem;

SourcePosition Experiment::position(const std::string& section, const std::string& key) const {
  if (auto it = positions.find(section + "." + key); !key.empty() && it != positions.end())
    return it->second;
  if (auto it = positions.find(section); it != positions.end()) return it->second;
  return {file.string(), 1, 1};
}

namespace {

std::vector<std::string> section_names() {
  std::vector<std::string> names = {"plugins", "analysis", "sweep"};
  for (const auto& s : core_sections()) names.push_back(s.name);
  for (const auto& s : plugin_sections()) names.push_back(s.name);
  return names;
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

// Every top-level key must be a known section.
void check_sections(const toml::table& root, Diagnostics& d) {
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
}

// The [sweep] table of the file, which makes it a sweep (`neohebb run` refuses it); it must be
// the file's own, since a point replaces the file's base files. (`neohebb sweep` reads the grid
// itself, with the --grid axes: sweep_grid in document.hpp.)
void read_sweep(toml::table& root, const ExperimentSource& source, Experiment& e, Diagnostics& d) {
  if (toml::node* sweep = root.get("sweep")) {
    const auto& written_in = sweep->source().path;
    if (written_in && *written_in != source.file.string())
      d.error(sweep->source(), fmt::format("[sweep] belongs in the file given to `neohebb sweep` "
                                           "({}), not in one of its base files",
                                           source.file.string()));
    else
      sweep_axes(*sweep, d);  // checked here; `neohebb sweep` reads the grid itself
    e.sweep = true;
    e.positions["sweep"] = d.where(sweep->source());
  }
}

// A [plugins] path entry: where the experiment asks for plugins, and where it said so.
struct PluginPathEntry {
  fs::path path;
  toml::source_region where;
};

// The [plugins] path entries, each joined to the folder of the file that wrote it.
std::vector<PluginPathEntry> plugin_path_entries(const toml::table& root, const fs::path& file,
                                                 Diagnostics& d) {
  std::vector<PluginPathEntry> out;
  const toml::node* node = root.get("plugins");
  if (!node) return out;
  const toml::table* t = node->as_table();
  if (!t) {
    d.error(node->source(), "[plugins] must be a table");
    return out;
  }
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
      const std::string written = *el.value<std::string>();
      if (written.empty()) {
        d.error(el.source(), "[plugins] path entry is empty; write \".\" for this file's folder");
        continue;
      }
      out.push_back({fs::absolute(path_written_at(el, written, file)), el.source()});
    }
  }
  return out;
}

// Loads the experiment's plugin paths, then the default ones. A file that fails to load is an
// error at the entry that named it; one that registers what another registers is always one.
void discover_plugins(const std::vector<PluginPathEntry>& entries, Experiment& e,
                      PluginRegistry& registry, Diagnostics& d) {
  for (const PluginPathEntry& entry : entries) {
    if (const auto problem = plugin_path_problem(entry.path)) {
      d.error(entry.where, fmt::format("plugin path '{}' {}", entry.path.string(), *problem));
      continue;
    }
    for (const auto& failure : registry.load_path(entry.path))
      d.error(entry.where, failure.message);
    e.plugin_paths.push_back(entry.path);
  }
  for (const auto& failure : load_default_plugins(registry))
    if (failure.duplicate) d.error(SourcePosition{e.file.string(), 1, 1}, failure.message);
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
      for (const auto& f : registry.failures()) failed += "\n  note: " + f.message;
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

// The name becomes part of a path (runs/<name>-<date>-<time>): one folder name, no tricks.
constexpr std::size_t kMaxNameLength = 100;
bool name_character(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
}

// A value shown in a message: quoted, control characters as '?', at most 60 characters.
std::string shown_value(std::string v) {
  std::replace_if(
      v.begin(), v.end(), [](char c) { return std::iscntrl(static_cast<unsigned char>(c)); }, '?');
  return v.size() > 60 ? fmt::format("\"{}...\" ({} characters)", v.substr(0, 60), v.size())
                       : fmt::format("\"{}\"", v);
}

void check_name(const Experiment& e, Diagnostics& d) {
  const std::string& n = e.experiment.name;
  if (n.size() <= kMaxNameLength && n.front() != '.' &&
      std::all_of(n.begin(), n.end(), name_character))
    return;
  d.error(e.position("experiment", "name"),
          fmt::format("[experiment] name must be 1 to {} letters, digits, '_', '-' or '.' (not "
                      "starting with '.'): it names the run's folder; got {}",
                      kMaxNameLength, shown_value(n)));
}

// A file stem made into a name: other characters become '_'.
std::string safe_name(std::string stem) {
  std::replace_if(
      stem.begin(), stem.end(), [](char c) { return !name_character(c); }, '_');
  if (stem.size() > kMaxNameLength) stem.resize(kMaxNameLength);
  if (stem.empty() || stem.front() == '.') stem.insert(0, "run");
  return stem;
}

// The experiment of every task of [meta] tasks, each validated on its own; its errors are
// headed by the entry that named the task.
void load_tasks(const ExperimentSource& source, const std::vector<TaskEntry>& entries,
                PluginRegistry& registry, Experiment& e) {
  for (std::size_t k = 0; k < entries.size(); ++k) {
    ExperimentSource task_source = source;
    task_source.task = k;
    const SourcePosition where = Diagnostics(source.file).where(entries[k].where);
    if (k == 0) e.positions["meta.tasks"] = where;
    e.positions["meta.tasks." + entries[k].label] = where;
    try {
      e.tasks.push_back(load_experiment(task_source, registry));
    } catch (const ConfigError& err) {
      throw in_task(where, entries[k].label, err);
    }
    e.task_labels.push_back(entries[k].label);
  }
}

}  // namespace

ConfigError in_task(const SourcePosition& where, const std::string& label, const ConfigError& err) {
  std::vector<std::string> messages = {
      fmt::format("{}: in task '{}' of [meta] tasks:", where.str(), label)};
  messages.insert(messages.end(), err.messages().begin(), err.messages().end());
  return ConfigError(std::move(messages));
}

Experiment load_experiment(const ExperimentSource& source, PluginRegistry& registry) {
  ExperimentDocument doc = read_experiment(source);
  toml::table& root = doc.root;
  Experiment e;
  e.file = source.file;
  e.files = doc.files;
  Diagnostics d(source.file);
  check_sections(root, d);
  read_sweep(root, source, e, d);
  discover_plugins(plugin_path_entries(root, source.file, d), e, registry, d);
  e.for_each([&](auto& section) { validate_core_section(root, section, e, d); });
  if (e.experiment.name.empty())
    e.experiment.name = safe_name(source.file.stem().string());
  else
    check_name(e, d);
  for (const auto& ps : plugin_sections()) validate_plugin_section(root, ps, e, registry, d);
  validate_analysis_section(root, e, registry, d);
  d.throw_if_any();
  if (!source.task) load_tasks(source, doc.tasks, registry, e);
  return e;
}

Experiment load_experiment(const fs::path& file, const std::vector<std::string>& overrides,
                           PluginRegistry& registry) {
  return load_experiment(ExperimentSource{file, overrides, {}, {}, {}}, registry);
}

}  // namespace neohebb::core
