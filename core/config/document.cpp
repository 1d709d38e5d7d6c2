#include "core/config/document.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>

#include <fmt/format.h>

#include "core/config/diagnostics.hpp"
#include "core/config/sweep_grid.hpp"
#include "core/config/validation.hpp"
#include "core/support/errors.hpp"

namespace neohebb::core {
namespace fs = std::filesystem;

namespace {

// Reads at most kMaxExperimentFileBytes + 1 bytes of `in` into `text`; false on a read error.
bool read_bounded(std::ifstream& in, std::string& text) {
  try {
    char buf[1 << 16];
    while (text.size() <= kMaxExperimentFileBytes) {
      in.read(buf, sizeof buf);
      text.append(buf, static_cast<std::size_t>(in.gcount()));
      if (!in) break;
    }
  } catch (const std::ios_base::failure&) {  // libstdc++ throws on a read error (EIO)
    return false;
  }
  return !in.bad();
}

// The whole file, read here rather than by the TOML parser: a file that cannot be read gets its
// own reason (not a parse error at 0:0), files that report no size (/proc, pipes) still load, and
// an endless one (/dev/zero) stops at the size limit.
std::string read_experiment_file(const fs::path& file) {
  std::error_code ec;
  if (fs::is_directory(file, ec))
    throw ConfigError({fmt::format("{}: is a directory, not an experiment file", file.string())});
  errno = 0;
  std::ifstream in(file, std::ios::binary);
  std::string text;
  if (!in.is_open() || !read_bounded(in, text)) {
    const int err = errno;
    throw ConfigError({fmt::format("{}: cannot be read ({})", file.string(),
                                   err ? std::strerror(err) : "unknown error")});
  }
  if (text.size() > kMaxExperimentFileBytes)
    throw ConfigError({fmt::format(
        "{}: is larger than {} MiB, the limit for an experiment file (is it an experiment?)",
        file.string(), kMaxExperimentFileBytes >> 20)});
  return text;
}

toml::table parse_file(const fs::path& file) {
  const std::string text = read_experiment_file(file);
  try {
    return toml::parse(text, file.string());
  } catch (const toml::parse_error& err) {
    throw ConfigError({parse_error_message(err, text, file.string())});
  }
}

// Applies one "section.key=value" override to the parsed file. The argument is parsed as the
// TOML line it is (a dotted key), so errors point into the argument itself; a value that is not
// TOML (a bare word) is taken as a string.
// A control character (a newline above all) would let one argument write several TOML lines.
void refuse_control_characters(const std::string& spec) {
  const auto bad = std::find_if(spec.begin(), spec.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7f;
  });
  if (bad != spec.end())
    throw ConfigError({fmt::format(
        "--set {}...:1:{}: control character 0x{:02x}: an override is one line, "
        "section.key=value",
        std::string(spec.begin(), bad), bad - spec.begin() + 1, static_cast<unsigned char>(*bad))});
}

// The one `section.key = value` that a parsed override holds; anything else is not an override.
// (The key keeps its position in the argument, for an unknown section's message.)
std::pair<toml::key, toml::table*> override_section(toml::table& parsed, const std::string& where) {
  toml::table* t = nullptr;
  if (parsed.size() == 1) t = parsed.begin()->second.as_table();
  if (!t || t->size() != 1)
    throw ConfigError({fmt::format("{}: expected section.key=value", where)});
  return {parsed.begin()->first, t};
}

void apply_override(toml::table& root, const std::string& spec) {
  refuse_control_characters(spec);
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
  const auto [section_key, values] = override_section(parsed, where);
  if (!root.contains(section_key.str())) root.insert(section_key, toml::table{});
  toml::table* t = root[section_key.str()].as_table();
  if (!t) throw ConfigError({fmt::format("{}: '{}' is not a section", where, section)});
  for (auto&& [k, node] : *values)
    node.visit([&, &k = k](auto&& n) { t->insert_or_assign(k, std::move(n)); });  // keeps source
}

struct BaseFile {
  fs::path path;              // as written, joined to the folder of the file that wrote it
  toml::source_region where;  // the entry in that file
};

// The `base` entries of a parsed file (a string or a list of strings), removed from it.
std::vector<BaseFile> take_bases(toml::table& t, const fs::path& file, Diagnostics& d) {
  std::vector<BaseFile> out;
  const toml::node* node = t.get("base");
  if (!node) return out;
  const auto add = [&](const toml::node& entry) {
    if (!entry.is_string())
      return d.error(entry.source(), fmt::format("base must name experiment files (a file or a "
                                                 "list of files), got {}",
                                                 node_text(entry)));
    const std::string written = *entry.value<std::string>();
    if (written.empty()) return d.error(entry.source(), "base names an empty file name");
    out.push_back({path_written_at(entry, written, file), entry.source()});
  };
  if (const toml::array* list = node->as_array())
    for (const toml::node& entry : *list) add(entry);
  else
    add(*node);
  t.erase("base");
  return out;
}

// Composes files with their bases, depth first. `chain_` holds the files being composed, to
// refuse a cycle, `done_` those composed already; `files_` collects every file read.
class Composer {
 public:
  explicit Composer(std::vector<fs::path>& files) : files_(files) {}

  // The bases of `file`, then its own table `own` on top.
  toml::table compose(const fs::path& file, toml::table own, const std::vector<BaseFile>& bases) {
    chain_.push_back(fs::weakly_canonical(file));
    done_.push_back(chain_.back());
    toml::table out;
    for (const BaseFile& base : bases) merge_into(out, compose_base(base));
    chain_.pop_back();
    merge_into(out, std::move(own));
    files_.push_back(file);
    return out;
  }

 private:
  toml::table compose_base(const BaseFile& base) {
    Diagnostics d(base.path);
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(base.path, ec);
    const auto status = fs::status(base.path, ec);
    if (std::find(chain_.begin(), chain_.end(), canonical) != chain_.end()) {
      std::string cycle;
      for (auto it = std::find(chain_.begin(), chain_.end(), canonical); it != chain_.end(); ++it)
        cycle += it->string() + " -> ";
      d.error(base.where, "base files form a cycle: " + cycle + canonical.string());
    } else if (chain_.size() >= kMaxDepth) {
      d.error(base.where, fmt::format("base files nest more than {} deep", kMaxDepth));
    } else if (status.type() == fs::file_type::not_found) {
      d.error(base.where, fmt::format("base file '{}' does not exist", base.path.string()));
    } else if (ec) {
      d.error(base.where,
              fmt::format("base file '{}' cannot be read ({})", base.path.string(), ec.message()));
    } else if (fs::is_directory(status)) {
      d.error(base.where, fmt::format("base file '{}' is a directory, not an experiment file",
                                      base.path.string()));
    }
    d.throw_if_any();
    // A file reached twice (a diamond) counts where it first came: composing it again would
    // undo what the files in between set.
    if (std::find(done_.begin(), done_.end(), canonical) != done_.end()) return {};
    toml::table own = parse_file(base.path);
    Diagnostics own_d(base.path);
    const std::vector<BaseFile> bases = take_bases(own, base.path, own_d);
    own_d.throw_if_any();
    return compose(base.path, std::move(own), bases);
  }

  static constexpr std::size_t kMaxDepth = 64;  // deeper is a mistake (or a generated cycle)
  std::vector<fs::path> chain_, done_;
  std::vector<fs::path>& files_;
};

// The values of one point of the sweep that `own` describes, each a layer; the [sweep] table
// leaves `own`.
// The axes of the file's own [sweep] table (which leaves `own`), then the --grid ones; an axis
// named twice is an error.
std::vector<SweepAxis> grid_of(toml::table& own, const ExperimentSource& source) {
  Diagnostics d(source.file);
  std::vector<SweepAxis> axes;
  if (toml::node* sweep = own.get("sweep")) axes = sweep_axes(*sweep, d);
  own.erase("sweep");
  d.throw_if_any();
  for (const auto& spec : source.grid) {
    SweepAxis axis = grid_axis(spec);
    for (const auto& a : axes)
      if (a.name == axis.name)
        throw ConfigError(
            {fmt::format("--grid {}: the grid has an axis '{}' already", spec, axis.name)});
    axes.push_back(std::move(axis));
  }
  return axes;
}

std::vector<toml::table> point_layers(toml::table& own, const ExperimentSource& source) {
  std::vector<SweepAxis> axes = grid_of(own, source);
  if (axes.size() != source.point.size())
    throw RunError(fmt::format("{}: a point of {} axes for a grid of {}", source.file.string(),
                               source.point.size(), axes.size()));
  std::vector<toml::table> layers;
  for (std::size_t a = 0; a < axes.size(); ++a)
    layers.push_back(std::move(axes[a].values.at(source.point[a]).layer));
  return layers;
}

// A task's name in columns and file names: a table's [experiment] name or task type, a file's
// stem, else its place in the list; characters other than letters, digits, '_', '-' and '.'
// become '_', and a name given before gets the entry's number (or the next free one).
std::string task_label(const TaskEntry& t, std::size_t k, const std::vector<TaskEntry>& before) {
  std::string label = t.file.stem().string();
  if (t.file.empty()) {
    const auto name = t.layer["experiment"]["name"].value<std::string>();
    const auto type = t.layer["task"]["type"].value<std::string>();
    label = name ? *name : type ? *type : fmt::format("task{}", k + 1);
  }
  for (char& c : label)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') c = '_';
  if (label.empty() || label.front() == '.') label.insert(0, "task");
  const auto taken = [&](const std::string& l) {
    return std::any_of(before.begin(), before.end(),
                       [&](const TaskEntry& b) { return b.label == l; });
  };
  std::string unique = label;
  for (std::size_t n = k + 1; taken(unique); ++n) unique = fmt::format("{}_{}", label, n);
  return unique;
}

// One [meta] tasks entry: a file, or a table that leaves the shared sections alone.
TaskEntry task_entry(toml::node& entry, const fs::path& fallback, Diagnostics& d) {
  TaskEntry t;
  t.where = entry.source();
  if (const auto written = entry.value<std::string>()) {
    if (written->empty()) d.error(entry.source(), "[meta] tasks names an empty file name");
    t.file = path_written_at(entry, *written, fallback);
  } else if (toml::table* table = entry.as_table()) {
    for (auto&& [key, value] : *table)
      for (const char* shared : kSharedTaskSections)
        if (key.str() == shared)
          d.error(key.source(), fmt::format("a task of [meta] tasks cannot set [{}]: every task "
                                            "learns the same rule with the same outer loop, so "
                                            "[trace], [rule] and [meta] are the experiment's",
                                            shared));
    t.layer = std::move(*table);
  } else {
    d.error(entry.source(), fmt::format("[meta] tasks entries are experiment files (strings) or "
                                        "tables merged over this experiment, got {}",
                                        node_text(entry)));
  }
  return t;
}

// [meta] tasks, checked and taken out of `root`.
std::vector<TaskEntry> take_tasks(toml::table& root, const fs::path& fallback) {
  toml::table* meta = root.get_as<toml::table>("meta");
  toml::node* node = meta ? meta->get("tasks") : nullptr;
  if (!node) return {};
  Diagnostics d(fallback);
  std::vector<TaskEntry> out;
  toml::array* list = node->as_array();
  if (!list || list->empty())
    d.error(node->source(), fmt::format("[meta] tasks must list the tasks a meta-batch spans, "
                                        "each an experiment file or a table merged over this "
                                        "experiment (e.g. [\"go_nogo.toml\", {{ task = {{ type = "
                                        "\"dnms\" }} }}]), got {}",
                                        node_text(*node)));
  else
    for (std::size_t k = 0; k < list->size(); ++k) {
      out.push_back(task_entry(*list->get(k), fallback, d));
      out.back().label = task_label(out.back(), k, {out.begin(), out.end() - 1});
    }
  meta->erase("tasks");
  d.throw_if_any();
  return out;
}

// Makes `doc` the experiment of task `k` (document.hpp, TaskEntry).
void become_task(ExperimentDocument& doc, std::size_t k, const ExperimentSource& source) {
  TaskEntry& t = doc.tasks.at(k);
  if (t.file.empty()) {
    merge_into(doc.root, std::move(t.layer));
  } else {
    ExperimentDocument task = read_experiment(ExperimentSource{t.file, {}, {}, {}, {}});
    if (!task.tasks.empty()) {
      Diagnostics d(source.file);
      d.error(t.where, fmt::format("task '{}' ({}) lists [meta] tasks of its own; a task of a "
                                   "multi-task experiment is one task",
                                   t.label, t.file.string()));
      d.throw_if_any();
    }
    for (const char* shared : kSharedTaskSections) {
      task.root.erase(shared);
      if (toml::node* n = doc.root.get(shared))
        n->visit([&](auto&& v) { task.root.insert(shared, std::move(v)); });
    }
    doc.root = std::move(task.root);
    doc.files = std::move(task.files);
    doc.file = t.file;
  }
  for (const auto& o : source.overrides) apply_override(doc.root, o);  // they win over the task
}

}  // namespace

fs::path path_written_at(const toml::node& value, const std::string& text,
                         const fs::path& fallback) {
  fs::path p(text);
  if (p.is_absolute()) return p;
  const auto& written_in = value.source().path;
  std::error_code ec;
  const fs::path origin =
      written_in && fs::is_regular_file(*written_in, ec) ? fs::path(*written_in) : fallback;
  return (origin.parent_path() / p).lexically_normal();
}

namespace {
// A plugin section that names another `type` than the one below: the parameters below belong to
// that other component, so the section replaces the one below instead of merging with it.
bool changes_type(const toml::table& below, const toml::table& top) {
  const toml::node* a = below.get("type");
  const toml::node* b = top.get("type");
  return a && b && a->value<std::string>() != b->value<std::string>();
}
}  // namespace

void merge_into(toml::table& bottom, toml::table&& top) {
  for (auto&& [key, node] : top) {
    toml::table* below = bottom.get_as<toml::table>(key.str());
    if (below && node.is_table() && !changes_type(*below, *node.as_table())) {
      merge_into(*below, std::move(*node.as_table()));
      continue;
    }
    // Erased first: insert_or_assign would keep the key below, and with it the position of the
    // file below, where an unknown key would then be reported.
    bottom.erase(key.str());
    node.visit([&, &k = key](auto&& n) { bottom.insert(k, std::move(n)); });
  }
}

bool describes_sweep(const ExperimentSource& source) {
  return !source.grid.empty() || parse_file(source.file).contains("sweep");
}

void refuse_sweep_file(const fs::path& file) {
  const toml::table own = parse_file(file);
  if (const toml::node* sweep = own.get("sweep")) {
    Diagnostics d(file);
    d.error(sweep->source(), fmt::format("this file describes a sweep ([sweep]); run it with "
                                         "`neohebb sweep {}`",
                                         file.string()));
    d.throw_if_any();
  }
}

std::vector<SweepAxis> sweep_grid(const ExperimentSource& source) {
  toml::table own = parse_file(source.file);
  return grid_of(own, source);
}

ExperimentDocument read_experiment(const ExperimentSource& source) {
  ExperimentDocument doc;
  doc.file = source.file;
  toml::table own = parse_file(source.file);
  Diagnostics d(source.file);
  std::vector<BaseFile> bases = take_bases(own, source.file, d);
  std::vector<toml::table> layers;
  if (!source.point.empty()) layers = point_layers(own, source);
  for (toml::table& layer : layers)  // a point's `base` replaces the file's bases
    if (layer.contains("base")) bases = take_bases(layer, source.file, d);
  d.throw_if_any();
  Composer composer(doc.files);
  doc.root = composer.compose(source.file, std::move(own), bases);
  for (toml::table& layer : layers) merge_into(doc.root, std::move(layer));
  for (const auto& o : source.overrides) apply_override(doc.root, o);
  doc.tasks = take_tasks(doc.root, source.file);
  if (source.task) become_task(doc, *source.task, source);
  return doc;
}

}  // namespace neohebb::core
