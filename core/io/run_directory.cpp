#include "core/io/run_directory.hpp"

#include <fcntl.h>
#include <stdio.h>  // renameat2
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include <fmt/format.h>

#include "core/support/errors.hpp"

namespace neohebb::core {
namespace fs = std::filesystem;

namespace {

constexpr const char* kTempMarker = ".tmp";  // NAME.tmpPID: a file being written
constexpr const char* kPartialSuffix = ".partial";

bool is_temporary_file(const fs::path& p) {
  const std::string name = p.filename().string();
  const std::size_t at = name.rfind(kTempMarker);
  if (at == std::string::npos || at + 4 == name.size()) return false;
  return std::all_of(name.begin() + static_cast<std::ptrdiff_t>(at + 4), name.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

// Writes all of `bytes` and flushes them to the disk, so that the rename that follows never
// publishes a file whose contents are still only in memory.
bool write_and_sync(const fs::path& file, const std::string& bytes) {
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  const bool ok = done == bytes.size() && ::fsync(fd) == 0;
  return ::close(fd) == 0 && ok;
}

// Why a write failed, in words for the failures a user can act on.
std::string write_failure(int err) {
  switch (err) {
    case ENOSPC:
      return "the disk is full";
    case EDQUOT:
      return "the disk quota is exceeded";
    case EFBIG:
      return "the file size limit, ulimit -f, is reached";
    default:
      return std::strerror(err);
  }
}

// A run killed while writing leaves NAME.tmpPID files; a resumed run must not carry them along.
void remove_temporary_files(const fs::path& dir) {
  std::error_code ec;
  std::vector<fs::path> stale;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file(ec) && is_temporary_file(it->path())) stale.push_back(it->path());
  for (const auto& p : stale) fs::remove(p, ec);
}

}  // namespace

void write_file_atomically(const fs::path& file, const std::string& bytes) {
  const fs::path tmp = file.string() + fmt::format("{}{}", kTempMarker, ::getpid());
  if (!write_and_sync(tmp, bytes)) {
    const int err = errno;
    std::error_code ec;
    fs::remove(tmp, ec);
    throw RunError(fmt::format("{}: cannot write ({})", file.string(), write_failure(err)));
  }
  std::error_code ec, ignored;
  fs::rename(tmp, file, ec);
  if (ec) {
    fs::remove(tmp, ignored);  // (its own error code: the rename's is the one to report)
    throw RunError(fmt::format("{}: cannot move the finished file into place ({})", file.string(),
                               ec.message()));
  }
}

RunPaths RunPaths::of(const fs::path& either) {
  std::string base = either.string();
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  const std::string suffix = kPartialSuffix;
  if (base.size() > suffix.size() &&
      base.compare(base.size() - suffix.size(), suffix.size(), suffix) == 0)
    base.resize(base.size() - suffix.size());
  return {base, base + suffix};
}

namespace {

// Why `partial` is in the way: a live run (its lock is held) or an interrupted one.
[[noreturn]] void refuse_partial_in_the_way(const fs::path& partial, const fs::path& dir) {
  { const DirectoryLock probe(partial); }  // throws, naming the holder, if a run is live there
  throw RunError(
      fmt::format("{}: an interrupted run is in the way; continue it with: neohebb run --resume {} "
                  "(or remove it to start again)",
                  partial.string(), dir.string()));
}

}  // namespace

RunDirectory::RunDirectory(fs::path dir, bool overwrite)
    : dir_(std::move(dir)), partial_(dir_.string() + kPartialSuffix), overwrite_(overwrite) {
  std::error_code ec;
  if (fs::exists(dir_, ec) && !overwrite_)
    throw RunError(
        fmt::format("{}: the run directory exists already; choose another --out or pass "
                    "--overwrite to replace it",
                    dir_.string()));
  if (fs::exists(dir_, ec) && !fs::exists(dir_ / "experiment.toml", ec))
    throw RunError(
        fmt::format("{}: exists and is not a neohebb run directory (no experiment.toml); "
                    "--overwrite only replaces runs",
                    dir_.string()));
  if (fs::exists(partial_, ec)) refuse_partial_in_the_way(partial_, dir_);
  const fs::path parent = fs::absolute(dir_, ec).parent_path();
  if (!fs::exists(parent, ec)) created_parent_ = parent;
  create_locked_partial();
}

// The partial directory is made and locked under a private name, then renamed into place only
// if nothing is there: a second process never sees it unlocked, and two never both create it.
void RunDirectory::create_locked_partial() {
  std::error_code ec;
  const fs::path staging = partial_.string() + fmt::format(".new{}", ::getpid());
  fs::create_directories(staging, ec);
  if (ec)
    throw RunError(
        fmt::format("{}: cannot create the run directory ({})", partial_.string(), ec.message()));
  try {
    lock_ = std::make_unique<DirectoryLock>(staging);
  } catch (...) {
    fs::remove_all(staging, ec);
    throw;
  }
  if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, partial_.c_str(), RENAME_NOREPLACE) != 0) {
    const int err = errno;
    lock_.reset();
    fs::remove_all(staging, ec);
    if (!created_parent_.empty() && fs::is_empty(created_parent_, ec))
      fs::remove(created_parent_, ec);
    if (err == EEXIST || err == ENOTEMPTY) refuse_partial_in_the_way(partial_, dir_);
    throw RunError(fmt::format("{}: cannot create the run directory ({})", partial_.string(),
                               std::strerror(err)));
  }
  lock_->moved_to(partial_);
}

RunDirectory::RunDirectory(RunDirectory&& o) noexcept
    : dir_(std::move(o.dir_)),
      partial_(std::move(o.partial_)),
      overwrite_(o.overwrite_),
      committed_(o.committed_),
      kept_(o.kept_),
      created_parent_(std::move(o.created_parent_)),
      lock_(std::move(o.lock_)) {
  o.kept_ = true;  // the moved-from object must not remove anything
}

RunDirectory RunDirectory::reopen(const fs::path& dir) {
  RunDirectory r;
  const RunPaths paths = RunPaths::of(dir);
  r.dir_ = paths.run;
  r.partial_ = paths.partial;
  r.overwrite_ = false;
  r.kept_ = true;  // an interrupted run stays resumable if this attempt fails too
  std::error_code ec;
  if (!fs::is_directory(r.partial_, ec)) {
    if (fs::exists(r.dir_, ec))
      throw RunError(
          fmt::format("{}: this run is complete; there is nothing to resume", r.dir_.string()));
    throw RunError(
        fmt::format("{}: no interrupted run here (no {})", dir.string(), r.partial_.string()));
  }
  try {
    r.lock_ = std::make_unique<DirectoryLock>(r.partial_);  // before anything in it is touched
  } catch (const RunError&) {
    if (!fs::exists(r.partial_, ec) && fs::exists(r.dir_, ec))
      throw RunError(
          fmt::format("{}: this run was completed by another process meanwhile", r.dir_.string()));
    throw;
  }
  remove_temporary_files(r.partial_);
  return r;
}

void RunDirectory::clear_results() const {
  std::error_code ec;
  std::vector<fs::path> results;
  for (const auto& entry : fs::directory_iterator(partial_, ec)) {
    const std::string name = entry.path().filename().string();
    if (name != "experiment.toml" && name != kLockFile) results.push_back(entry.path());
  }
  for (const auto& p : results) fs::remove_all(p, ec);
}

void RunDirectory::keep() {
  kept_ = true;
}

std::string RunDirectory::read(const std::string& relative) const {
  std::ifstream in(partial_ / relative, std::ios::binary);
  if (!in) throw RunError(fmt::format("{}: cannot be read", (partial_ / relative).string()));
  return std::string(std::istreambuf_iterator<char>(in), {});
}

bool RunDirectory::has(const std::string& relative) const {
  std::error_code ec;
  return fs::is_regular_file(partial_ / relative, ec);
}

RunDirectory::~RunDirectory() {
  if (committed_ || kept_) return;
  std::error_code ec;
  fs::remove_all(partial_, ec);
  if (!created_parent_.empty() && fs::is_empty(created_parent_, ec))
    fs::remove(created_parent_, ec);
}

void RunDirectory::write(const std::string& relative, const std::string& bytes) const {
  const fs::path file = partial_ / relative;
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  write_file_atomically(file, bytes);
}

void RunDirectory::commit() {
  std::error_code ec;
  kept_ = false;
  if (fs::exists(dir_, ec)) {
    // --overwrite: the old run leaves only once the new one is complete.
    const fs::path old = dir_.string() + ".replaced";
    fs::remove_all(old, ec);
    fs::rename(dir_, old, ec);
    if (ec)
      throw RunError(
          fmt::format("{}: cannot move the old run aside ({})", dir_.string(), ec.message()));
    fs::rename(partial_, dir_, ec);
    if (ec)
      throw RunError(
          fmt::format("{}: cannot move the run into place ({})", dir_.string(), ec.message()));
    fs::remove_all(old, ec);
  } else {
    fs::rename(partial_, dir_, ec);
    if (ec)
      throw RunError(
          fmt::format("{}: cannot move the run into place ({})", dir_.string(), ec.message()));
  }
  committed_ = true;
  lock_->moved_to(dir_);
  lock_.reset();  // a complete run needs no lock: its lock file goes
}

}  // namespace neohebb::core
