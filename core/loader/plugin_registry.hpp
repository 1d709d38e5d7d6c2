#pragma once
// Finds plugin libraries, checks their build fingerprint before anything else, and keeps a
// registry of their components by (kind, name). Every object created from a component holds a
// reference to its library, so the library stays loaded while the object lives, even after the
// registry is gone.
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <neohebb/sdk/plugin.hpp>

namespace boost::dll {
class shared_library;
}

namespace neohebb::core {

class PluginLoadError;

struct LoadedComponent {
  const sdk::ComponentInfo* info = nullptr;
  std::string plugin;          // the library's declared plugin name
  std::string plugin_version;  // and version
  std::filesystem::path file;
  std::shared_ptr<boost::dll::shared_library> library;
};

class PluginRegistry {
 public:
  PluginRegistry();
  ~PluginRegistry();
  PluginRegistry(const PluginRegistry&) = delete;
  PluginRegistry& operator=(const PluginRegistry&) = delete;

  // Loads one plugin file; throws PluginLoadError naming the file and the reason, or
  // DuplicateComponentError (naming both files) if it registers a (kind, name) that another file
  // registered already.
  void load(const std::filesystem::path& file);
  struct Failure {
    std::filesystem::path file;
    std::string message;  // names the file and the reason
    bool duplicate;       // it registers what another file registers: always an error
    std::filesystem::path canonical;
  };
  // Loads every `neohebb-*.so` in a directory, or `path` itself if it is a file. Files that fail,
  // and a directory that cannot be listed, are returned (and remembered in failures()) rather
  // than thrown, so that one broken file does not hide others; a file that failed once is not
  // tried again.
  std::vector<Failure> load_path(const std::filesystem::path& path);

  const LoadedComponent* find(sdk::Kind kind, const std::string& name) const;
  std::vector<std::string> names(sdk::Kind kind) const;
  std::vector<const LoadedComponent*> components() const;
  // Every file that failed to load, once each.
  const std::vector<Failure>& failures() const { return failures_; }

 private:
  void check_not_registered(const std::filesystem::path& file, const sdk::Manifest& m) const;
  std::optional<Failure> try_load(const std::filesystem::path& file);
  Failure record(const std::filesystem::path& path, const PluginLoadError& e);
  static std::vector<Failure> failure_list(std::optional<Failure> f);
  std::map<std::pair<sdk::Kind, std::string>, LoadedComponent> components_;
  std::vector<std::filesystem::path> loaded_files_;
  std::vector<Failure> failures_;
};

// Creates a component instance of interface I (e.g. sdk::Task<double>). The returned pointer's
// deleter runs the plugin's destructor, then releases the library.
template <class I, class S>
std::shared_ptr<I> instantiate(const LoadedComponent& c, const sdk::ParamSet& params) {
  sdk::Component<S>* raw = nullptr;
  if constexpr (sdk::is_complex_v<S>)
    raw = c.info->create_complex(params);
  else
    raw = c.info->create_real(params);
  auto library = c.library;
  return std::shared_ptr<I>(static_cast<I*>(raw), [library](I* p) { delete p; });
}

}  // namespace neohebb::core
