#pragma once
// Files that rank 0 reads for every rank: a resumed run's experiment lies in its run directory,
// which only rank 0 may touch, so the other ranks load it from a private copy.
#include <filesystem>

namespace neohebb::core {

class SharedFiles {
 public:
  // `dir`'s experiment.toml and tasks/*.toml: on rank 0 (and with one rank) read where they are;
  // on the others copied from rank 0 into a temporary directory of their own, named like `dir`
  // (a `.partial` directory stays one; `dir` as RunPaths gives it, without a trailing slash).
  explicit SharedFiles(const std::filesystem::path& dir);
  ~SharedFiles();  // removes the copy
  SharedFiles(const SharedFiles&) = delete;
  SharedFiles& operator=(const SharedFiles&) = delete;
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_, copy_root_;
};

}  // namespace neohebb::core
