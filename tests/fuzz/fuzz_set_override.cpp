// libFuzzer target for `--set` overrides: the input is one `--set` argument (up to its first NUL
// byte, since a command-line argument cannot hold one) applied to a small valid experiment, and,
// when the input holds a NUL byte, also the two arguments on either side of it, in order. Each is
// loaded as `neohebb validate EXP --set ...` loads it: TOML, the overrides, the core sections,
// every plugin's schema and constructor, the checks across sections and the meta-learning checks.
// An override must apply or be refused with the loader's own errors (ConfigError,
// PluginLoadError); any other exception, a crash, a leak or undefined behaviour is a finding, and
// so is an experiment whose resolved TOML does not load again to the same resolved TOML.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "loader_fuzzing.hpp"

namespace {
using namespace neohebb::fuzzing;

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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::size_t nul = bytes.find('\0');
  const std::string first(bytes.substr(0, nul));
  check_loads(experiment_file(), {first}, true);
  if (nul != std::string_view::npos) {
    const std::string_view rest = bytes.substr(nul + 1);
    check_loads(experiment_file(), {first, std::string(rest.substr(0, rest.find('\0')))}, true);
  }
  return 0;
}
