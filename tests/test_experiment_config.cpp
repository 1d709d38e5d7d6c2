#include "core/config/resolved_experiment.hpp"
#include "core/engine/setup.hpp"
#include "test_support.hpp"

using namespace neohebb;
using test_support::config_errors;
using test_support::small_experiment;
using test_support::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace {
// Replaces the first occurrence of `from` in the small experiment.
std::string edited(const std::string& from, const std::string& to) {
  std::string s = small_experiment();
  const auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return s.replace(at, from.size(), to);
}
}  // namespace

class Config : public ::testing::Test {
 protected:
  TempDir dir;
  std::string file() const { return (dir.path() / "exp.toml").string(); }
};

TEST_F(Config, SmallExperimentIsValid) {
  EXPECT_TRUE(config_errors(dir, small_experiment()).empty());
}

TEST_F(Config, SyntaxErrorNamesLineAndColumn) {
  const auto errs = config_errors(dir, "[experiment]\nseed = 1,\n");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_THAT(errs[0], HasSubstr(file() + ":2:9: "));
}

TEST_F(Config, UnknownKeyWithSuggestion) {
  EXPECT_THAT(
      config_errors(dir, edited("eta = 0.5", "etta = 0.5")),
      ElementsAre(file() +
                  ":24:1: unknown parameter 'etta' for rule 'three_factor' (did you mean 'eta'?)"));
}

TEST_F(Config, UnknownSectionWithSuggestion) {
  const auto errs = config_errors(dir, small_experiment("\n[taks]\nx = 1\n"));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_THAT(errs[0], HasSubstr(file() + ":35:2: unknown section [taks] (did you mean task?)"));
}

TEST_F(Config, WrongType) {
  EXPECT_THAT(config_errors(dir, edited("size = 12", "size = \"twelve\"")),
              ElementsAre(file() + ":7:8: 'size' for [network] must be integer, got \"twelve\""));
  EXPECT_THAT(config_errors(dir, edited("size = 12", "size = 12.5")),
              ElementsAre(file() + ":7:8: 'size' for [network] must be integer, got 12.5"));
}

TEST_F(Config, OutOfRange) {
  EXPECT_THAT(config_errors(dir, edited("tau = 10.0", "tau = -2.0")),
              ElementsAre(file() + ":15:7: 'tau' = -2.0 for neuron 'rate_tanh' must be > 0"));
  EXPECT_THAT(
      config_errors(dir, edited("probability = 0.01", "probability = 1.5")),
      ElementsAre(file() + ":10:15: 'probability' = 1.5 for [exploration] must be >= 0 and <= 1"));
}

TEST_F(Config, ListElementOutOfRange) {
  EXPECT_THAT(
      config_errors(dir, edited("degree = 2", "degree = 2\nlearnable = [1, 0, 1.5]")),
      ElementsAre(file() +
                  ":20:20: 'learnable'[2] for trace 'monomial' must be an integer, got 1.5"));
}

TEST_F(Config, ChoiceWithSuggestion) {
  EXPECT_THAT(
      config_errors(dir, edited("eta = 0.5", "eta = 0.5\nbaseline = \"percondition\"")),
      ElementsAre(file() +
                  ":25:12: 'baseline' = \"percondition\" for rule 'three_factor' must be one of "
                  "\"global\", \"per_condition\", \"none\" (did you mean \"per_condition\"?)"));
}

TEST_F(Config, UnknownPluginListsTheAvailableOnes) {
  const auto errs = config_errors(dir, edited("type = \"three_factor\"", "type = \"threefactor\""));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_THAT(
      errs[0],
      HasSubstr(file() + ":23:8: unknown rule 'threefactor' (did you mean 'three_factor'?); "
                         "available plasticity rules: three_factor"));
}

TEST_F(Config, MissingPluginSection) {
  std::string s = small_experiment();
  s = s.substr(0, s.find("[task]"));
  const auto errs = config_errors(dir, s);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_THAT(
      errs[0],
      HasSubstr(
          file() +
          ":1:1: missing section [task]; available tasks: delayed_match_to_sample, dnms, go_nogo, "
          "parametric_working_memory, perceptual_decision, selective_integration"));
}

TEST_F(Config, MissingRequiredParameter) {
  std::string s = small_experiment();
  s = "[plugins]\npath = [\"" NEOHEBB_TEST_PLUGIN_DIR "/neohebb-faulty.so\"]\n\n" +
      s.substr(0, s.find("[task]")) + "[task]\ntype = \"faulty_task\"\n";
  EXPECT_THAT(
      config_errors(dir, s),
      ElementsAre(
          file() +
          ":29:1: missing required parameter 'level' for task 'faulty_task' (a required value)"));
}

TEST_F(Config, EveryProblemIsReportedAtOnce) {
  std::string s = edited("size = 12", "size = -1");
  s.replace(s.find("tau = 10.0"), 10, "tauu = 10.0");
  s.replace(s.find("eta = 0.5"), 9, "eta = true");
  const auto errs = config_errors(dir, s);
  ASSERT_EQ(errs.size(), 3u);
  EXPECT_THAT(errs[0], HasSubstr(":7:8: 'size' = -1 for [network] must be >= 1"));
  EXPECT_THAT(
      errs[1],
      HasSubstr(":15:1: unknown parameter 'tauu' for neuron 'rate_tanh' (did you mean 'tau'?)"));
  EXPECT_THAT(errs[2], HasSubstr(":24:7: 'eta' for rule 'three_factor' must be real, got true"));
}

TEST_F(Config, OverridesApplyBeforeValidation) {
  core::PluginRegistry registry;
  const auto e = core::load_experiment(
      dir.write("exp.toml", small_experiment()),
      {"rule.eta=0.25", "experiment.name=renamed", "rule.baseline=global"}, registry);
  EXPECT_EQ(e.plugin("rule").params.real("eta"), 0.25);
  EXPECT_EQ(e.plugin("rule").params.text("baseline"), "global");
  EXPECT_EQ(e.name(), "renamed");
  const auto errs = config_errors(dir, small_experiment(), {"rule.eta=-1"});
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_THAT(errs[0],
              HasSubstr("--set rule.eta=-1:1:10: 'eta' = -1 for rule 'three_factor' must be >= 0"));
  EXPECT_THAT(config_errors(dir, small_experiment(), {"rule.baseline=percondition"}),
              ElementsAre(HasSubstr(
                  "--set rule.baseline=percondition:1:15: 'baseline' = \"percondition\"")));
  EXPECT_THAT(config_errors(dir, small_experiment(), {"eta=1"}),
              ElementsAre("--set eta=1: expected section.key=value"));
}

// A plugin's own refusal (a cross-field constraint) points at the parameter it names.
TEST_F(Config, PluginParameterErrorIsPositioned) {
  core::PluginRegistry registry;
  const auto e = core::load_experiment(
      dir.write("exp.toml", edited("coefficients = [0.0, 0.1, 0.0, 0.2, -0.5, 0.1, 0.0, 0.3, 0.0]",
                                   "coefficients = [1.0, 2.0]")),
      {}, registry);
  try {
    core::make_setup<double>(e);
    FAIL() << "expected a ConfigError";
  } catch (const core::ConfigError& err) {
    EXPECT_THAT(err.messages(),
                ElementsAre(file() +
                            ":20:16: trace 'monomial': parameter 'coefficients': coefficients must "
                            "hold (degree+1)^2 = 9 values, got 2"));
  }
}

TEST_F(Config, CrossSectionChecks) {
  core::PluginRegistry registry;
  const auto e = core::load_experiment(
      dir.write("exp.toml", edited("size = 12",
                                   "size = 12\nreadout = \"unit\"\nreadout_units = [0, 1]\n"
                                   "clamped_units = [3, 40]\nclamped_values = [1.0]")),
      {}, registry);
  try {
    core::make_setup<double>(e);
    FAIL() << "expected a ConfigError";
  } catch (const core::ConfigError& err) {
    EXPECT_THAT(
        err.messages(),
        ElementsAre(
            file() + ":10:17: [network] clamped_units holds unit 40, outside 0..11 (size = 12)",
            file() + ":11:18: [network] clamped_values has 1 values for 2 clamped_units",
            file() + ":9:17: [network] readout_units has 2 units but task 'dnms' has 1 output(s)"));
  }
}

// The resolved experiment is itself a valid experiment that resolves to the same values.
TEST_F(Config, ResolvedExperimentRoundTrips) {
  core::PluginRegistry registry;
  const auto e = core::load_experiment(dir.write("exp.toml", small_experiment()), {}, registry);
  const std::string resolved = core::resolved_toml(e);
  EXPECT_THAT(resolved, HasSubstr("name = \"exp\"\n"));  // the default name is the file's stem
  EXPECT_THAT(resolved, HasSubstr("tau_e = inf\n"));
  EXPECT_THAT(resolved, HasSubstr("warmup_trials = 0\n"));
  const auto again = core::load_experiment(dir.write("resolved.toml", resolved), {}, registry);
  EXPECT_TRUE(static_cast<const core::CoreSections&>(e) ==
              static_cast<const core::CoreSections&>(again));
  for (const auto& [name, choice] : e.plugins) {
    EXPECT_EQ(choice.type, again.plugins.at(name).type);
    EXPECT_EQ(choice.params.values(), again.plugins.at(name).params.values()) << name;
  }
}
