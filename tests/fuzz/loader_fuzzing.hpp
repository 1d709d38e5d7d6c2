#pragma once
// What the loader's fuzz targets share: one plugin registry for the session, a scratch folder,
// and the oracle: an input must load as `neohebb validate` loads it, or be refused with the
// loader's own errors (ConfigError, PluginLoadError); any other exception is a finding, and so is
// a resolved experiment that does not load again.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "core/config/experiment.hpp"
#include "core/config/resolved_experiment.hpp"
#include "core/engine/setup.hpp"
#include "core/loader/plugin_registry.hpp"
#include "core/meta/meta_learner.hpp"
#include "core/support/errors.hpp"

namespace neohebb::fuzzing {
namespace fs = std::filesystem;

// One registry for the whole session: the plugins are loaded once, as in the host.
inline core::PluginRegistry& registry() {
  static core::PluginRegistry r;
  return r;
}

void remove_scratch();

// A folder for this process's files, removed when it exits (a crash keeps it, with the input).
inline const fs::path& scratch() {
  static const fs::path* dir = [] {
    auto* d =
        new fs::path(fs::temp_directory_path() / ("neohebb-fuzz-" + std::to_string(::getpid())));
    fs::create_directories(*d);
    std::atexit(remove_scratch);  // never freed, so that it outlives the other statics
    return d;
  }();
  return *dir;
}

inline void remove_scratch() {
  std::error_code ec;
  fs::remove_all(scratch(), ec);
}

inline void write(const fs::path& file, std::string_view bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// Loads and validates as `neohebb validate` does; returns the resolved TOML.
inline std::string validate(const fs::path& file, const std::vector<std::string>& overrides) {
  const core::Experiment e = core::load_experiment(file, overrides, registry());
  const auto setup = core::make_setup<sdk::Real>(e);
  if (e.meta.steps > 0) core::validate_meta(e, setup, e.meta);
  return core::resolved_toml(e);
}

// The resolved TOML without its first line, a comment naming the file it was resolved from.
inline std::string_view body(std::string_view resolved) {
  const std::size_t end = resolved.find('\n');
  return end == std::string_view::npos ? std::string_view{} : resolved.substr(end + 1);
}

// The oracle. With `same_again`, the resolved experiment must also resolve to itself.
inline void check_loads(const fs::path& file, const std::vector<std::string>& overrides,
                        bool same_again) {
  std::string resolved;
  try {
    resolved = validate(file, overrides);
  } catch (const core::ConfigError&) {
    return;
  } catch (const core::PluginLoadError&) {
    return;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "unexpected %s from the loader: %s\n", typeid(e).name(), e.what());
    std::abort();
  }
  const fs::path again = scratch() / "resolved.toml";
  write(again, resolved);
  std::string second;
  try {
    second = validate(again, {});
  } catch (const std::exception& e) {
    std::fprintf(stderr, "the resolved experiment does not load again: %s\n%s\n", e.what(),
                 resolved.c_str());
    std::abort();
  }
  if (same_again && body(second) != body(resolved)) {
    std::fprintf(stderr, "the resolved experiment resolves to another one:\n%s\n---\n%s\n",
                 resolved.c_str(), second.c_str());
    std::abort();
  }
}

}  // namespace neohebb::fuzzing
