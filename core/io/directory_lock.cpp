#include "core/io/directory_lock.hpp"

#include <fcntl.h>
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

// A write lock on the whole file. POSIX record locks (not flock) because the kernel reports who
// holds one: a pid written into the file could be stale (a killed holder) or not yet written.
struct flock whole_file(short type) {
  struct flock fl {};
  fl.l_type = type;
  fl.l_whence = SEEK_SET;
  return fl;
}

// The holder of the lock on `fd`'s file, or 0 when nobody holds it (any more).
pid_t holder_of(int fd) {
  struct flock fl = whole_file(F_WRLCK);
  if (::fcntl(fd, F_GETLK, &fl) != 0 || fl.l_type == F_UNLCK) return 0;
  return fl.l_pid;
}
}  // namespace

DirectoryLock::DirectoryLock(const std::filesystem::path& dir) : file_(dir / kLockFile) {
  for (int attempt = 0; attempt < kAttempts; ++attempt)
    if (try_lock()) return;
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
  struct flock fl = whole_file(F_WRLCK);
  if (::fcntl(fd_, F_SETLK, &fl) != 0) {
    const pid_t holder = holder_of(fd_);
    ::close(fd_);
    fd_ = -1;
    if (holder == 0) return false;  // released meanwhile: try again
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
