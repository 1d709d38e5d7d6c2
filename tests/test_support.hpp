#pragma once
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/config/experiment.hpp"
#include "core/loader/plugin_registry.hpp"
#include "core/support/errors.hpp"

namespace neohebb::test_support {

// A fresh directory per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("neohebb-test-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    const auto p = path_ / name;
    std::ofstream(p) << text;
    return p;
  }

 private:
  std::filesystem::path path_;
};

// A small, fast experiment every section of which is valid.
inline std::string small_experiment(const std::string& extra = "") {
  return R"([experiment]
seed = 3
lifetimes = 2
trials = 6

[network]
size = 12

[exploration]
probability = 0.01
amplitude = 1.0

[neuron]
type = "rate_tanh"
tau = 10.0

[trace]
type = "monomial"
degree = 2
coefficients = [0.0, 0.1, 0.0, 0.2, -0.5, 0.1, 0.0, 0.3, 0.0]

[rule]
type = "three_factor"
eta = 0.5

[task]
type = "dnms"
pre_stimulus = 0.0
stimulus1 = 5.0
delay1 = 5.0
stimulus2 = 5.0
delay2 = 5.0
response = 5.0
)" + extra;
}

// Loads an experiment from `source`; returns the ConfigError messages (empty when it is valid).
inline std::vector<std::string> config_errors(const core::ExperimentSource& source,
                                              core::PluginRegistry& registry) {
  try {
    core::load_experiment(source, registry);
  } catch (const core::ConfigError& e) {
    return e.messages();
  }
  return {};
}

// The same for the text of one file, with `overrides`.
inline std::vector<std::string> config_errors(const TempDir& dir, const std::string& toml,
                                              const std::vector<std::string>& overrides = {}) {
  core::PluginRegistry registry;
  return config_errors({dir.write("exp.toml", toml), overrides, {}, {}, {}}, registry);
}

}  // namespace neohebb::test_support
