#include "core/analysis/analyses.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <functional>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/analysis/test_trials.hpp"
#include "core/engine/seeding.hpp"
#include "core/io/npy.hpp"
#include "core/io/run_info.hpp"
#include "core/support/errors.hpp"
#include "core/support/interrupt.hpp"
#include "core/support/parallel.hpp"
#include "core/support/suggest.hpp"

namespace neohebb::core {
namespace {

using AnalysisPtr = std::shared_ptr<sdk::Analysis>;

// An analysis instance from the experiment's parameters; a plugin's complaint about one of them
// is reported at that parameter's position.
AnalysisPtr instantiate_analysis(const Experiment& e, const std::string& name) {
  const AnalysisChoice& c = e.analysis.choices.at(name);
  try {
    return instantiate<sdk::Analysis, sdk::Real>(*c.component, c.params);
  } catch (const sdk::ParameterError& err) {
    throw ConfigError({fmt::format("{}: analysis '{}': parameter '{}': {}",
                                   e.position("analysis." + name, err.parameter()).str(), name,
                                   err.parameter(), err.what())});
  }
}

// Keeps every array and scalar of one analysis of one network: each array as its .npy file,
// and as the later analyses read it (sdk::AnalysisResults).
class ResultSink final : public sdk::AnalysisSink {
 public:
  void array(const std::string& name, const Eigen::Ref<const Eigen::MatrixXd>& a) override {
    files[checked(name)] = npy_bytes(a);
    arrays[name] = a;
  }
  void vector(const std::string& name, const Eigen::Ref<const Eigen::VectorXd>& v) override {
    files[checked(name)] = npy_vector_bytes(v);
    arrays[name] = v;
  }
  void complex_array(const std::string& name,
                     const Eigen::Ref<const Eigen::MatrixXcd>& a) override {
    files[checked(name)] = npy_complex_bytes(a);
    arrays[name + "_re"] = a.real();
    arrays[name + "_im"] = a.imag();
  }
  void scalar(const std::string& name, double value) override { scalars[name] = value; }
  std::map<std::string, std::string> files;  // by array name: the bytes of <name>.npy
  std::map<std::string, Eigen::MatrixXd> arrays;
  nlohmann::json scalars = nlohmann::json::object();

 private:
  static const std::string& checked(const std::string& n) {
    const bool valid = !n.empty() && n.size() < 200 && std::all_of(n.begin(), n.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
    }) && n.front() != '.';
    if (!valid) throw RunError(fmt::format("array name '{}' is not a file name", n));
    return n;
  }
};

sdk::TrainedNetwork trained_network(const Setup<sdk::Real>& setup, const NetworkWeights& w) {
  return {w.W,
          w.W_in,
          w.W_out,
          *setup.neuron,
          setup.network.clamped_units,
          setup.network.clamped_values};
}

// Runs the analyses in order on one network; writes its arrays; returns its summary entry.
nlohmann::json analyse_one(const Experiment& e, const Setup<sdk::Real>& setup,
                           const AnalysedNetwork& net, const std::vector<std::string>& order,
                           const std::vector<AnalysisPtr>& analyses, const FileWriter& write,
                           Reporter& reporter, std::vector<std::string>& conditions) {
  if (!net.skipped.empty()) return {{"skipped", net.skipped}};
  const auto seed = sdk::derive_seed(lifetime_seed(setup.seed, net.lifetime), {0x7e577e57ULL});
  const auto per_condition = e.analysis.settings.test_trials;
  sdk::Recording recording;
  try {
    recording = record_test_trials(setup, net.weights, per_condition, seed);
  } catch (const RunError& err) {  // one unstable network does not cost the others' results
    return {{"skipped", err.what()}};
  }
  conditions = recording.conditions;
  const sdk::TrainedNetwork trained = trained_network(setup, net.weights);
  sdk::AnalysisResults earlier;
  nlohmann::json summary = nlohmann::json::object();
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (interrupted()) throw RunError("interrupted during the analyses");
    const auto t0 = std::chrono::steady_clock::now();
    ResultSink sink;
    try {
      analyses[i]->analyze({trained, recording, earlier}, sink);
    } catch (const sdk::ParameterError& err) {
      throw ConfigError({fmt::format("{}: analysis '{}': parameter '{}': {}",
                                     e.position("analysis." + order[i], err.parameter()).str(),
                                     order[i], err.parameter(), err.what())});
    } catch (const std::exception& err) {
      throw RunError(fmt::format("{}: analysis '{}' failed: {}", net.label, order[i], err.what()));
    }
    for (const auto& [name, bytes] : sink.files)
      write(fmt::format("analysis/{}/{}/{}.npy", net.label, order[i], name), bytes);
    summary[order[i]] = sink.scalars;
    earlier[order[i]] = std::move(sink.arrays);
    reporter.note(
        fmt::format("analysis {} {}: {:.1f} s", net.label, order[i],
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count()));
  }
  return summary;
}

}  // namespace

std::vector<std::string> analysis_order(const Experiment& e,
                                        const std::vector<std::string>& names) {
  std::vector<std::string> available, errors;
  for (const auto& [name, c] : e.analysis.choices) available.push_back(name);
  for (const auto& n : names)
    if (!e.analysis.choices.count(n))
      errors.push_back(fmt::format("unknown analysis '{}'{}; available analyses: {}", n,
                                   did_you_mean(n, available), fmt::join(available, ", ")));
  if (!errors.empty()) throw ConfigError(errors);
  // What runs: the names and, transitively, what they require. Then depth-first, what an
  // analysis requires or uses (when it runs too) comes before it.
  std::map<std::string, AnalysisPtr> needed;
  std::function<void(const std::string&)> need = [&](const std::string& n) {
    if (needed.count(n)) return;
    if (!e.analysis.choices.count(n))
      throw ConfigError({fmt::format("an analysis needs '{}', which is not installed", n)});
    needed[n] = instantiate_analysis(e, n);
    for (const auto& dep : needed[n]->requires_results()) need(dep);
  };
  for (const auto& n : names) need(n);
  std::vector<std::string> order;
  std::set<std::string> visiting;
  std::function<void(const std::string&)> visit = [&](const std::string& n) {
    if (std::find(order.begin(), order.end(), n) != order.end()) return;
    if (!visiting.insert(n).second)
      throw ConfigError({fmt::format("analysis '{}' depends on itself", n)});
    for (const auto& dep : needed[n]->requires_results()) visit(dep);
    for (const auto& dep : needed[n]->uses_results())
      if (needed.count(dep)) visit(dep);
    order.push_back(n);
  };
  for (const auto& n : names) visit(n);
  return order;
}

void run_analyses(const Experiment& e, const Setup<sdk::Real>& setup,
                  const std::vector<AnalysedNetwork>& networks,
                  const std::vector<std::string>& names, const FileWriter& write, int threads,
                  Reporter& reporter) {
  const auto order = analysis_order(e, names);
  std::vector<AnalysisPtr> analyses;
  for (const auto& n : order) analyses.push_back(instantiate_analysis(e, n));
  std::vector<nlohmann::json> entries(networks.size());
  std::vector<std::vector<std::string>> conditions(networks.size());
  // One network at a time: the analyses are the expensive part and each runs on one core, so a
  // second lifetime on the other core halves the wall time without sharing anything.
  const auto errors = parallel_for(
      static_cast<int>(networks.size()), threads,
      [&](int k) {
        const auto i = static_cast<std::size_t>(k);
        entries[i] =
            analyse_one(e, setup, networks[i], order, analyses, write, reporter, conditions[i]);
      },
      [] { return !interrupted(); });  // Ctrl-C: no further network starts
  rethrow_first(errors);
  if (interrupted()) throw RunError("interrupted during the analyses");
  nlohmann::json summary = {{"format_version", kRunFormatVersion},  // of analysis/'s arrays
                            {"conditions", nlohmann::json::array()},
                            {"analyses", order},
                            {"lifetimes", nlohmann::json::object()}};
  for (std::size_t i = 0; i < networks.size(); ++i) {
    if (summary["conditions"].empty() && !conditions[i].empty())
      summary["conditions"] = conditions[i];
    summary["lifetimes"][networks[i].label] = entries[i];
  }
  write("analysis/summary.json", summary.dump(2) + "\n");
}

std::vector<AnalysedNetwork> analysed_networks(const std::vector<NetworkWeights>& finals) {
  std::vector<AnalysedNetwork> out;
  for (std::size_t k = 0; k < finals.size(); ++k) {
    AnalysedNetwork n{std::int64_t(k), fmt::format("lifetime_{:03}", k), finals[k], ""};
    if (!n.weights.W.allFinite()) n.skipped = "its weights are not finite (the lifetime diverged)";
    out.push_back(std::move(n));
  }
  return out;
}

}  // namespace neohebb::core
