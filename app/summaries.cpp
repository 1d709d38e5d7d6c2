#include "app/summaries.hpp"

#include <fmt/format.h>

namespace neohebb::app {
namespace {

const char* estimator_name(core::Estimator e) {
  switch (e) {
    case core::Estimator::Reinforce:
      return "REINFORCE";
    case core::Estimator::Es:
      return "evolution strategies";
    case core::Estimator::Pathwise:
      break;
  }
  return "pathwise";
}

std::string plain_summary(const core::RunOutcome& o) {
  const core::PlainRunSummary& s = *o.plain;
  std::string out = fmt::format("run directory: {}\n", o.directory.string());
  out += fmt::format(
      "lifetimes: {}{}, trials each: {}\n", s.lifetimes,
      s.diverged ? fmt::format(" ({} diverged, left out of the means)", s.diverged) : "",
      s.trials_each);
  out += fmt::format("mean reward, first tenth of trials: {:.4f}; last tenth: {:.4f}\n",
                     s.reward_first_tenth, s.reward_last_tenth);
  out += fmt::format("fraction correct, last tenth of trials: {:.3f}\n", s.correct_last_tenth);
  return out;
}

std::string held_out_summary(const core::HeldOutMeans& initial, const core::HeldOutMeans& learned) {
  const auto value = [](const std::optional<double>& v) {
    return v ? fmt::format("{:.4f}", *v) : std::string("-");
  };
  std::string out = fmt::format(
      "held-out lifetimes ({}, seeds of a plain run): mean reward {} initial, {} learned; "
      "fraction correct, last tenth: {} initial, {} learned\n",
      initial.lifetimes, value(initial.mean_reward), value(learned.mean_reward),
      value(initial.correct_late), value(learned.correct_late));
  if (initial.diverged + learned.diverged > 0)
    out += fmt::format("held-out lifetimes that diverged: {} initial, {} learned (held_out.csv)\n",
                       initial.diverged, learned.diverged);
  return out;
}

std::string meta_summary(const core::RunOutcome& o) {
  const core::MetaRunSummary& s = *o.meta;
  if (o.stopped_in_evaluation)
    return fmt::format(
        "stopped during the held-out evaluation, after all {} meta-steps; finish with: neohebb "
        "run --resume {}\n",
        s.steps_done, o.directory.string());
  if (!o.complete)
    return fmt::format("stopped after meta-step {}; continue with: neohebb run --resume {}\n",
                       s.steps_done, o.directory.string());
  std::string out = fmt::format("run directory: {}\n", o.directory.string());
  out += fmt::format("meta-steps: {} of {} lifetimes x {} trials ({})\n", s.steps_done, s.batch,
                     s.trials, estimator_name(s.estimator));
  out += fmt::format("objective: {:.4f} at meta-step 1, {:.4f} at meta-step {}\n",
                     s.objective_first, s.objective_last, s.steps_done);
  out += fmt::format(
      "fraction correct, last tenth of trials: {:.3f} at meta-step 1, {:.3f} at meta-step {}\n",
      s.correct_late_first, s.correct_late_last, s.steps_done);
  if (s.held_out_initial) out += held_out_summary(*s.held_out_initial, *s.held_out_learned);
  out += fmt::format("learned coefficients: {}\n", (o.directory / "learned_trace.toml").string());
  return out;
}

}  // namespace

std::string run_summary(const core::RunOutcome& outcome) {
  return outcome.plain ? plain_summary(outcome) : meta_summary(outcome);
}

std::string analysis_summary(const std::filesystem::path& dir, const nlohmann::json& summary) {
  std::string out = fmt::format("analysis written to {}\n", dir.string());
  for (const auto& [label, entry] : summary["lifetimes"].items()) {
    if (entry.contains("skipped")) {
      out += fmt::format("{}: skipped, {}\n", label, entry["skipped"].get<std::string>());
      continue;
    }
    if (!entry.contains("fixed_points")) continue;
    const auto& fp = entry["fixed_points"];
    out += fmt::format("{}: {} fixed points ({} stable), {} slow points, {:.1f} s\n", label,
                       fp.value("fixed_points", 0.0), fp.value("stable_fixed_points", 0.0),
                       fp.value("slow_points", 0.0), fp.value("seconds", 0.0));
  }
  return out;
}

}  // namespace neohebb::app
