#include "core/config/sweep_grid.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include <fmt/format.h>

#include "core/config/resolved_experiment.hpp"
#include "core/config/validation.hpp"
#include "core/support/errors.hpp"
#include "core/support/suggest.hpp"

namespace neohebb::core {
namespace fs = std::filesystem;

namespace {

// A value as a column of sweep.csv shows it: strings without quotes, numbers as TOML writes them.
std::string label_of(const toml::node& n) {
  if (const auto s = n.value<std::string>(); s && n.is_string()) return *s;
  if (n.is_floating_point()) return toml_literal(sdk::ParamValue(*n.value<double>()));
  if (const toml::array* a = n.as_array()) {
    std::string out = "[";
    for (std::size_t i = 0; i < a->size(); ++i) out += (i ? ", " : "") + label_of(*a->get(i));
    return out + "]";
  }
  if (n.is_integer()) return std::to_string(*n.value<std::int64_t>());
  if (n.is_boolean()) return *n.value<bool>() ? "true" : "false";
  return node_text(n);  // a table or a date
}

// {a = {b = value}} for the key "a.b", the value moved in (keeping its position).
toml::table layer_at(const std::string& dotted_key, toml::node&& value) {
  std::vector<std::string> parts;
  for (std::size_t start = 0;;) {
    const std::size_t dot = dotted_key.find('.', start);
    parts.push_back(dotted_key.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  toml::table root;
  toml::table* t = &root;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i)
    t = t->insert_or_assign(parts[i], toml::table{}).first->second.as_table();
  std::move(value).visit([&](auto&& v) { t->insert_or_assign(parts.back(), std::move(v)); });
  return root;
}

struct PositionedAxis {
  toml::source_position at;
  SweepAxis axis;
};

bool written_before(const PositionedAxis& a, const PositionedAxis& b) {
  return a.at.line != b.at.line ? a.at.line < b.at.line : a.at.column < b.at.column;
}

// [sweep.grid]: every array is an axis, named by its key path ("rule.eta", or "base").
void grid_axes(toml::table& grid, const std::string& prefix, std::vector<PositionedAxis>& out,
               Diagnostics& d) {
  for (auto&& [key, node] : grid) {
    const std::string name = prefix + std::string(key.str());
    if (toml::table* nested = node.as_table()) {
      grid_axes(*nested, name + ".", out, d);
      continue;
    }
    toml::array* values = node.as_array();
    if (!values || values->empty()) {
      d.error(node.source(),
              fmt::format("[sweep.grid] {} must list the values of the axis (a non-empty array)",
                          name));
      continue;
    }
    if (name.find('.') == std::string::npos && name != "base") {
      d.error(key.source(), fmt::format("[sweep.grid] '{}' is not section.key or base", name));
      continue;
    }
    PositionedAxis a{key.source().begin, {name, {}}};
    for (toml::node& v : *values)
      a.axis.values.push_back({label_of(v), layer_at(name, std::move(v))});
    out.push_back(std::move(a));
  }
}

// [sweep.variants.<axis>]: every entry a named fragment of an experiment.
void variant_axes(toml::table& variants, std::vector<PositionedAxis>& out, Diagnostics& d) {
  for (auto&& [axis_key, axis_node] : variants) {
    const std::string axis(axis_key.str());
    toml::table* entries = axis_node.as_table();
    if (!entries || entries->empty()) {
      d.error(axis_node.source(),
              fmt::format("[sweep.variants.{}] must name its variants, each a table of settings "
                          "(name = {{ section = {{ key = value }} }})",
                          axis));
      continue;
    }
    std::vector<std::pair<toml::source_position, SweepValue>> values;
    for (auto&& [name, variant] : *entries) {
      toml::table* settings = variant.as_table();
      if (!settings) {
        d.error(variant.source(),
                fmt::format("variant '{}' of [sweep.variants.{}] must be a table of settings, "
                            "got {}",
                            name.str(), axis, node_text(variant)));
        continue;
      }
      // (Moved, never copied: a copied TOML node loses its position in the file.)
      values.emplace_back(name.source().begin,
                          SweepValue{std::string(name.str()), std::move(*settings)});
    }
    std::stable_sort(values.begin(), values.end(), [](const auto& a, const auto& b) {
      return a.first.line != b.first.line ? a.first.line < b.first.line
                                          : a.first.column < b.first.column;
    });
    PositionedAxis a{axis_key.source().begin, {axis, {}}};
    for (auto& v : values) a.axis.values.push_back(std::move(v.second));
    out.push_back(std::move(a));
  }
}

// One value of a --grid argument: its text and where it starts in the argument.
struct GridValue {
  std::string text;
  std::size_t offset;
};

// Splits "v1,v2,[1, 2],'a,b'" at the commas outside brackets, braces and quotes, each value
// trimmed; `start` is where `text` starts in the argument.
std::vector<GridValue> split_values(const std::string& text, std::size_t start,
                                    const std::string& where) {
  std::vector<GridValue> out;
  int depth = 0;
  char quote = 0;
  std::size_t begin = 0;
  const auto add = [&](std::size_t end) {
    const std::string raw = text.substr(begin, end - begin);
    const auto b = raw.find_first_not_of(" \t"), e = raw.find_last_not_of(" \t");
    if (b == std::string::npos)
      throw ConfigError({fmt::format("{}:1:{}: an empty value", where, start + begin + 1)});
    out.push_back({raw.substr(b, e - b + 1), start + begin + b});
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if ((c == ']' || c == '}') && --depth < 0) {
      throw ConfigError({fmt::format("{}:1:{}: '{}' closes no bracket", where, start + i + 1, c)});
    } else if (c == ',' && depth == 0) {
      add(i);
      begin = i + 1;
    }
  }
  if (quote || depth > 0)
    throw ConfigError({fmt::format("{}: unclosed {}", where, quote ? "quote" : "bracket")});
  add(text.size());
  return out;
}

std::string trimmed(const std::string& v) {
  const auto b = v.find_first_not_of(" \t"), e = v.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : v.substr(b, e - b + 1);
}

// Whether `key` is section.key (parts of letters, digits, '_' and '-') or base.
bool valid_axis_key(const std::string& key) {
  if (key == "base") return true;
  if (key.find('.') == std::string::npos) return false;
  std::size_t part = 0;
  for (char c : key) {
    if (c == '.') {
      if (part == 0) return false;
      part = 0;
    } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') {
      ++part;
    } else {
      return false;
    }
  }
  return part > 0;
}

// A value of a --grid argument parsed as TOML (a bare word: a string), laid out so that its
// position in messages is its column in the argument.
toml::node_view<toml::node> parse_value(const GridValue& v, const std::string& where,
                                        toml::table& holder) {
  const std::string indent = "v=" + std::string(v.offset >= 2 ? v.offset - 2 : 0, ' ');
  try {
    holder = toml::parse(indent + v.text, where);
  } catch (const toml::parse_error&) {
    std::string quoted = indent + "\"";
    for (char c : v.text) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    try {
      holder = toml::parse(quoted + "\"", where);
    } catch (const toml::parse_error& err) {
      throw ConfigError({fmt::format("{}:{}:{}: {}", where, err.source().begin.line,
                                     err.source().begin.column, err.description())});
    }
  }
  return holder["v"];
}

}  // namespace

std::vector<SweepAxis> sweep_axes(toml::node& sweep, Diagnostics& d) {
  std::vector<PositionedAxis> axes;
  toml::table* t = sweep.as_table();
  if (!t) {
    d.error(sweep.source(), "[sweep] must be a table");
    return {};
  }
  for (auto&& [key, node] : *t) {
    const std::string k(key.str());
    toml::table* section = node.as_table();
    if (k != "grid" && k != "variants") {
      d.error(key.source(), fmt::format("unknown key '{}' in [sweep]{}; it holds [sweep.grid] and "
                                        "[sweep.variants.<axis>]",
                                        k, did_you_mean(k, {"grid", "variants"})));
    } else if (!section) {
      d.error(node.source(), fmt::format("[sweep] {} must be a table", k));
    } else if (k == "grid") {
      grid_axes(*section, "", axes, d);
    } else {
      variant_axes(*section, axes, d);
    }
  }
  std::stable_sort(axes.begin(), axes.end(), written_before);
  std::vector<SweepAxis> out;
  for (auto& a : axes) out.push_back(std::move(a.axis));
  return out;
}

SweepAxis grid_axis(const std::string& spec) {
  const std::string where = "--grid " + spec;
  const auto eq = spec.find('=');
  const std::string key = eq == std::string::npos ? "" : trimmed(spec.substr(0, eq));
  if (!valid_axis_key(key))
    throw ConfigError(
        {fmt::format("{}: expected section.key=value1,value2,... or base=file1,...", where)});
  SweepAxis axis{key, {}};
  for (const GridValue& v : split_values(spec.substr(eq + 1), eq + 1, where)) {
    toml::table holder;
    toml::node& value = *parse_value(v, where, holder).node();
    if (key == "base" && value.is_string())  // a file named on the command line: from here
      value.as_string()->get() = fs::absolute(value.as_string()->get()).lexically_normal().string();
    axis.values.push_back(
        {key == "base" ? v.text : label_of(value), layer_at(key, std::move(value))});
  }
  return axis;
}

std::vector<std::vector<std::size_t>> grid_points(const std::vector<SweepAxis>& axes) {
  std::vector<std::vector<std::size_t>> points(1);
  for (const SweepAxis& axis : axes) {
    std::vector<std::vector<std::size_t>> next;
    for (const auto& p : points)
      for (std::size_t v = 0; v < axis.values.size(); ++v) {
        next.push_back(p);
        next.back().push_back(v);
      }
    points = std::move(next);
  }
  return points;
}

}  // namespace neohebb::core
