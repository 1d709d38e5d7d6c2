#pragma once
#include <filesystem>
#include <string>

namespace neohebb::core {

// How to run an experiment (what `neohebb run` takes beside the experiment file).
struct RunOptions {
  std::filesystem::path out;  // run directory; empty: default_run_directory(name)
  bool overwrite = false;     // replace an existing run directory once the new one is complete
  int threads = 0;            // 0: default_threads() (support/parallel.hpp)
  std::string command_line;   // recorded in run.json
  int stop_after = 0;  // meta-learning: stop (resumable) after this many meta-steps; 0 = never
};

}  // namespace neohebb::core
