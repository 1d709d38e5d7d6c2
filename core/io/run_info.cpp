#include "core/io/run_info.hpp"

#include <ctime>

#include <unistd.h>

#include "core/cluster/cluster.hpp"
#include "core/support/resources.hpp"
#include "core/support/version.hpp"

namespace neohebb::core {
namespace fs = std::filesystem;

namespace {
std::string host_name() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return host;
}
}  // namespace

std::string timestamp(const char* format) {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

fs::path default_run_directory(const std::string& name, const std::string& kind) {
  return fs::path("runs") /
         (name + (kind.empty() ? "" : "-" + kind) + "-" + timestamp("%Y%m%d-%H%M%S"));
}

nlohmann::json trace_json(const sdk::TracePolynomial<sdk::Real>& trace) {
  nlohmann::json pre = nlohmann::json::array(), post = nlohmann::json::array(),
                 rows = nlohmann::json::array();
  for (int k = 0; k < trace.pre_terms(); ++k) pre.push_back(trace.pre_term_name(k));
  for (int l = 0; l < trace.post_terms(); ++l) post.push_back(trace.post_term_name(l));
  const Eigen::MatrixXd theta = trace.initial_coefficients();
  for (Eigen::Index k = 0; k < theta.rows(); ++k)
    rows.push_back(std::vector<double>(theta.row(k).begin(), theta.row(k).end()));
  return {{"pre_terms", pre}, {"post_terms", post}, {"coefficients", rows}};
}

nlohmann::json plugins_json(const Experiment& e) {
  nlohmann::json plugins = nlohmann::json::array();
  for (const auto& ps : plugin_sections()) {
    const PluginChoice& c = e.plugin(ps.name);
    plugins.push_back({{"section", ps.name},
                       {"type", c.type},
                       {"plugin", c.component->plugin},
                       {"version", c.component->plugin_version},
                       {"file", c.component->file.string()}});
  }
  return plugins;
}

nlohmann::json run_json(const Experiment& e, const RunClock& clock, const std::string& command,
                        const nlohmann::json& fields) {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& f : e.files) files.push_back(fs::absolute(f).string());
  nlohmann::json info = {
      {"format_version", kRunFormatVersion},
      {"neohebb_version", kVersion},
      {"sdk_abi_version", sdk::kAbiVersion},
      {"experiment", fs::absolute(e.file).string()},
      {"experiment_files", files},
      {"name", e.name()},
      {"seed", e.experiment.seed},
      {"plugins", plugins_json(e)},
      {"command", command},
      {"host", host_name()},  // rank 0's
      {"ranks", Cluster::world().size()},
      {"started", clock.started},
      {"finished", timestamp("%Y-%m-%dT%H:%M:%S%z")},
      {"wall_seconds",
       std::chrono::duration<double>(std::chrono::steady_clock::now() - clock.start).count()},
      // of this process (rank 0): a resumed run's is that of its last part
      {"peak_memory_mib", peak_resident_memory() / (1024.0 * 1024.0)},
  };
  info.update(fields);
  return info;
}

}  // namespace neohebb::core
