#pragma once
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace neohebb::core {

// A plugin file that cannot be used; the message names the file and says what to do.
class PluginLoadError : public std::runtime_error {
 public:
  PluginLoadError(std::filesystem::path file, const std::string& why)
      : std::runtime_error(file.string() + ": " + why), file_(std::move(file)) {}
  const std::filesystem::path& file() const { return file_; }

 private:
  std::filesystem::path file_;
};

// A plugin file that registers a component (kind and name) that another file registers already.
class DuplicateComponentError : public PluginLoadError {
 public:
  using PluginLoadError::PluginLoadError;
};

// Every problem found in an experiment, each formatted `file:line:col: message`.
class ConfigError : public std::runtime_error {
 public:
  explicit ConfigError(std::vector<std::string> messages)
      : std::runtime_error(join(messages)), messages_(std::move(messages)) {}
  const std::vector<std::string>& messages() const { return messages_; }

 private:
  static std::string join(const std::vector<std::string>& m) {
    std::string out;
    for (const auto& s : m) out += (out.empty() ? "" : "\n") + s;
    return out;
  }
  std::vector<std::string> messages_;
};

// A failure while a run is going (numerical fault, output directory, plugin error mid-run).
class RunError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A numerical fault of a lifetime (a quantity no longer finite) at trial `trial`: the one
// failure that [experiment] / [meta] on_divergence may skip instead of stopping the run.
class DivergenceError : public RunError {
 public:
  DivergenceError(long long trial, const std::string& what) : RunError(what), trial_(trial) {}
  long long trial() const { return trial_; }

 private:
  long long trial_;
};

// Running out of memory, in words: fewer threads help only when there are several.
inline std::string out_of_memory(int threads) {
  return threads > 1 ? "out of memory (try fewer --threads)"
                     : "out of memory (try a smaller network, or fewer trials or lifetimes)";
}

}  // namespace neohebb::core
