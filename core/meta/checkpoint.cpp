#include "core/meta/checkpoint.hpp"

#include <cmath>
#include <limits>
#include <optional>
#include <vector>

#include <fmt/format.h>
#include <boost/crc.hpp>
#include <nlohmann/json.hpp>

#include "core/config/resolved_experiment.hpp"
#include "core/support/errors.hpp"

namespace neohebb::core {

namespace {

// Format 2 added the fingerprint and the shape; a format-1 checkpoint cannot be checked. The
// gradient's signal-to-noise ratios and the validations came later as optional fields.
constexpr int kFormat = 2;
constexpr double kInf = std::numeric_limits<double>::infinity();

// The fields of one JSON object, each checked where it is read: every error names the field.
class Fields {
 public:
  Fields(const nlohmann::json& j, std::string where) : j_(j), where_(std::move(where)) {
    if (!j_.is_object()) fail("", "is not a JSON object");
  }

  [[noreturn]] void fail(const std::string& key, const std::string& problem) const {
    throw RunError(
        fmt::format("checkpoint.json: {}{}{}", where_, key.empty() ? "" : key + " ", problem));
  }

  bool has(const std::string& key) const { return j_.is_object() && j_.contains(key); }

  const nlohmann::json& at(const std::string& key) const {
    const auto it = j_.find(key);
    if (it == j_.end()) fail(key, "is missing");
    return *it;
  }

  std::int64_t integer(const std::string& key, std::int64_t lo, std::int64_t hi) const {
    const auto& v = at(key);
    if (!v.is_number_integer()) fail(key, "is not an integer");
    if (v.is_number_unsigned() && v.get<std::uint64_t>() > std::uint64_t(hi))
      fail(key, fmt::format("= {} is out of range [{}, {}]", v.get<std::uint64_t>(), lo, hi));
    const auto x = v.get<std::int64_t>();
    if (x < lo || x > hi) fail(key, fmt::format("= {} is out of range [{}, {}]", x, lo, hi));
    return x;
  }

  double real(const std::string& key, double lo = -kInf, double hi = kInf) const {
    const auto& v = at(key);
    if (!v.is_number()) fail(key, "is not a number");
    const double x = v.get<double>();
    if (!std::isfinite(x) || x < lo || x > hi)
      fail(key, fmt::format("= {} is out of range [{}, {}]", x, lo, hi));
    return x;
  }

  std::string text(const std::string& key) const {
    const auto& v = at(key);
    if (!v.is_string()) fail(key, "is not a string");
    return v.get<std::string>();
  }

  const nlohmann::json& array(const std::string& key) const {
    const auto& v = at(key);
    if (!v.is_array()) fail(key, "is not an array");
    return v;
  }

  // Finite numbers, `size` of them unless `size` is empty; each >= lo.
  std::vector<double> reals(const std::string& key, std::optional<std::size_t> size,
                            double lo = -kInf) const {
    const auto& v = array(key);
    if (size && v.size() != *size)
      fail(key, fmt::format("has {} entries; this experiment needs {}", v.size(), *size));
    std::vector<double> out;
    out.reserve(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (!v[i].is_number() || !std::isfinite(v[i].get<double>()) || v[i].get<double>() < lo)
        fail(fmt::format("{}[{}]", key, i), lo > -kInf
                                                ? fmt::format("is not a finite number >= {}", lo)
                                                : "is not a finite number");
      out.push_back(v[i].get<double>());
    }
    return out;
  }

 private:
  const nlohmann::json& j_;
  std::string where_;
};

std::vector<double> to_vector(const Eigen::VectorXd& v) {
  return {v.data(), v.data() + v.size()};
}
Eigen::VectorXd to_eigen(const std::vector<double>& v) {
  return Eigen::Map<const Eigen::VectorXd>(v.data(), static_cast<Eigen::Index>(v.size()));
}

nlohmann::json skipped_json(const std::vector<SkippedLifetime>& skipped) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& k : skipped)
    out.push_back({{"lifetime", k.lifetime}, {"trial", k.trial}, {"error", k.error}});
  return out;
}

// A number, or null for NaN (a mean over lifetimes that all diverged).
nlohmann::json number_or_null(double x) {
  return std::isnan(x) ? nlohmann::json() : nlohmann::json(x);
}
nlohmann::json numbers_or_null(const std::vector<double>& xs) {
  nlohmann::json out = nlohmann::json::array();
  for (double x : xs) out.push_back(number_or_null(x));
  return out;
}

// null when absent; the means are null when every validation lifetime diverged.
nlohmann::json validation_json(const std::optional<ValidationResult>& v) {
  if (!v) return nullptr;
  const bool none = v->diverged == v->lifetimes;
  nlohmann::json out = {
      {"lifetimes", v->lifetimes},
      {"diverged", v->diverged},
      {"objective", none ? nlohmann::json() : number_or_null(v->objective)},
      {"correct_late", none ? nlohmann::json() : number_or_null(v->correct_late)}};
  if (!v->task_objective.empty()) {  // multi-task
    out["task_objective"] = numbers_or_null(v->task_objective);
    out["task_correct_late"] = numbers_or_null(v->task_correct_late);
  }
  return out;
}

nlohmann::json tasks_json(const std::vector<TaskMetrics>& tasks) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& t : tasks)
    out.push_back({{"objective", number_or_null(t.objective)},
                   {"correct_late", number_or_null(t.correct_late)}});
  return out;
}

nlohmann::json history_json(const std::vector<MetaStepRecord>& history) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& r : history)
    out.push_back({{"step", r.step},
                   {"objective", r.objective},
                   {"reward_early", r.reward_early},
                   {"reward_late", r.reward_late},
                   {"correct_early", r.correct_early},
                   {"correct_late", r.correct_late},
                   {"gradient_norm", r.gradient_norm},
                   {"step_scale", r.step_scale},
                   {"step_fraction", r.step_fraction},
                   {"theta", to_vector(r.theta)},
                   {"skipped", skipped_json(r.skipped)},
                   {"gradient_snr", to_vector(r.gradient_snr)},
                   {"validation", validation_json(r.validation)}});
  for (std::size_t i = 0; i < history.size(); ++i)  // multi-task only
    if (!history[i].tasks.empty()) out[i]["tasks"] = tasks_json(history[i].tasks);
  return out;
}

// The shape as written: what `expected` is compared with, field by field.
nlohmann::json shape_json(const CheckpointShape& s) {
  nlohmann::json j{{"theta_rows", s.theta_rows},  {"theta_cols", s.theta_cols},
                   {"directions", s.directions},  {"batch", s.batch},
                   {"trials", s.trials},          {"optimizer", s.optimizer},
                   {"fingerprint", s.fingerprint}};
  if (s.rule_parameters > 0) j["rule_parameters"] = s.rule_parameters;  // [meta] learn_rule
  return j;
}

constexpr std::int64_t kIntMax = std::numeric_limits<int>::max();

CheckpointShape read_shape(const nlohmann::json& j) {
  const Fields f(j, "shape: ");
  CheckpointShape s;
  s.theta_rows = f.integer("theta_rows", 1, kIntMax);
  s.theta_cols = f.integer("theta_cols", 1, kIntMax);
  // + log eta, log tau_e, the rule's
  s.directions = f.integer("directions", 1, kIntMax);
  s.batch = static_cast<int>(f.integer("batch", 1, kIntMax));
  s.trials = f.integer("trials", 1, std::numeric_limits<std::int64_t>::max());
  s.optimizer = f.text("optimizer");
  s.fingerprint = f.text("fingerprint");
  if (f.has("rule_parameters"))  // written when the rule learns any
    s.rule_parameters = f.integer("rule_parameters", 1, s.directions);
  return s;
}

// A checkpoint written for another experiment: the first field that differs, in words.
void check_same_shape(const CheckpointShape& got, const CheckpointShape& want) {
  const auto differs = [](const std::string& what, const auto& g, const auto& w,
                          const char* hint = "was experiment.toml or checkpoint.json replaced?") {
    throw RunError(fmt::format(
        "checkpoint.json was written for another experiment: its {} is {}, this experiment's is "
        "{} ({})",
        what, g, w, hint));
  };
  if (got.theta_rows != want.theta_rows || got.theta_cols != want.theta_cols)
    differs("trace", fmt::format("{} x {}", got.theta_rows, got.theta_cols),
            fmt::format("{} x {}", want.theta_rows, want.theta_cols));
  if (got.directions != want.directions)
    differs("number of learnable coefficients", got.directions, want.directions);
  if (got.rule_parameters != want.rule_parameters)
    differs("number of the rule's learned parameters", got.rule_parameters, want.rule_parameters);
  if (got.batch != want.batch) differs("meta-batch", got.batch, want.batch);
  if (got.trials != want.trials) differs("number of trials", got.trials, want.trials);
  if (got.optimizer != want.optimizer) differs("optimizer", got.optimizer, want.optimizer);
  if (got.fingerprint != want.fingerprint)
    differs("experiment fingerprint", got.fingerprint, want.fingerprint,
            "was experiment.toml or checkpoint.json replaced, or was the run begun by a version "
            "whose plugins or sections have other parameters? Such a run cannot be resumed; "
            "start it again");
}

std::vector<SkippedLifetime> read_skipped(const Fields& h, int batch) {
  std::vector<SkippedLifetime> out;
  for (const auto& k : h.array("skipped")) {
    const Fields f(k, "skipped lifetime: ");
    out.push_back({static_cast<int>(f.integer("lifetime", 0, batch - 1)),
                   f.integer("trial", 0, std::numeric_limits<std::int64_t>::max()),
                   f.text("error")});
  }
  return out;
}

// A finite number, or NaN for null; `count` of them.
std::vector<double> reals_or_null(const Fields& f, const std::string& key, std::size_t count) {
  const auto& v = f.array(key);
  if (v.size() != count)
    f.fail(key, fmt::format("has {} entries; this experiment has {} tasks", v.size(), count));
  std::vector<double> out;
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i].is_null()) {
      out.push_back(std::numeric_limits<double>::quiet_NaN());
      continue;
    }
    if (!v[i].is_number() || !std::isfinite(v[i].get<double>()))
      f.fail(fmt::format("{}[{}]", key, i), "is not a finite number or null");
    out.push_back(v[i].get<double>());
  }
  return out;
}

// A mean that is null when its lifetimes all diverged.
double real_or_nan(const Fields& f, const std::string& key, double lo, double hi) {
  return f.at(key).is_null() ? std::numeric_limits<double>::quiet_NaN() : f.real(key, lo, hi);
}

// Absent or null: none (checkpoints written before validation existed have neither).
std::optional<ValidationResult> read_validation(const Fields& f, const std::string& key) {
  if (!f.has(key) || f.at(key).is_null()) return std::nullopt;
  const Fields v(f.at(key), key + ": ");
  ValidationResult r;
  r.lifetimes = static_cast<int>(v.integer("lifetimes", 1, kIntMax));
  r.diverged = static_cast<int>(v.integer("diverged", 0, r.lifetimes));
  if (r.diverged == r.lifetimes) {
    r.objective = r.correct_late = std::numeric_limits<double>::quiet_NaN();
  } else {
    r.objective = real_or_nan(v, "objective", -kInf, kInf);
    r.correct_late = real_or_nan(v, "correct_late", 0, 1);
  }
  if (v.has("task_objective")) {
    const std::size_t T = v.array("task_objective").size();
    r.task_objective = reals_or_null(v, "task_objective", T);
    r.task_correct_late = reals_or_null(v, "task_correct_late", T);
  }
  return r;
}

MetaStepRecord read_record(const nlohmann::json& j, std::size_t index, const CheckpointShape& s) {
  const Fields f(j, fmt::format("history[{}]: ", index));
  MetaStepRecord r;
  const auto step = static_cast<std::int64_t>(index) + 1;
  r.step = static_cast<int>(f.integer("step", step, step));
  r.objective = f.real("objective");
  r.reward_early = f.real("reward_early");
  r.reward_late = f.real("reward_late");
  r.correct_early = f.real("correct_early", 0, 1);
  r.correct_late = f.real("correct_late", 0, 1);
  r.gradient_norm = f.real("gradient_norm", 0);
  r.step_scale = f.real("step_scale", std::numeric_limits<double>::min(), 1);
  if (f.has("step_fraction")) r.step_fraction = f.real("step_fraction", 0, 1);
  r.theta = to_eigen(f.reals("theta", static_cast<std::size_t>(s.directions)));
  r.skipped = read_skipped(f, s.batch);
  if (f.has("gradient_snr")) {  // empty for a batch of one
    const auto snr = f.reals("gradient_snr", std::nullopt);
    if (!snr.empty() && snr.size() != static_cast<std::size_t>(s.directions))
      f.fail("gradient_snr", fmt::format("has {} entries; this experiment needs 0 or {}",
                                         snr.size(), s.directions));
    r.gradient_snr = to_eigen(snr);
  }
  if (f.has("tasks"))
    for (const auto& t : f.array("tasks")) {
      const Fields m(t, "tasks: ");
      r.tasks.push_back(
          {real_or_nan(m, "objective", -kInf, kInf), real_or_nan(m, "correct_late", 0, 1)});
    }
  r.validation = read_validation(f, "validation");
  return r;
}

// The state itself, sized by `s` (the checkpoint's own shape, checked against the experiment's).
MetaState read_state(const Fields& f, const CheckpointShape& s) {
  MetaState st;
  st.step = static_cast<int>(f.integer("step", 0, kIntMax));
  const auto P = static_cast<std::size_t>(s.directions);
  const auto theta = f.reals("theta", static_cast<std::size_t>(s.theta_rows * s.theta_cols));
  st.theta = Eigen::Map<const Eigen::MatrixXd>(theta.data(), s.theta_rows, s.theta_cols);
  if (f.has("log_eta")) st.log_eta = f.real("log_eta");        // absent before learn_eta existed
  if (f.has("log_tau_e")) st.log_tau_e = f.real("log_tau_e");  // written when learned
  if (s.rule_parameters > 0)
    st.log_rule = to_eigen(f.reals("log_rule", static_cast<std::size_t>(s.rule_parameters)));
  else if (f.has("log_rule"))
    f.fail("log_rule", "is set, but this experiment learns none of the rule's parameters");
  st.m = to_eigen(f.reals("adam_m", P));
  st.v = to_eigen(f.reals("adam_v", P, 0.0));
  const bool started = st.step > 0;
  st.baseline = f.reals("baseline", std::nullopt);
  if (!st.baseline.empty() && st.baseline.size() != static_cast<std::size_t>(s.trials))
    f.fail("baseline", fmt::format("has {} entries; this experiment needs 0 or {}",
                                   st.baseline.size(), s.trials));
  st.last_step = to_eigen(f.reals("last_step", started ? std::optional(P) : std::nullopt));
  if (!started && st.last_step.size() != 0) f.fail("last_step", "is set before the first step");
  st.step_scale = f.real("step_scale", std::numeric_limits<double>::min(), 1);
  st.backtracks = static_cast<int>(f.integer("backtracks", 0, kIntMax));
  const auto& history = f.array("history");
  if (history.size() != static_cast<std::size_t>(st.step))
    f.fail("history", fmt::format("has {} meta-steps; the checkpoint is at meta-step {}",
                                  history.size(), st.step));
  for (std::size_t i = 0; i < history.size(); ++i)
    st.history.push_back(read_record(history[i], i, s));
  st.validation_start = read_validation(f, "validation_start");
  return st;
}

}  // namespace

std::string experiment_fingerprint(const Experiment& e) {
  Experiment same = e;
  same.meta.steps = 0;
  same.meta.evaluate = 0;
  same.experiment.name.clear();
  same.file = "experiment.toml";
  same.files = {same.file};
  std::string text = resolved_toml(same);
  for (const Experiment& task : e.tasks) text += experiment_fingerprint(task);
  boost::crc_32_type crc;
  crc.process_bytes(text.data(), text.size());
  return fmt::format("{:08x}", crc.checksum());
}

CheckpointShape checkpoint_shape(const Experiment& e, const Setup<sdk::Real>& setup) {
  const Eigen::MatrixXd theta = setup.trace->initial_coefficients();
  CheckpointShape s;
  s.theta_rows = theta.rows();
  s.theta_cols = theta.cols();
  // What meta-learning moves: the lifetimes' tangent directions (the learnable coefficients,
  // log tau_e, the rule's learned parameters) and log eta with [meta] learn_eta.
  s.directions = setup.tangent_directions() + (e.meta.learn_eta ? 1 : 0);
  s.rule_parameters = static_cast<Eigen::Index>(setup.rule_parameters.size());
  s.steps = e.meta.steps;
  s.batch = e.meta.batch;
  s.trials = setup.trials;
  s.optimizer = sdk::choice_name(e.meta.optimizer);
  s.fingerprint = experiment_fingerprint(e);
  return s;
}

// Doubles are written with 17 significant digits, so a resumed run reads back the same bits.
std::string checkpoint_json(const MetaState& s, const CheckpointShape& shape) {
  const Eigen::MatrixXd& th = s.theta;
  nlohmann::json j{{"format", kFormat},
                   {"shape", shape_json(shape)},
                   {"step", s.step},
                   {"theta", std::vector<double>(th.data(), th.data() + th.size())},
                   {"log_eta", s.log_eta},
                   {"adam_m", to_vector(s.m)},
                   {"adam_v", to_vector(s.v)},
                   {"baseline", s.baseline},
                   {"last_step", to_vector(s.last_step)},
                   {"step_scale", s.step_scale},
                   {"backtracks", s.backtracks},
                   {"history", history_json(s.history)},
                   {"validation_start", validation_json(s.validation_start)}};
  if (s.log_tau_e != 0) j["log_tau_e"] = s.log_tau_e;                // [meta] learn_tau_e
  if (s.log_rule.size() > 0) j["log_rule"] = to_vector(s.log_rule);  // [meta] learn_rule
  return j.dump(1) + "\n";
}

MetaState parse_checkpoint(const std::string& text, const CheckpointShape* expected) {
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) throw RunError("checkpoint.json is not valid JSON (cut short or edited?)");
  const Fields f(j, "");
  if (f.integer("format", 0, kIntMax) != kFormat)
    throw RunError(fmt::format(
        "checkpoint.json has format {}, this version reads format {} (a checkpoint of an earlier "
        "version carries no fingerprint to check it with: start the run again)",
        f.at("format").get<std::int64_t>(), kFormat));
  const CheckpointShape shape = read_shape(f.at("shape"));
  if (expected) check_same_shape(shape, *expected);
  if (expected && f.integer("step", 0, kIntMax) > expected->steps)
    throw RunError(
        fmt::format("checkpoint.json is at meta-step {}, beyond this experiment's "
                    "[meta] steps = {}",
                    f.at("step").get<std::int64_t>(), expected->steps));
  return read_state(f, shape);
}

}  // namespace neohebb::core
