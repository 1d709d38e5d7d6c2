#include "core/loader/plugin_search.hpp"

#include <cstdlib>
#include <string>
#include <vector>  // before runtime_symbol_info: Boost.DLL 1.74 with std::filesystem needs it

#include <fmt/format.h>
#include <boost/dll/runtime_symbol_info.hpp>

#include "core/support/errors.hpp"

namespace neohebb::core {
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> environment_paths() {
  std::vector<fs::path> out;
  const char* env = std::getenv("NEOHEBB_PLUGIN_PATH");
  if (!env) return out;
  const std::string s = env;
  for (std::size_t start = 0; start <= s.size();) {
    const std::size_t end = std::min(s.find(':', start), s.size());
    if (end > start) out.emplace_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::vector<fs::path> host_folder_candidates() {
  std::vector<fs::path> out;
  std::error_code ec;
  const fs::path exe_dir = boost::dll::program_location(ec).parent_path();
  if (!ec) {
    out.push_back(exe_dir / "plugins");                            // build tree
    out.push_back(exe_dir.parent_path() / "lib/neohebb/plugins");  // installed prefix
  }
#ifdef NEOHEBB_BUILD_PLUGIN_DIR
  out.emplace_back(NEOHEBB_BUILD_PLUGIN_DIR);
#endif
  return out;
}

// A missing entry of NEOHEBB_PLUGIN_PATH is skipped, as a shell skips one of PATH; one that is
// there but cannot be used would hide its plugins without a word, so it is an error.
void check_environment_entry(const fs::path& p) {
  const auto problem = plugin_path_problem(p);
  if (problem && *problem != kPathMissing)
    throw PluginLoadError(p, *problem + "; NEOHEBB_PLUGIN_PATH names it");
  std::error_code ec;
  if (problem || !fs::is_directory(p, ec)) return;
  const fs::directory_iterator listing(p, ec);
  if (ec)
    throw PluginLoadError(p, fmt::format("the plugin folder cannot be read ({}); "
                                         "NEOHEBB_PLUGIN_PATH names it",
                                         ec.message()));
}

}  // namespace

std::optional<std::string> plugin_path_problem(const fs::path& path) {
  std::error_code ec;
  const fs::file_status s = fs::status(path, ec);
  if (s.type() == fs::file_type::not_found) return std::string(kPathMissing);
  if (ec) return fmt::format("cannot be accessed ({})", ec.message());
  return std::nullopt;
}

std::vector<fs::path> default_plugin_paths() {
  std::vector<fs::path> out = environment_paths();
  std::error_code ec;
  for (const fs::path& p : host_folder_candidates())
    if (fs::is_directory(p, ec)) {
      out.push_back(p);
      break;
    }
  return out;
}

std::vector<PluginRegistry::Failure> load_default_plugins(PluginRegistry& registry) {
  for (const auto& p : environment_paths()) check_environment_entry(p);
  std::vector<PluginRegistry::Failure> out;
  for (const auto& p : default_plugin_paths())
    if (plugin_path_problem(p) != kPathMissing)
      for (auto& f : registry.load_path(p)) out.push_back(std::move(f));
  return out;
}

}  // namespace neohebb::core
