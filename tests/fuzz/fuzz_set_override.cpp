// libFuzzer target for `--set` overrides: the input is one `--set` argument (up to its first NUL
// byte, since a command-line argument cannot hold one) applied to a small valid experiment, and,
// when the input holds a NUL byte, also the two arguments on either side of it, in order. Each is
// loaded as `neohebb validate EXP --set ...` loads it: TOML, the overrides, the core sections,
// every plugin's schema and constructor, the checks across sections and the meta-learning checks.
// An override must apply or be refused with the loader's own errors (ConfigError,
// PluginLoadError); any other exception, a crash, a leak or undefined behaviour is a finding, and
// so is an experiment whose resolved TOML does not load again to the same resolved TOML.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
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
    auto* d = new fs::path(fs::temp_directory_path() /
                           ("neohebb-fuzz-set-" + std::to_string(::getpid())));
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

// The experiment the overrides apply to, written once: the command-line tests' tiny DNMS
// experiment with a short meta-learning section, so that the meta-learning checks run too.
const fs::path& experiment_file() {
  static const fs::path file = [] {
    std::ifstream in(NEOHEBB_TINY_DNMS, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "cannot read %s\n", NEOHEBB_TINY_DNMS);
      std::abort();
    }
    std::string text(std::istreambuf_iterator<char>(in), {});
    text += "\n[experiment]\ntrials = 20\n\n[meta]\nsteps = 2\nbatch = 2\n";
    const fs::path f = scratch() / "experiment.toml";
    write(f, text);
    return f;
  }();
  return file;
}

// Loads and validates as `neohebb validate` does; returns the resolved TOML.
std::string validate(const fs::path& file, const std::vector<std::string>& overrides) {
  const core::Experiment e = core::load_experiment(file, overrides, registry());
  const auto setup = core::make_setup<sdk::Real>(e);
  if (e.meta.steps > 0) core::validate_meta(e, setup, e.meta);
  return core::resolved_toml(e);
}

// The resolved TOML without its first line, a comment naming the file it was resolved from.
std::string_view body(std::string_view resolved) {
  const std::size_t end = resolved.find('\n');
  return end == std::string_view::npos ? std::string_view{} : resolved.substr(end + 1);
}

void check(const std::vector<std::string>& overrides) {
  std::string resolved;
  try {
    resolved = validate(experiment_file(), overrides);
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
  if (body(second) != body(resolved)) {
    std::fprintf(stderr, "the resolved experiment resolves to another one:\n%s\n---\n%s\n",
                 resolved.c_str(), second.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = bytes.find('\0');
  const std::string first(bytes.substr(0, nul));
  check({first});
  if (nul != std::string_view::npos) {
    const std::string_view rest = bytes.substr(nul + 1);
    check({first, std::string(rest.substr(0, rest.find('\0')))});
  }
  return 0;
}
