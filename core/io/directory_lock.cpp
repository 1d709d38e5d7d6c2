#include "core/io/directory_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "core/support/errors.hpp"

namespace neohebb::core {

namespace {
constexpr int kAttempts = 100;  // each lost only to a holder that let go at that very moment

std::string holder_of(int fd) {
  char buf[32] = {};
  const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
  return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string("?");
}
}  // namespace

DirectoryLock::DirectoryLock(const std::filesystem::path& dir) : file_(dir / kLockFile) {
  for (int attempt = 0; attempt < kAttempts; ++attempt)
    if (try_lock()) {
      // Without the pid the lock still holds; only a refused process's message would lack it.
      const std::string pid = std::to_string(::getpid());
      [[maybe_unused]] const bool written =
          ::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, pid.data(), pid.size(), 0) > 0;
      return;
    }
  throw RunError(
      fmt::format("{}: its lock file keeps being replaced by another process", dir.string()));
}

// The file we locked is the one at the path (another process may have released and removed it
// between our open and our lock).
bool DirectoryLock::still_ours() const {
  struct stat here {
  }, locked{};
  return ::stat(file_.c_str(), &here) == 0 && ::fstat(fd_, &locked) == 0 &&
         here.st_ino == locked.st_ino && here.st_dev == locked.st_dev;
}

bool DirectoryLock::try_lock() {
  fd_ = ::open(file_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    throw RunError(
        fmt::format("{}: cannot create the lock file ({})", file_.string(), std::strerror(errno)));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const std::string holder = holder_of(fd_);
    ::close(fd_);
    fd_ = -1;
    throw RunError(
        fmt::format("{}: in use by another neohebb process (pid {}); wait for it to "
                    "finish or stop it",
                    file_.parent_path().string(), holder));
  }
  if (still_ours()) return true;
  ::close(fd_);
  fd_ = -1;
  return false;
}

DirectoryLock::~DirectoryLock() {
  if (fd_ < 0) return;
  // Removed while still held, and only if it is still ours (the directory may have moved on).
  if (still_ours()) ::unlink(file_.c_str());
  ::close(fd_);  // releases the lock
}

}  // namespace neohebb::core
