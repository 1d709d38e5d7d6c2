#pragma once
// An exclusive lock on a directory for as long as the object lives: `flock` on DIR/.lock, which
// also holds the holder's process id, so that a second process that wants the directory is
// refused with a message naming the holder. The kernel releases the lock when the process ends,
// however it ends.
#include <filesystem>

namespace neohebb::core {

class DirectoryLock {
 public:
  // Throws RunError when another process holds the lock, or the lock file cannot be made.
  explicit DirectoryLock(const std::filesystem::path& dir);
  ~DirectoryLock();
  DirectoryLock(const DirectoryLock&) = delete;
  DirectoryLock& operator=(const DirectoryLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace neohebb::core
