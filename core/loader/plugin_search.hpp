#pragma once
// Where the host looks for plugin libraries beyond an experiment's own [plugins] path:
// $NEOHEBB_PLUGIN_PATH (':'-separated folders or files, in order), then the host's own plugin
// folder, the first that exists of <exe dir>/plugins (a build tree), <exe dir>/../lib/neohebb/
// plugins (an installed prefix) and the build tree this host was built in. Only one host folder
// is searched, so that an installed host never also loads its build tree's copies.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/loader/plugin_registry.hpp"

namespace neohebb::core {

std::vector<std::filesystem::path> default_plugin_paths();

// Why `path` cannot be a plugin path: kPathMissing, or "cannot be accessed (<reason>)" (a loop of
// symbolic links, a folder on the way that may not be searched); nothing when it can.
inline constexpr const char* kPathMissing = "does not exist";
std::optional<std::string> plugin_path_problem(const std::filesystem::path& path);

// Loads every plugin under the default paths; returns what failed (also in registry.failures()).
// Throws PluginLoadError for an entry of NEOHEBB_PLUGIN_PATH that exists but cannot be used.
std::vector<PluginRegistry::Failure> load_default_plugins(PluginRegistry& registry);

}  // namespace neohebb::core
