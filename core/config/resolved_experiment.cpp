#include "core/config/resolved_experiment.hpp"

#include <cmath>
#include <type_traits>

#include <fmt/format.h>

namespace neohebb::core {

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

namespace {

// ", composed with its base files (a.toml, b.toml)", or nothing for a file without bases.
std::string based_on(const Experiment& e) {
  if (e.files.size() < 2) return "";
  std::string names;
  for (std::size_t i = 0; i + 1 < e.files.size(); ++i)
    names += (i ? ", " : "") + e.files[i].filename().string();
  return fmt::format(" composed with its base files ({}),", names);
}

// [meta] tasks as the run directory keeps them: each task's resolved experiment in tasks/.
std::string tasks_line(const Experiment& e) {
  std::string out = "tasks = [";
  for (std::size_t i = 0; i < e.task_labels.size(); ++i)
    out += (i ? ", " : "") + toml_literal(task_file(e.task_labels[i]));
  return out + "]\n";
}

}  // namespace

std::string task_file(const std::string& label) {
  return "tasks/" + label + ".toml";
}

std::string resolved_toml(const Experiment& e) {
  std::string out =
      fmt::format("# {}{} with every default filled in\n", e.file.filename().string(), based_on(e));
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
    if constexpr (std::is_same_v<Section, MetaSection>)
      if (!e.task_labels.empty() && e.meta.steps > 0) out += tasks_line(e);
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
