// libFuzzer target for the experiment loader: bytes become an experiment file (and, after a NUL
// byte, `--set` overrides, one per line), loaded with the real plugins, so that TOML parsing,
// overrides, the core sections, every plugin's parameter schema and constructor, and the checks
// across sections all see the input. Every input must either load or be refused with the loader's
// own errors (ConfigError, PluginLoadError); any other exception, crash, leak or undefined
// behaviour is a finding. A loaded experiment's resolved TOML must load again.
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "loader_fuzzing.hpp"

namespace {
using namespace neohebb::fuzzing;

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find('\n'), text.size());
    out.emplace_back(text.substr(0, end));
    text.remove_prefix(std::min(end + 1, text.size()));
  }
  return out;
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
  check_loads(file, overrides, false);
  return 0;
}
