// Checkpoints: written and read back bit for bit, and every way a checkpoint can be cut short,
// edited or written by another experiment is an error that names the field, never a crash or a
// run that goes on with garbage.
#include <cmath>

#include <nlohmann/json.hpp>

#include "core/meta/checkpoint.hpp"
#include "core/meta/meta_learner.hpp"
#include "test_support.hpp"

using namespace neohebb;
using test_support::small_experiment;
using test_support::TempDir;
using ::testing::HasSubstr;

namespace {

const char* kMeta = R"(
[meta]
steps = 4
batch = 2
estimator = "reinforce"
)";

struct Fixture {
  TempDir dir;
  core::PluginRegistry registry;
  core::Experiment e;
  core::Setup<sdk::Real> setup;
  core::CheckpointShape shape;
  core::MetaState state;  // after two meta-steps
  // REINFORCE (its baseline is checkpointed too), with `overrides` on top.
  explicit Fixture(std::vector<std::string> overrides = {})
      : e(load(dir, registry, std::move(overrides))),
        setup(core::make_setup<sdk::Real>(e)),
        shape(core::checkpoint_shape(e, setup)) {
    const core::MetaLearner learner(setup, e.meta);
    state = learner.initial_state();
    while (state.step < 2) learner.step(state, 1);
  }
  static core::Experiment load(const TempDir& dir, core::PluginRegistry& registry,
                               std::vector<std::string> overrides) {
    overrides.insert(overrides.begin(), "experiment.reward=policy");
    return core::load_experiment(dir.write("exp.toml", small_experiment(kMeta)), overrides,
                                 registry);
  }
  nlohmann::json json() const { return nlohmann::json::parse(core::checkpoint_json(state, shape)); }
  // The message parse_checkpoint throws for `j` (empty when it is accepted).
  std::string error_for(const nlohmann::json& j) const {
    try {
      core::parse_checkpoint(j.dump(), &shape);
    } catch (const core::RunError& err) {
      return err.what();
    }
    return "";
  }
};

}  // namespace

TEST(Checkpoint, ReadsBackWhatItWrote) {
  Fixture f;
  const core::MetaState back =
      core::parse_checkpoint(core::checkpoint_json(f.state, f.shape), &f.shape);
  EXPECT_EQ(back.step, 2);
  EXPECT_EQ(back.theta, f.state.theta);
  EXPECT_EQ(back.m, f.state.m);
  EXPECT_EQ(back.v, f.state.v);
  EXPECT_EQ(back.baseline, f.state.baseline);
  EXPECT_EQ(back.last_step, f.state.last_step);
  ASSERT_EQ(back.history.size(), 2u);
  EXPECT_EQ(back.history[1].theta, f.state.history[1].theta);
  EXPECT_EQ(core::checkpoint_json(back, f.shape), core::checkpoint_json(f.state, f.shape));
}

// The validations and the gradient's signal-to-noise ratios go through the checkpoint too (a
// resumed run rewrites meta_metrics.csv and gradient_snr.csv from it); a checkpoint without
// them, as written before they existed, reads as none.
TEST(Checkpoint, KeepsValidationsAndGradientSnr) {
  Fixture f;
  f.state.validation_start = core::ValidationResult{4, 1, -0.5, 0.75, {}, {}};
  f.state.history[1].validation = core::ValidationResult{4, 4, 0, 0, {}, {}};  // every one diverged
  ASSERT_EQ(f.state.history[1].gradient_snr.size(), f.shape.directions);
  const core::MetaState back =
      core::parse_checkpoint(core::checkpoint_json(f.state, f.shape), &f.shape);
  ASSERT_TRUE(back.validation_start);
  EXPECT_EQ(back.validation_start->objective, -0.5);
  EXPECT_EQ(back.validation_start->diverged, 1);
  EXPECT_FALSE(back.history[0].validation);
  ASSERT_TRUE(back.history[1].validation);
  EXPECT_TRUE(std::isnan(back.history[1].validation->objective));
  EXPECT_EQ(back.history[1].gradient_snr, f.state.history[1].gradient_snr);
  EXPECT_EQ(core::checkpoint_json(back, f.shape), core::checkpoint_json(f.state, f.shape));

  auto older = f.json();
  older.erase("validation_start");
  for (auto& h : older["history"]) h.erase("gradient_snr"), h.erase("validation");
  EXPECT_EQ(f.error_for(older), "");
  auto wrong = f.json();
  wrong["history"][0]["gradient_snr"].push_back(1.0);
  EXPECT_THAT(f.error_for(wrong), HasSubstr("history[0]: gradient_snr has"));
  wrong = f.json();
  wrong["validation_start"]["diverged"] = 5;
  EXPECT_THAT(f.error_for(wrong), HasSubstr("validation_start: diverged"));
}

TEST(Checkpoint, ArraysOfTheWrongLengthAreRefused) {
  Fixture f;
  for (const char* key : {"theta", "adam_m", "adam_v", "last_step", "baseline"}) {
    auto shorter = f.json();
    shorter[key].erase(shorter[key].size() - 1);
    EXPECT_THAT(f.error_for(shorter), HasSubstr(std::string(key) + " has")) << key;
    auto longer = f.json();
    longer[key].push_back(0.0);
    EXPECT_THAT(f.error_for(longer), HasSubstr(std::string(key) + " has")) << key;
  }
  auto history = f.json();
  history["history"][0]["theta"].push_back(1.0);
  EXPECT_THAT(f.error_for(history), HasSubstr("history[0]: theta has"));
}

TEST(Checkpoint, FieldsOutOfRangeAreRefused) {
  Fixture f;
  const auto with = [&](const std::string& key, const nlohmann::json& value) {
    auto j = f.json();
    j[key] = value;
    return f.error_for(j);
  };
  EXPECT_THAT(with("step", 99), HasSubstr("beyond this experiment's [meta] steps = 4"));
  EXPECT_THAT(with("step", -1), HasSubstr("step = -1 is out of range"));
  EXPECT_THAT(with("step", std::uint64_t{1} << 40), HasSubstr("out of range"));
  EXPECT_THAT(with("step", 3), HasSubstr("history has 2 meta-steps; the checkpoint is at "
                                         "meta-step 3"));
  EXPECT_THAT(with("step_scale", 0.0), HasSubstr("step_scale = 0 is out of range"));
  EXPECT_THAT(with("step_scale", 2.0), HasSubstr("out of range"));
  EXPECT_THAT(with("backtracks", -3), HasSubstr("backtracks = -3"));
  EXPECT_THAT(with("step", "2"), HasSubstr("step is not an integer"));
  auto negative_v = f.json();
  negative_v["adam_v"][0] = -1.0;
  EXPECT_THAT(f.error_for(negative_v), HasSubstr("adam_v[0] is not a finite number >= 0"));
  auto nan_theta = f.json();
  nan_theta["theta"][1] = nullptr;  // how JSON writes NaN
  EXPECT_THAT(f.error_for(nan_theta), HasSubstr("theta[1] is not a finite number"));
  auto step_order = f.json();
  step_order["history"][1]["step"] = 1;
  EXPECT_THAT(f.error_for(step_order), HasSubstr("history[1]: step = 1 is out of range [2, 2]"));
  auto skipped = f.json();
  skipped["history"][0]["skipped"] = {{{"lifetime", 7}, {"trial", 1}, {"error", "x"}}};
  EXPECT_THAT(f.error_for(skipped), HasSubstr("lifetime = 7 is out of range [0, 1]"));
}

TEST(Checkpoint, MissingFieldsAndBrokenFilesAreRefused) {
  Fixture f;
  for (const char* key : {"format", "shape", "step", "theta", "adam_m", "history"}) {
    auto j = f.json();
    j.erase(key);
    EXPECT_THAT(f.error_for(j), HasSubstr(std::string(key) + " is missing")) << key;
  }
  const std::string text = core::checkpoint_json(f.state, f.shape);
  EXPECT_THROW(core::parse_checkpoint(text.substr(0, text.size() / 2), &f.shape), core::RunError);
  EXPECT_THROW(core::parse_checkpoint("[1, 2]", &f.shape), core::RunError);
  auto old = f.json();
  old["format"] = 1;
  EXPECT_THAT(f.error_for(old), HasSubstr("format 1"));
}

TEST(Checkpoint, AnotherExperimentsCheckpointIsRefused) {
  Fixture f;
  Fixture other_trace({"trace.degree=3", "trace.coefficients=[]"});
  EXPECT_THAT(f.error_for(other_trace.json()), HasSubstr("its trace is 4 x 4, this experiment's "
                                                         "is 3 x 3"));
  Fixture fewer_learnable({"trace.learnable=[1, 1, 1, 1, 1, 1, 1, 1, 0]"});
  EXPECT_THAT(f.error_for(fewer_learnable.json()),
              HasSubstr("its number of learnable coefficients is 8, this experiment's is 9"));
  Fixture other_batch({"meta.batch=3"});
  EXPECT_THAT(f.error_for(other_batch.json()), HasSubstr("its meta-batch is 3"));
  Fixture other_rate({"meta.learning_rate=0.5"});
  EXPECT_THAT(f.error_for(other_rate.json()), HasSubstr("experiment fingerprint"));
}

TEST(Checkpoint, TheFingerprintIgnoresWhatMayChangeOnResume) {
  Fixture f;
  core::Experiment e = f.e;
  e.meta.steps = 40;
  e.meta.evaluate = 3;
  e.experiment.name = "renamed";
  EXPECT_EQ(core::experiment_fingerprint(e), core::experiment_fingerprint(f.e));
  e.network.gain = 1.25;
  EXPECT_NE(core::experiment_fingerprint(e), core::experiment_fingerprint(f.e));
}
