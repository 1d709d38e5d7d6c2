#pragma once
// A run directory that is never mistaken for a result before it is one: files are written
// atomically (temporary file + rename) into `<dir>.partial`, which becomes `<dir>` only when the
// run succeeds. An existing run is never replaced unless asked. The partial directory is locked
// (io/directory_lock.hpp) for as long as the object lives, so that a second process (another run
// with the same --out, or a second --resume) is refused instead of writing into it too.
#include <filesystem>
#include <memory>
#include <string>

#include "core/io/directory_lock.hpp"

namespace neohebb::core {

// A run directory and the partial directory it is assembled in (`<dir>.partial`), from either
// path (a trailing slash or `.partial` suffix is dropped).
struct RunPaths {
  std::filesystem::path run, partial;
  static RunPaths of(const std::filesystem::path& either);
};

class RunDirectory {
 public:
  // Throws RunError if `dir` exists and `overwrite` is false, if its partial directory exists
  // (another run in progress, or an interrupted one), or if it cannot be created.
  RunDirectory(std::filesystem::path dir, bool overwrite);
  // Reopens the partial directory of an interrupted run (`dir` or `dir.partial`) to resume it,
  // removing the temporary files of writes that a killed process left unfinished. Throws
  // RunError when there is none, or when another process holds it.
  static RunDirectory reopen(const std::filesystem::path& dir);
  ~RunDirectory();  // removes the partial directory of a run that did not commit
  RunDirectory(const RunDirectory&) = delete;
  RunDirectory& operator=(const RunDirectory&) = delete;
  RunDirectory(RunDirectory&& o) noexcept;

  void write(const std::string& relative, const std::string& bytes) const;
  void commit();  // the partial directory becomes the run directory
  void keep();    // leave the partial directory for a later --resume
  // Removes every file but experiment.toml: a plain run resumed starts again from its experiment.
  void clear_results() const;
  std::string read(const std::string& relative) const;
  bool has(const std::string& relative) const;
  const std::filesystem::path& partial_path() const { return partial_; }
  const std::filesystem::path& final_path() const { return dir_; }

 private:
  std::filesystem::path dir_, partial_;
  bool overwrite_, committed_ = false, kept_ = false;
  std::filesystem::path created_parent_;  // a parent folder this run created (removed if unused)
  std::unique_ptr<DirectoryLock> lock_;   // on partial_, and on dir_ after the commit
  RunDirectory() = default;
  void create_locked_partial();
};

// Writes `bytes` to `file` through a temporary file in the same directory and a rename.
void write_file_atomically(const std::filesystem::path& file, const std::string& bytes);

}  // namespace neohebb::core
