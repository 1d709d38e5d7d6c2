#pragma once
// What a run leaves besides its files: the figures the command line prints and a sweep tabulates.
#include <cstdint>
#include <filesystem>
#include <optional>

#include <nlohmann/json.hpp>

#include "core/config/sections.hpp"
#include "core/meta/held_out.hpp"

namespace neohebb::core {

// Means over the lifetimes that did not diverge.
struct PlainRunSummary {
  int lifetimes = 0;
  int diverged = 0;              // left out of every mean ([experiment] on_divergence = "skip")
  std::int64_t trials_each = 0;  // of the lifetimes that did not diverge
  double reward_first_tenth = 0, reward_last_tenth = 0;
  double correct_last_tenth = 0;
  double correct_last_tenth_sd = 0;  // sample standard deviation over the lifetimes
};

struct MetaRunSummary {
  int steps_done = 0, steps = 0, batch = 0;
  std::int64_t trials = 0;
  Estimator estimator = Estimator::Pathwise;
  double objective_first = 0, objective_last = 0;  // at meta-step 1 and at the last one
  double correct_late_first = 0, correct_late_last = 0;
  std::optional<HeldOutMeans> held_out_initial, held_out_learned;  // [meta] evaluate > 0
};

struct RunOutcome {
  std::filesystem::path directory;  // the run directory, or the partial one if not complete
  // False when the run stopped early (Ctrl-C, --stop-after) and can be resumed from `directory`.
  bool complete = true;
  bool stopped_in_evaluation = false;  // it stopped during the held-out evaluation
  std::optional<PlainRunSummary> plain;
  std::optional<MetaRunSummary> meta;
};

// The figures of a run without meta-learning, from its summary.json (per lifetime) and the
// trials of each lifetime.
PlainRunSummary plain_summary(const nlohmann::json& summary, std::int64_t trials);

// The outcome of the complete run in `dir`, read back from its files (run.json, summary.json or
// checkpoint.json): what run_experiment returned when it wrote them. Throws RunError when a
// file is missing or unreadable.
RunOutcome read_run_outcome(const std::filesystem::path& dir);

}  // namespace neohebb::core
