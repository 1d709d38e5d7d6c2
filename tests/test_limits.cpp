// Limits: every integer is checked against what the engine holds (never cut to 32 bits), reals
// are finite unless declared otherwise, names cannot leave the run folder, and sizes that could
// never run (a trial of millions of steps, records beyond memory, an endless file) are refused
// with a message that says which value and why.
#include <climits>
#include <fstream>

#include "core/config/document.hpp"
#include "core/engine/setup.hpp"
#include "test_support.hpp"

using namespace neohebb;
using test_support::config_errors;
using test_support::small_experiment;
using test_support::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

namespace {

// The first message of loading and setting up `toml` with `overrides` ("" when both succeed).
std::string setup_error(const TempDir& dir, const std::string& toml,
                        const std::vector<std::string>& overrides = {}) {
  core::PluginRegistry registry;
  try {
    const auto e = core::load_experiment(dir.write("exp.toml", toml), overrides, registry);
    core::make_setup<sdk::Real>(e);
  } catch (const core::ConfigError& err) {
    return err.messages().front();
  }
  return "";
}

std::string first_error(const TempDir& dir, const std::vector<std::string>& overrides) {
  const auto errors = config_errors(dir, small_experiment(), overrides);
  return errors.empty() ? "" : errors.front();
}

}  // namespace

TEST(Limits, PluginIntegersAreBoundedByAnIntUnlessWidened) {
  const auto spec = sdk::ParamSpec::integer("count", 3, "a count");
  ASSERT_TRUE(spec.min && spec.max);
  EXPECT_EQ(*spec.min, double(INT_MIN));
  EXPECT_EQ(*spec.max, double(INT_MAX));
  const auto narrowed = sdk::ParamSpec::integer("count", 3, "a count").at_least(1);
  EXPECT_EQ(*narrowed.min, 1.0);
  EXPECT_EQ(*narrowed.max, double(INT_MAX));
  const auto list = sdk::ParamSpec::integers("units", {}, "units");
  EXPECT_EQ(*list.max, double(INT_MAX));
  const auto required = sdk::ParamSpec::required("n", sdk::ParamType::Int, "n");
  EXPECT_EQ(*required.max, double(INT_MAX));
}

TEST(Limits, AnIntegerPastItsTypeIsRefusedNotWrapped) {
  TempDir dir;
  EXPECT_THAT(config_errors(dir, small_experiment("\n[analysis.fixed_points]\n"
                                                  "max_iterations = 4294967297\n")),
              ElementsAre(HasSubstr("exp.toml:36:18: 'max_iterations' = 4294967297 for analysis "
                                    "'fixed_points' must be >= 1 and <= 2147483647")));
  EXPECT_THAT(first_error(dir, {"meta.steps=4294967296"}),
              HasSubstr("must be >= 0 and <= 2147483647"));
  EXPECT_THAT(first_error(dir, {"experiment.lifetimes=4611686018427387904"}),
              HasSubstr("<= 2147483647"));
  EXPECT_THAT(first_error(dir, {"network.readout_units=[4294967296]"}),
              HasSubstr("must be >= 0 and <= 2147483647"));
  EXPECT_THAT(first_error(dir, {"exploration.start_step=4294967297"}), HasSubstr("<= 2147483647"));
  // 64-bit fields keep their range.
  EXPECT_THAT(config_errors(dir, small_experiment(), {"experiment.seed=1099511627776"}), IsEmpty());
}

TEST(Limits, InfinityIsRefusedUnlessItMeansSomething) {
  TempDir dir;
  EXPECT_THAT(
      first_error(dir, {"rule.eta=inf"}),
      HasSubstr("--set rule.eta=inf:1:10: 'eta' = inf for rule 'three_factor' must be finite"));
  EXPECT_THAT(first_error(dir, {"task.stimulus1=inf"}), HasSubstr("must be finite"));
  EXPECT_THAT(first_error(dir, {"exploration.amplitude=-inf"}), HasSubstr("must be finite"));
  EXPECT_THAT(first_error(dir, {"neuron.tau=inf"}), HasSubstr("must be finite"));
  EXPECT_THAT(config_errors(dir, small_experiment(), {"eligibility.tau_e=inf"}), IsEmpty());
}

TEST(Limits, NamesStayInsideTheRunFolder) {
  TempDir dir;
  for (const char* bad : {"\"../../x\"", "\"a/b\"", "\".hidden\"", "\"a\\nb\"", "\"a b\""})
    EXPECT_THAT(first_error(dir, {std::string("experiment.name=") + bad}),
                HasSubstr("[experiment] name must be 1 to 100 letters, digits"))
        << bad;
  EXPECT_THAT(first_error(dir, {"experiment.name=\"" + std::string(101, 'a') + "\""}),
              HasSubstr("(101 characters)"));
  EXPECT_THAT(config_errors(dir, small_experiment(), {"experiment.name=\"run-1_b.2\""}), IsEmpty());
  core::PluginRegistry registry;
  const auto e =
      core::load_experiment(dir.write("my exp (copy).toml", small_experiment()), {}, registry);
  EXPECT_EQ(e.name(), "my_exp__copy_");
}

TEST(Limits, AnOverrideIsOneLine) {
  TempDir dir;
  EXPECT_THAT(first_error(dir, {"experiment.trials=5\nseed=2"}),
              HasSubstr("1:20: control character 0x0a: an override is one line"));
  EXPECT_THAT(first_error(dir, {std::string("experiment.trials=5\0x", 21)}),
              HasSubstr("control character 0x00"));
  EXPECT_THAT(first_error(dir, {"experiment.trials=5 # a comment"}), IsEmpty());
}

TEST(Limits, ExperimentFilesHaveASizeLimit) {
  TempDir dir;
  {
    std::ofstream big(dir.path() / "big.toml");
    big << small_experiment() << "\n# " << std::string(core::kMaxExperimentFileBytes, 'x') << "\n";
  }
  core::PluginRegistry registry;
  EXPECT_THAT(config_errors({dir.path() / "big.toml", {}, {}, {}, {}}, registry),
              ElementsAre(HasSubstr("is larger than 16 MiB, the limit for an experiment file")));
  EXPECT_THAT(config_errors({"/dev/zero", {}, {}, {}, {}}, registry),
              ElementsAre(HasSubstr("/dev/zero: is larger than 16 MiB")));
}

TEST(Limits, TrialsThatCouldNeverRunAreRefusedAtSetUp) {
  TempDir dir;
  EXPECT_THAT(setup_error(dir, small_experiment(), {"neuron.dt=1e-5"}),
              HasSubstr("lasts 2500000 steps at dt = 1e-05 ms, more than the 1000000"));
  EXPECT_THAT(setup_error(dir, small_experiment(), {"experiment.trials=1152921504606846976"}),
              HasSubstr("2 lifetimes of 1152921504606846976 trials each need at least"));
  EXPECT_THAT(setup_error(dir, small_experiment(), {"experiment.lifetimes=200000000"}),
              HasSubstr("--set experiment.lifetimes=200000000:1:22: 200000000 lifetimes of 6 "
                        "trials each need at least"));
  EXPECT_EQ(setup_error(dir, small_experiment()), "");
}
