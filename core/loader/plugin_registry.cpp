#include "core/loader/plugin_registry.hpp"

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <vector>  // before library_info et al.: Boost.DLL 1.74 with std::filesystem needs it

#include <fmt/format.h>
#include <boost/dll/shared_library.hpp>

#include "core/support/errors.hpp"

namespace neohebb::core {
namespace fs = std::filesystem;

namespace {

std::string describe(const sdk::BuildFingerprint& f) {
  const char* compiler = f.compiler_id == 1 ? "gcc" : f.compiler_id == 2 ? "clang" : "unknown";
  return fmt::format("{} {}, cxx11 ABI {}, Eigen {}, align {}, index {} bytes", compiler,
                     f.compiler_major, f.cxx11_string_abi, f.eigen_version, f.eigen_max_align_bytes,
                     f.eigen_index_size);
}

// Reads the plugin's fingerprint through its struct_size so that an older or newer record is
// never read past its end.
void check_fingerprint(const fs::path& file, const sdk::BuildFingerprint* theirs) {
  if (theirs == nullptr)
    throw PluginLoadError(file, "its 'neohebb_abi' entry point returned nothing");
  sdk::BuildFingerprint copy{};
  const std::size_t n = std::min<std::size_t>(theirs->struct_size, sizeof copy);
  if (n < offsetof(sdk::BuildFingerprint, abi_version) + sizeof(std::uint32_t))
    throw PluginLoadError(file, "its build fingerprint is truncated; rebuild the plugin");
  std::memcpy(&copy, theirs, n);
  const sdk::BuildFingerprint ours = sdk::this_build();
  if (copy.abi_version != ours.abi_version)
    throw PluginLoadError(
        file,
        fmt::format("built against neohebb SDK ABI version {}, but this host uses version {}; "
                    "rebuild the plugin against the installed SDK",
                    copy.abi_version, ours.abi_version));
  if (copy.struct_size != ours.struct_size || std::memcmp(&copy, &ours, sizeof ours) != 0)
    throw PluginLoadError(file,
                          fmt::format("toolchain mismatch (plugin: {}; host: {}); rebuild the "
                                      "plugin with the host's compiler and flags",
                                      describe(copy), describe(ours)));
}

void check_manifest(const fs::path& file, const sdk::Manifest& m) {
  if (m.plugin.empty()) throw PluginLoadError(file, "its manifest has no plugin name");
  for (const auto& c : m.components) {
    if (c.name.empty()) throw PluginLoadError(file, "a component in its manifest has no name");
    if (!c.create_real || (c.kind != sdk::Kind::Analysis && !c.create_complex))
      throw PluginLoadError(file, fmt::format("component '{}' has no factory", c.name));
  }
}

// The loader's own message for a file that is not a library at all is unhelpful ("Bad file
// descriptor" for a text file), so the ELF header is checked first.
void check_is_shared_library(const fs::path& file) {
  std::error_code ec;
  if (fs::is_directory(file, ec)) throw PluginLoadError(file, "is a directory, not a plugin file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw PluginLoadError(file, fmt::format("cannot be read ({})", std::strerror(errno)));
  char magic[4] = {};
  in.read(magic, sizeof magic);
  if (in.gcount() != sizeof magic || std::memcmp(magic,
                                                 "\x7f"
                                                 "ELF",
                                                 sizeof magic) != 0)
    throw PluginLoadError(file,
                          "is not a shared library (no ELF header); a plugin is a .so built "
                          "with neohebb_add_plugin");
}

}  // namespace

PluginRegistry::PluginRegistry() = default;
PluginRegistry::~PluginRegistry() = default;

void PluginRegistry::load(const fs::path& file_in) {
  std::error_code ec;
  const fs::path file = fs::weakly_canonical(file_in, ec);
  for (const auto& f : loaded_files_)
    if (f == file) return;
  if (!fs::exists(file)) throw PluginLoadError(file_in, "no such plugin file");
  check_is_shared_library(file);
  auto lib = std::make_shared<boost::dll::shared_library>();
  lib->load(file, ec, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  if (ec)
    throw PluginLoadError(file,
                          fmt::format("cannot be loaded as a shared library ({})", ec.message()));
  if (!lib->has("neohebb_abi"))
    throw PluginLoadError(file, "not a neohebb plugin: it exports no 'neohebb_abi' entry point");
  check_fingerprint(file, lib->get_alias<const sdk::BuildFingerprint*()>("neohebb_abi")());
  if (!lib->has("neohebb_manifest"))
    throw PluginLoadError(file,
                          "not a neohebb plugin: it exports no 'neohebb_manifest' entry point");
  const sdk::Manifest& manifest = lib->get_alias<const sdk::Manifest&()>("neohebb_manifest")();
  check_manifest(file, manifest);
  check_not_registered(file, manifest);
  loaded_files_.push_back(file);
  for (const auto& info : manifest.components)
    components_.try_emplace({info.kind, info.name},
                            LoadedComponent{&info, manifest.plugin, manifest.version, file, lib});
}

// Two libraries that register the same kind and name would make the experiment's meaning depend
// on the search order: the second one is refused, naming both.
void PluginRegistry::check_not_registered(const fs::path& file, const sdk::Manifest& m) const {
  for (const auto& info : m.components)
    if (const LoadedComponent* first = find(info.kind, info.name))
      throw DuplicateComponentError(
          file, fmt::format("registers {} '{}', which {} registers already; give one of the two "
                            "another name, or remove one from the plugin search path",
                            kind_name(info.kind), info.name, first->file.string()));
}

std::vector<PluginRegistry::Failure> PluginRegistry::load_path(const fs::path& path) {
  std::error_code ec;
  std::vector<fs::path> files;
  if (!fs::is_directory(path, ec)) {
    files.push_back(path);
  } else {
    for (const auto& entry : fs::directory_iterator(path, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("neohebb-", 0) == 0 && entry.path().extension() == ".so")
        files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());  // a deterministic order, whatever the file system's
  }
  std::vector<Failure> out;
  for (const auto& f : files)
    if (auto failure = try_load(f)) out.push_back(*failure);
  return out;
}

// Loads `file` unless it failed before (then its failure again: a file is tried once).
std::optional<PluginRegistry::Failure> PluginRegistry::try_load(const fs::path& file) {
  std::error_code ec;
  const fs::path key = fs::weakly_canonical(file, ec);
  for (const auto& f : failures_)
    if (f.canonical == key) return f;
  try {
    load(file);
    return std::nullopt;
  } catch (const PluginLoadError& e) {
    failures_.push_back(
        {file, e.what(), dynamic_cast<const DuplicateComponentError*>(&e) != nullptr, key});
    return failures_.back();
  }
}

const LoadedComponent* PluginRegistry::find(sdk::Kind kind, const std::string& name) const {
  auto it = components_.find({kind, name});
  return it == components_.end() ? nullptr : &it->second;
}

std::vector<std::string> PluginRegistry::names(sdk::Kind kind) const {
  std::vector<std::string> out;
  for (const auto& [key, c] : components_)
    if (key.first == kind) out.push_back(key.second);
  return out;
}

std::vector<const LoadedComponent*> PluginRegistry::components() const {
  std::vector<const LoadedComponent*> out;
  for (const auto& [key, c] : components_) out.push_back(&c);
  return out;
}

}  // namespace neohebb::core
