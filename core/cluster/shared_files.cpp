#include "core/cluster/shared_files.hpp"

#include <fstream>
#include <iterator>

#include <fmt/format.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include "core/cluster/cluster.hpp"
#include "core/cluster/wire.hpp"
#include "core/support/errors.hpp"

namespace neohebb::core {
namespace fs = std::filesystem;

namespace {

// The experiment files of `dir` by their relative names (none that is missing).
nlohmann::json read_experiment_files(const fs::path& dir) {
  nlohmann::json files = nlohmann::json::object();
  std::vector<fs::path> names{"experiment.toml"};
  std::error_code ec;
  for (fs::directory_iterator it(dir / "tasks", ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".toml")
      names.push_back(fs::path("tasks") / it->path().filename());
  for (const auto& name : names) {
    std::ifstream in(dir / name, std::ios::binary);
    if (in) files[name.generic_string()] = std::string(std::istreambuf_iterator<char>(in), {});
  }
  return files;
}

}  // namespace

SharedFiles::SharedFiles(const fs::path& dir) : dir_(dir) {
  Cluster& cluster = Cluster::world();
  if (!cluster.distributed()) return;
  const nlohmann::json files =
      unpack(cluster.broadcast(cluster.root() ? pack(read_experiment_files(dir)) : ""));
  if (cluster.root()) return;
  copy_root_ = fs::temp_directory_path() /
               fmt::format("neohebb-rank{}-{}", cluster.rank(), static_cast<long>(::getpid()));
  dir_ = copy_root_ / dir.lexically_normal().filename();
  for (const auto& [name, bytes] : files.items()) {
    const fs::path file = dir_ / name;
    fs::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary);
    out << bytes.get<std::string>();
    if (!out) throw RunError(fmt::format("{}: cannot write this rank's copy", file.string()));
  }
}

SharedFiles::~SharedFiles() {
  std::error_code ec;
  if (!copy_root_.empty()) fs::remove_all(copy_root_, ec);
}

}  // namespace neohebb::core
