#include "core/run/run_outcome.hpp"

#include <cmath>
#include <fstream>
#include <vector>

#include <fmt/format.h>

#include "core/meta/checkpoint.hpp"
#include "core/meta/meta_learner.hpp"
#include "core/support/errors.hpp"

namespace neohebb::core {
namespace fs = std::filesystem;

namespace {

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw RunError(fmt::format("{}: cannot be read", file.string()));
  return std::string(std::istreambuf_iterator<char>(in), {});
}

nlohmann::json read_json(const fs::path& file) {
  const auto j = nlohmann::json::parse(read_text(file), nullptr, false);
  if (j.is_discarded()) throw RunError(fmt::format("{}: is not valid JSON", file.string()));
  return j;
}

std::optional<double> optional_number(const nlohmann::json& v) {
  return v.is_null() ? std::nullopt : std::optional<double>(v.get<double>());
}

HeldOutMeans held_out_means(const nlohmann::json& j) {
  return {j.at("lifetimes").get<int>(), j.at("diverged").get<int>(),
          optional_number(j.at("mean_reward")), optional_number(j.at("correct_late"))};
}

MetaRunSummary meta_summary(const fs::path& dir, const nlohmann::json& info) {
  const MetaState state = parse_checkpoint(read_text(dir / "checkpoint.json"), nullptr);
  MetaRunSummary out;
  out.steps_done = state.step;
  out.steps = info.at("meta_steps").get<int>();
  out.batch = info.at("meta_batch").get<int>();
  out.trials = info.at("trials").get<std::int64_t>();
  const std::string estimator = info.at("estimator").get<std::string>();
  out.estimator = estimator == "reinforce" ? Estimator::Reinforce
                  : estimator == "es"      ? Estimator::Es
                                           : Estimator::Pathwise;
  if (!state.history.empty()) {
    out.objective_first = state.history.front().objective;
    out.objective_last = state.history.back().objective;
    out.correct_late_first = state.history.front().correct_late;
    out.correct_late_last = state.history.back().correct_late;
  }
  if (const auto& h = info.at("held_out"); !h.is_null()) {
    out.held_out_initial = held_out_means(h.at("initial"));
    out.held_out_learned = held_out_means(h.at("learned"));
  }
  return out;
}

}  // namespace

PlainRunSummary plain_summary(const nlohmann::json& summary, std::int64_t trials) {
  PlainRunSummary out;
  std::vector<double> correct;
  for (const auto& l : summary.at("lifetimes")) {
    ++out.lifetimes;
    if (l.at("diverged").get<bool>()) continue;
    out.reward_first_tenth += l.at("reward_first_tenth").get<double>();
    out.reward_last_tenth += l.at("reward_last_tenth").get<double>();
    correct.push_back(l.at("correct_last_tenth").get<double>());
  }
  out.diverged = out.lifetimes - static_cast<int>(correct.size());
  out.trials_each = correct.empty() ? 0 : trials;
  const double n = static_cast<double>(correct.size());
  out.reward_first_tenth /= n;
  out.reward_last_tenth /= n;
  for (double c : correct) out.correct_last_tenth += c;
  out.correct_last_tenth /= n;
  double ss = 0;
  for (double c : correct) ss += (c - out.correct_last_tenth) * (c - out.correct_last_tenth);
  out.correct_last_tenth_sd = correct.size() > 1 ? std::sqrt(ss / (n - 1)) : 0.0;
  return out;
}

RunOutcome read_run_outcome(const fs::path& dir) {
  try {
    const nlohmann::json info = read_json(dir / "run.json");
    RunOutcome out{dir, true, false, std::nullopt, std::nullopt};
    if (info.contains("meta_steps"))
      out.meta = meta_summary(dir, info);
    else
      out.plain =
          plain_summary(read_json(dir / "summary.json"), info.at("trials").get<std::int64_t>());
    return out;
  } catch (const nlohmann::json::exception& e) {
    throw RunError(fmt::format("{}: not a complete run directory ({})", dir.string(), e.what()));
  }
}

}  // namespace neohebb::core
