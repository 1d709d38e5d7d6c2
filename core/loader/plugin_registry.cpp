#include "core/loader/plugin_registry.hpp"

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <vector>  // before library_info et al.: Boost.DLL 1.74 with std::filesystem needs it

#include <dlfcn.h>
#include <elf.h>
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

template <class T>
bool read_at(std::ifstream& in, std::uint64_t offset, T& out) {
  in.clear();  // a read past the end before must not fail this one
  in.seekg(static_cast<std::streamoff>(offset));
  in.read(reinterpret_cast<char*>(&out), sizeof out);
  return static_cast<bool>(in);
}

// A program is an ELF file too, and a position-independent one even has the type of a shared
// library; the dynamic loader refuses it (or runs its start-up code), so it is told apart here by
// the DF_1_PIE flag of its dynamic section, as the loader does.
bool is_program(std::ifstream& in, const Elf64_Ehdr& h) {
  if (h.e_type == ET_EXEC) return true;
  for (std::uint64_t i = 0; i < h.e_phnum; ++i) {
    Elf64_Phdr ph{};
    if (!read_at(in, h.e_phoff + i * h.e_phentsize, ph)) return false;
    if (ph.p_type != PT_DYNAMIC) continue;
    for (std::uint64_t o = 0; o + sizeof(Elf64_Dyn) <= ph.p_filesz; o += sizeof(Elf64_Dyn)) {
      Elf64_Dyn d{};
      if (!read_at(in, ph.p_offset + o, d) || d.d_tag == DT_NULL) return false;
      if (d.d_tag == DT_FLAGS_1) return (d.d_un.d_val & DF_1_PIE) != 0;
    }
  }
  return false;
}

// Where the file's last loaded segment ends: the loader maps a truncated file and the process
// dies of SIGBUS when it touches the missing part.
std::uint64_t loaded_end(std::ifstream& in, const Elf64_Ehdr& h) {
  std::uint64_t end = 0;
  for (std::uint64_t i = 0; i < h.e_phnum; ++i) {
    Elf64_Phdr ph{};
    if (!read_at(in, h.e_phoff + i * h.e_phentsize, ph)) return end;
    if (ph.p_type == PT_LOAD) end = std::max<std::uint64_t>(end, ph.p_offset + ph.p_filesz);
  }
  return end;
}

// The dynamic loader's messages about files that are no library say little ("Bad file
// descriptor" for a text file), so the ELF header is checked first.
void check_is_shared_library(const fs::path& file) {
  std::error_code ec;
  if (fs::is_directory(file, ec)) throw PluginLoadError(file, "is a directory, not a plugin file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw PluginLoadError(file, fmt::format("cannot be read ({})", std::strerror(errno)));
  Elf64_Ehdr h{};
  in.read(reinterpret_cast<char*>(&h), sizeof h);
  if (in.gcount() < SELFMAG || std::memcmp(h.e_ident, ELFMAG, SELFMAG) != 0)
    throw PluginLoadError(file,
                          "is not a shared library (no ELF header); a plugin is a .so built "
                          "with neohebb_add_plugin");
  // Another class or byte order: the loader's message names it.
  if (!in || h.e_ident[EI_CLASS] != ELFCLASS64 || h.e_ident[EI_DATA] != ELFDATA2LSB) return;
  if (is_program(in, h))
    throw PluginLoadError(file,
                          "is a program, not a shared library; a plugin is a .so built with "
                          "neohebb_add_plugin");
  if (const auto end = loaded_end(in, h), size = fs::file_size(file, ec); !ec && end > size)
    throw PluginLoadError(file, fmt::format("is truncated ({} bytes of the {} its segments "
                                            "need); build or copy it again",
                                            size, end));
}

// Boost.DLL turns the loader's refusal into an errno that says nothing ("Bad file descriptor");
// the loader is asked again for its own words.
std::string loader_refusal(const fs::path& file) {
  void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle) {
    ::dlclose(handle);
    return "the dynamic loader gave no reason";
  }
  const char* error = ::dlerror();
  std::string why = error ? error : "the dynamic loader gave no reason";
  const std::string named = file.string() + ": ";  // the message names the file already
  if (why.rfind(named, 0) == 0) why.erase(0, named.size());
  return why;
}

// Where `file` leads, or an error with the reason it cannot be reached: a missing file, a loop
// of symbolic links, a folder on the way that may not be searched.
fs::path reachable(const fs::path& file) {
  std::error_code ec;
  const fs::file_status s = fs::status(file, ec);
  if (s.type() == fs::file_type::not_found) throw PluginLoadError(file, "no such plugin file");
  if (ec) throw PluginLoadError(file, fmt::format("cannot be accessed ({})", ec.message()));
  const fs::path canonical = fs::canonical(file, ec);
  return ec ? fs::absolute(file).lexically_normal() : canonical;
}

// The name a file is known by: a file that cannot be resolved is still one file of its own.
fs::path identity(const fs::path& file) {
  std::error_code ec;
  const fs::path canonical = fs::weakly_canonical(file, ec);
  return ec ? fs::absolute(file, ec).lexically_normal() : canonical;
}

}  // namespace

PluginRegistry::PluginRegistry() = default;
PluginRegistry::~PluginRegistry() = default;

void PluginRegistry::load(const fs::path& file_in) {
  const fs::path file = reachable(file_in);
  for (const auto& f : loaded_files_)
    if (f == file) return;
  check_is_shared_library(file);
  std::error_code ec;
  auto lib = std::make_shared<boost::dll::shared_library>();
  lib->load(file, ec, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  if (ec)
    throw PluginLoadError(
        file, fmt::format("cannot be loaded as a shared library ({})", loader_refusal(file)));
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
  if (!fs::is_directory(path, ec)) return failure_list(try_load(path));
  std::vector<fs::path> files;
  // A folder that cannot be listed hides every plugin in it: that is a failure of its own.
  auto it = fs::directory_iterator(path, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("neohebb-", 0) == 0 && it->path().extension() == ".so")
      files.push_back(it->path());
  }
  if (ec) {
    const PluginLoadError unlistable(
        path, fmt::format("the plugin folder cannot be read ({})", ec.message()));
    return failure_list(record(path, unlistable));
  }
  std::sort(files.begin(), files.end());  // a deterministic order, whatever the file system's
  std::vector<Failure> out;
  for (const auto& f : files)
    if (auto failure = try_load(f)) out.push_back(*failure);
  return out;
}

std::vector<PluginRegistry::Failure> PluginRegistry::failure_list(std::optional<Failure> f) {
  return f ? std::vector<Failure>{*f} : std::vector<Failure>{};
}

// Loads `file` unless it failed before (then its failure again: a file is tried once).
std::optional<PluginRegistry::Failure> PluginRegistry::try_load(const fs::path& file) {
  const fs::path key = identity(file);
  for (const auto& f : failures_)
    if (f.canonical == key) return f;
  try {
    load(file);
    return std::nullopt;
  } catch (const PluginLoadError& e) {
    return record(file, e);
  }
}

PluginRegistry::Failure PluginRegistry::record(const fs::path& path, const PluginLoadError& e) {
  const fs::path key = identity(path);
  for (const auto& f : failures_)
    if (f.canonical == key) return f;
  failures_.push_back(
      {path, e.what(), dynamic_cast<const DuplicateComponentError*>(&e) != nullptr, key});
  return failures_.back();
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
