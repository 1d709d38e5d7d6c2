// libFuzzer target for the experiment loader: bytes become an experiment file (and, after a NUL
// byte, `--set` overrides, one per line), loaded with the real plugins, so that TOML parsing,
// overrides, the core sections, every plugin's parameter schema and constructor, and the checks
// across sections all see the input. Every input must either load or be refused with the loader's
// own errors (ConfigError, PluginLoadError); any other exception, crash, leak or undefined
// behaviour is a finding. A loaded experiment's resolved TOML must load again.
#include <unistd.h>

#include <algorithm>
#include <cstdint>
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

namespace {
namespace fs = std::filesystem;
using namespace neohebb;

// One registry for the whole session: the plugins are loaded once, as in the host.
core::PluginRegistry& registry() {
  static core::PluginRegistry r;
  return r;
}

void remove_scratch();

// A folder for this process's files, removed when it exits (a crash keeps it, with the input).
const fs::path& scratch() {
  static const fs::path* dir = [] {
    auto* d =
        new fs::path(fs::temp_directory_path() / ("neohebb-fuzz-" + std::to_string(::getpid())));
    fs::create_directories(*d);
    std::atexit(remove_scratch);  // never freed, so that it outlives the other statics
    return d;
  }();
  return *dir;
}

void remove_scratch() {
  std::error_code ec;
  fs::remove_all(scratch(), ec);
}

void write(const fs::path& file, std::string_view bytes) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    out.emplace_back(text.substr(0, end));
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return out;
}

// Loads and validates as `neohebb validate` does; returns the resolved TOML.
std::string validate(const fs::path& file, const std::vector<std::string>& overrides) {
  const core::Experiment e = core::load_experiment(file, overrides, registry());
  const auto setup = core::make_setup<sdk::Real>(e);
  if (e.meta.steps > 0) core::validate_meta(e, setup, e.meta);
  return core::resolved_toml(e);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = bytes.find('\0');
  const std::string_view toml = bytes.substr(0, nul);
  const std::vector<std::string> overrides = nul == std::string_view::npos
                                                 ? std::vector<std::string>{}
                                                 : split_lines(bytes.substr(nul + 1));
  const fs::path file = scratch() / "input.toml";
  write(file, toml);
  std::string resolved;
  try {
    resolved = validate(file, overrides);
  } catch (const core::ConfigError&) {
    return 0;
  } catch (const core::PluginLoadError&) {
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "unexpected %s from the loader: %s\n", typeid(e).name(), e.what());
    std::abort();
  }
  const fs::path again = scratch() / "resolved.toml";
  write(again, resolved);
  try {
    validate(again, {});
  } catch (const std::exception& e) {
    std::fprintf(stderr, "the resolved experiment does not load again: %s\n%s\n", e.what(),
                 resolved.c_str());
    std::abort();
  }
  return 0;
}
