#pragma once
// An exclusive lock on a directory for as long as the object lives: a POSIX write lock on
// DIR/.lock, so that a second process that wants the directory is refused with a message naming
// the holder (the kernel says which process holds it). Locks are per process: one process takes
// each directory once. The kernel releases the lock when the process ends,
// however it ends. The lock file is removed when the lock is released (a killed process leaves
// it, and the next one reuses it); a process that locked a file removed meanwhile tries again.
#include <filesystem>

namespace neohebb::core {

inline constexpr const char* kLockFile = ".lock";

class DirectoryLock {
 public:
  // Throws RunError when another process holds the lock, or the lock file cannot be made (the
  // directory is gone, or not writable).
  explicit DirectoryLock(const std::filesystem::path& dir);
  ~DirectoryLock();
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;
  // The locked directory was renamed to `dir` (the lock goes with it; the path is for release).
  void moved_to(const std::filesystem::path& dir) { file_ = dir / kLockFile; }

 private:
  std::filesystem::path file_;
  int fd_ = -1;
  bool try_lock();  // false: the file was replaced while we locked it (try again)
  bool still_ours() const;
};

}  // namespace neohebb::core
