#include "drawing_process.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <set>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <fmt/format.h>
#include <plplot.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/support/errors.hpp"
#include "core/support/interrupt.hpp"

namespace neohebb::plots {
namespace fs = std::filesystem;

namespace {

// The child reports one record per line: a tag, then its text.
constexpr char kStarted = 'S', kWritten = 'W', kFailed = 'X', kDone = 'D', kError = 'E',
               kPlplotExit = 'P';

void write_all(int fd, const char* data, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;  // the parent is gone: nobody to tell
    data += w, n -= static_cast<std::size_t>(w);
  }
}

// Writes a record without allocating: it is also sent from PLplot's exit handler, which may run
// because memory ran out.
void tell(int fd, char tag, std::string_view text) {
  char buffer[512];
  std::size_t n = 0;
  buffer[n++] = tag;
  for (const char c : text) {
    if (n == sizeof buffer) write_all(fd, buffer, n), n = 0;
    buffer[n++] = c == '\n' ? ' ' : c;
  }
  if (n == sizeof buffer) write_all(fd, buffer, n), n = 0;
  buffer[n++] = '\n';
  write_all(fd, buffer, n);
}

int channel = -1;  // the child's end of the pipe, for the exit handler

// PLplot calls this instead of exiting on its own (plsexit); the message goes to the parent.
extern "C" int on_plplot_exit(const char* message) {
  tell(channel, kPlplotExit, message ? message : "");
  ::_exit(3);
}

[[noreturn]] void child(int fd, const std::vector<Figure>& figures, const fs::path& plots_dir,
                        const fs::path& scratch) {
  channel = fd;
  plsexit(on_plplot_exit);
  try {
    require_cairo_drivers();
    for (const Figure& figure : figures) {
      tell(fd, kStarted, figure.name);
      try {
        for (const fs::path& file : render(figure, plots_dir, scratch))
          tell(fd, kWritten, file.filename().string());
      } catch (const std::exception& err) {
        tell(fd, kFailed, err.what());
      }
      tell(fd, kDone, figure.name);
    }
  } catch (const std::exception& err) {
    tell(fd, kError, err.what());
  }
  ::_exit(0);  // never the parent's atexit handlers, nor its buffered output twice
}

// A child killed while writing leaves NAME.tmpPID files in plots/ (core::write_file_atomically).
void remove_temporary_files(const fs::path& plots_dir, pid_t pid) {
  const std::string suffix = fmt::format(".tmp{}", pid);
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(plots_dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > suffix.size() &&
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
      fs::remove(entry.path(), ec);
  }
}

int wait_for(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return status;
}

// Everything the child reports until it closes its end; on Ctrl-C the child is stopped at once.
std::string records_of(int fd, pid_t pid, const fs::path& plots_dir) {
  std::string out;
  char buffer[4096];
  for (;;) {
    if (core::interrupted()) {
      ::kill(pid, SIGKILL);
      wait_for(pid);
      remove_temporary_files(plots_dir, pid);
      throw PlotsInterrupted("interrupted while drawing the plots");
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;  // a timeout, or a signal: look at the flag again
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) out.append(buffer, static_cast<std::size_t>(n));
    if (n == 0 || (n < 0 && errno != EINTR)) return out;
  }
}

std::string how_it_ended(int status) {
  if (WIFSIGNALED(status))
    return fmt::format("the drawing process was killed by signal {} ({})", WTERMSIG(status),
                       ::strsignal(WTERMSIG(status)));
  return fmt::format("the drawing process exited with status {}", WEXITSTATUS(status));
}

// The report from the child's records; figures it did not finish fail with `ending`.
void read_records(const std::string& records, const std::vector<Figure>& figures,
                  const fs::path& plots_dir, const std::string& ending, PlotReport& report) {
  std::set<std::string> started, done;
  std::string current, plplot;
  for (std::size_t start = 0; start < records.size();) {
    const std::size_t end = std::min(records.find('\n', start), records.size());
    if (end == start) {
      start = end + 1;
      continue;
    }
    const char tag = records[start];
    const std::string text = records.substr(start + 1, end - start - 1);
    start = end + 1;
    if (tag == kStarted) started.insert(current = text);
    if (tag == kWritten) report.written.push_back(plots_dir / text);
    if (tag == kFailed) report.failed.push_back(fmt::format("{}: {}", current, text));
    if (tag == kDone) done.insert(text);
    if (tag == kPlplotExit) plplot = text;
    if (tag == kError) throw core::RunError(text);
  }
  const std::string why = plplot.empty() ? ending : fmt::format("PLplot stopped: {}", plplot);
  for (const Figure& f : figures) {
    if (done.count(f.name)) continue;
    if (started.count(f.name))
      report.failed.push_back(fmt::format("{}: {}", f.name, why));
    else if (current.empty())  // the child ended before its first figure
      report.failed.push_back(fmt::format("{}: not drawn: {}", f.name, why));
    else
      report.failed.push_back(fmt::format("{}: not drawn, as {} failed", f.name, current));
  }
}

}  // namespace

void render_in_child(const std::vector<Figure>& figures, const fs::path& plots_dir,
                     const fs::path& scratch, PlotReport& report) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw core::RunError(fmt::format("cannot start drawing the plots ({})", std::strerror(errno)));
  std::fflush(stdout);  // a child that exits anyway must not write the parent's output again
  std::fflush(stderr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(fds[0]);
    child(fds[1], figures, plots_dir, scratch);
  }
  const int fork_error = errno;
  ::close(fds[1]);
  if (pid < 0) {
    ::close(fds[0]);
    throw core::RunError(
        fmt::format("cannot start a process to draw the plots ({})", std::strerror(fork_error)));
  }
  std::string records;
  try {
    records = records_of(fds[0], pid, plots_dir);
  } catch (...) {
    ::close(fds[0]);
    throw;
  }
  ::close(fds[0]);
  const int status = wait_for(pid);
  const bool clean = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  read_records(records, figures, plots_dir,
               clean ? "the drawing process ended early" : how_it_ended(status), report);
}

}  // namespace neohebb::plots
