#include "neohebb/core/run_directory.hpp"

#include <cstdio>
#include <fstream>

#include <fmt/format.h>
#include <unistd.h>

#include "neohebb/core/errors.hpp"

namespace neohebb::core {
namespace fs = std::filesystem;

void write_file_atomically(const fs::path& file, const std::string& bytes) {
  const fs::path tmp = file.string() + fmt::format(".tmp{}", ::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw RunError(fmt::format("{}: cannot write (disk full or not writable?)", file.string()));
    }
  }
  std::error_code ec;
  fs::rename(tmp, file, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw RunError(fmt::format("{}: cannot move the finished file into place ({})", file.string(),
                               ec.message()));
  }
}

RunDirectory::RunDirectory(fs::path dir, bool overwrite)
    : dir_(std::move(dir)), partial_(dir_.string() + ".partial"), overwrite_(overwrite) {
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
  const fs::path parent = fs::absolute(dir_, ec).parent_path();
  if (!fs::exists(parent, ec)) created_parent_ = parent;
  if (fs::exists(partial_, ec))
    throw RunError(
        fmt::format("{}: an unfinished run is in the way (another run in progress, or a "
                    "crashed one); remove it to start again",
                    partial_.string()));
  fs::create_directories(partial_, ec);
  if (ec)
    throw RunError(
        fmt::format("{}: cannot create the run directory ({})", partial_.string(), ec.message()));
}

RunDirectory::RunDirectory(RunDirectory&& o) noexcept
    : dir_(std::move(o.dir_)),
      partial_(std::move(o.partial_)),
      overwrite_(o.overwrite_),
      committed_(o.committed_),
      kept_(o.kept_),
      created_parent_(std::move(o.created_parent_)) {
  o.kept_ = true;  // the moved-from object must not remove anything
}

RunDirectory RunDirectory::reopen(const fs::path& dir) {
  RunDirectory r;
  const std::string s = dir.string();
  const std::string suffix = ".partial";
  const bool is_partial =
      s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
  r.dir_ = is_partial ? fs::path(s.substr(0, s.size() - suffix.size())) : dir;
  r.partial_ = r.dir_.string() + suffix;
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
  return r;
}

void RunDirectory::keep() {
  kept_ = true;
}

std::string RunDirectory::read(const std::string& relative) const {
  std::ifstream in(partial_ / relative, std::ios::binary);
  if (!in) throw RunError(fmt::format("{}: cannot be read", (partial_ / relative).string()));
  return std::string(std::istreambuf_iterator<char>(in), {});
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
}

}  // namespace neohebb::core
