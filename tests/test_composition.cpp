// Experiment files that start from others (`base = ...`): one test per composition rule.
#include <fmt/format.h>

#include "core/config/resolved_experiment.hpp"
#include "test_support.hpp"

using namespace neohebb;
using test_support::small_experiment;
using test_support::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace fs = std::filesystem;

namespace {

class Composition : public ::testing::Test {
 protected:
  TempDir dir;
  core::PluginRegistry registry;

  core::Experiment load(const std::string& name, const std::vector<std::string>& sets = {}) {
    return core::load_experiment(dir.path() / name, sets, registry);
  }
  std::vector<std::string> errors(const std::string& name) {
    return test_support::config_errors({dir.path() / name, {}, {}, {}, {}}, registry);
  }
  std::string at(const std::string& name) const { return (dir.path() / name).string(); }
};

}  // namespace

TEST_F(Composition, TablesMergeDeeplyAndTheFileWins) {
  dir.write("base.toml", small_experiment());
  dir.write("exp.toml", "base = \"base.toml\"\n[network]\ngain = 0.7\n[rule]\neta = 0.2\n");
  const auto e = load("exp.toml");
  EXPECT_EQ(e.network.size, 12);   // from the base
  EXPECT_EQ(e.network.gain, 0.7);  // from the file
  EXPECT_EQ(e.plugin("rule").type, "three_factor");
  EXPECT_EQ(e.plugin("rule").params.real("eta"), 0.2);
  EXPECT_EQ(e.name(), "exp");  // the file's stem, not its base's
  EXPECT_EQ(e.files, (std::vector<fs::path>{dir.path() / "base.toml", dir.path() / "exp.toml"}));
}

TEST_F(Composition, AnArrayReplacesNeverAppends) {
  dir.write("base.toml", small_experiment().replace(small_experiment().find("size = 12"), 9,
                                                    "size = 12\nclamped_units = [1, 2, 3]\n"
                                                    "clamped_values = [1.0, 1.0, -1.0]"));
  dir.write("exp.toml",
            "base = \"base.toml\"\n[network]\nclamped_units = [4]\nclamped_values = [0.5]\n");
  const auto e = load("exp.toml");
  EXPECT_EQ(e.network.clamped_units, std::vector<int>{4});
  EXPECT_EQ(e.network.clamped_values, std::vector<double>{0.5});
}

TEST_F(Composition, LaterBasesWinOverEarlierOnes) {
  dir.write("base.toml", small_experiment());
  dir.write("slow.toml", "[rule]\neta = 0.01\n[network]\ngain = 0.5\n");
  dir.write("fast.toml", "[rule]\neta = 0.9\n");
  dir.write("exp.toml", "base = [\"base.toml\", \"slow.toml\", \"fast.toml\"]\n");
  const auto e = load("exp.toml");
  EXPECT_EQ(e.plugin("rule").params.real("eta"), 0.9);
  EXPECT_EQ(e.network.gain, 0.5);
}

TEST_F(Composition, ChainsResolveEachBaseRelativeToItsOwnFile) {
  fs::create_directories(dir.path() / "common");
  dir.write("common/network.toml", small_experiment());
  dir.write("common/task.toml", "base = \"network.toml\"\n[task]\nresponse = 10.0\n");
  dir.write("exp.toml", "base = \"common/task.toml\"\n[experiment]\ntrials = 3\n");
  const auto e = load("exp.toml");
  EXPECT_EQ(e.experiment.trials, 3);
  EXPECT_EQ(e.plugin("task").params.real("response"), 10.0);
  EXPECT_EQ(e.plugin("task").params.real("stimulus1"), 5.0);  // from the base of the base
  EXPECT_EQ(e.files.size(), 3u);
}

TEST_F(Composition, ACycleIsAnErrorNamingItsFiles) {
  dir.write("a.toml", "base = \"b.toml\"\n");
  dir.write("b.toml", "# b\nbase = [\"c.toml\"]\n");
  dir.write("c.toml", "base = \"a.toml\"\n");
  const auto errs = errors("a.toml");
  ASSERT_EQ(errs.size(), 1u);
  const std::string a = fs::weakly_canonical(dir.path() / "a.toml").string(),
                    b = fs::weakly_canonical(dir.path() / "b.toml").string(),
                    c = fs::weakly_canonical(dir.path() / "c.toml").string();
  EXPECT_EQ(errs[0], at("c.toml") + ":1:8: base files form a cycle: " + a + " -> " + b + " -> " +
                         c + " -> " + a);
  dir.write("self.toml", "base = \"self.toml\"\n");
  EXPECT_THAT(errors("self.toml"),
              ElementsAre(HasSubstr("self.toml:1:8: base files form a cycle")));
}

TEST_F(Composition, ADiamondIsNotACycle) {
  dir.write("net.toml", small_experiment());
  dir.write("left.toml", "base = \"net.toml\"\n[rule]\neta = 0.1\n");
  dir.write("right.toml", "base = \"net.toml\"\n[network]\ngain = 0.9\n");
  dir.write("exp.toml", "base = [\"left.toml\", \"right.toml\"]\n");
  const auto e = load("exp.toml");
  // net.toml is composed once, where it first comes: right does not undo what left set.
  EXPECT_EQ(e.plugin("rule").params.real("eta"), 0.1);
  EXPECT_EQ(e.network.gain, 0.9);
  EXPECT_EQ(e.files.size(), 4u);
}

TEST_F(Composition, ErrorsPointIntoTheFileThatWroteTheValue) {
  std::string base = small_experiment();
  base.replace(base.find("size = 12"), 9, "size = -12");  // line 7, column 8
  dir.write("base.toml", base);
  dir.write("exp.toml", "base = \"base.toml\"\n\n[rule]\netta = 1.0\n");
  EXPECT_THAT(
      errors("exp.toml"),
      ElementsAre(
          at("base.toml") + ":7:8: 'size' = -12 for [network] must be >= 1 and <= 2147483647",
          at("exp.toml") + ":4:1: unknown parameter 'etta' for rule 'three_factor' (did you "
                           "mean 'eta'?)"));
}

// A key written in the file and in its base is reported where the file writes it.
TEST_F(Composition, AKeyWrittenTwiceIsReportedInTheFileThatWins) {
  dir.write("base.toml", small_experiment("\n[meta]\nstepz = 1\n"));
  dir.write("exp.toml", "base = \"base.toml\"\n[meta]\nstepz = 2\n");
  EXPECT_THAT(errors("exp.toml"),
              ElementsAre(at("exp.toml") + ":3:1: unknown parameter 'stepz' for [meta] (did you "
                                           "mean 'steps'?)"));
}

TEST_F(Composition, BadBaseEntriesArePositioned) {
  dir.write("missing.toml", "base = \"nowhere.toml\"\n");
  EXPECT_THAT(errors("missing.toml"), ElementsAre(at("missing.toml") + ":1:8: base file '" +
                                                  at("nowhere.toml") + "' does not exist"));
  dir.write("number.toml", "base = [\"missing.toml\", 3]\n");
  EXPECT_THAT(errors("number.toml"),
              ElementsAre(at("number.toml") + ":1:25: base must name experiment files (a file or "
                                              "a list of files), got 3"));
  dir.write("empty.toml", "base = \"\"\n");
  EXPECT_THAT(errors("empty.toml"),
              ElementsAre(at("empty.toml") + ":1:8: base names an empty file name"));
  fs::create_directory(dir.path() / "folder");
  dir.write("folder_base.toml", "base = \"folder\"\n");
  EXPECT_THAT(errors("folder_base.toml"),
              ElementsAre(at("folder_base.toml") + ":1:8: base file '" + at("folder") +
                          "' is a directory, not an experiment file"));
  fs::create_symlink("loop_b", dir.path() / "loop_a");
  fs::create_symlink("loop_a", dir.path() / "loop_b");
  dir.write("loop.toml", "base = \"loop_a\"\n");
  EXPECT_THAT(errors("loop.toml"), ElementsAre(HasSubstr(at("loop.toml") + ":1:8: base file '" +
                                                         at("loop_a") + "' cannot be read (")));
  for (int i = 0; i < 70; ++i)
    dir.write(fmt::format("deep{}.toml", i), fmt::format("base = \"deep{}.toml\"\n", i + 1));
  dir.write("deep70.toml", "");
  EXPECT_THAT(errors("deep0.toml"), ElementsAre(HasSubstr(": base files nest more than 64 deep")));
  dir.write("syntax.toml", "[network\n");
  dir.write("uses_syntax.toml", "base = \"syntax.toml\"\n");
  EXPECT_THAT(errors("uses_syntax.toml"), ElementsAre(HasSubstr(at("syntax.toml") + ":1:")));
}

TEST_F(Composition, OverridesApplyAfterTheBases) {
  dir.write("base.toml", small_experiment());
  dir.write("exp.toml", "base = \"base.toml\"\n[rule]\neta = 0.2\n");
  EXPECT_EQ(load("exp.toml", {"rule.eta=0.3"}).plugin("rule").params.real("eta"), 0.3);
}

TEST_F(Composition, PluginPathsAreRelativeToTheFileThatWritesThem) {
  fs::create_directories(dir.path() / "lab");
  fs::create_directory_symlink(NEOHEBB_TEST_PLUGIN_DIR, dir.path() / "lab" / "plugins");
  dir.write("lab/faulty.toml", "[plugins]\npath = [\"plugins/neohebb-faulty.so\"]\n");
  std::string s = small_experiment();
  s = "base = \"lab/faulty.toml\"\n" + s.substr(0, s.find("[task]")) +
      "[task]\ntype = \"faulty_task\"\nlevel = 1.0\n";
  dir.write("exp.toml", s);
  const auto e = load("exp.toml");
  EXPECT_EQ(e.plugin("task").type, "faulty_task");
  ASSERT_EQ(e.plugin_paths.size(), 1u);
  EXPECT_EQ(e.plugin_paths[0], dir.path() / "lab" / "plugins" / "neohebb-faulty.so");
}

// The run directory's experiment.toml stands alone: no base, every value written out, and it
// loads to the same experiment.
TEST_F(Composition, TheResolvedExperimentIsExpandedAndLoadsToTheSameResult) {
  dir.write("base.toml", small_experiment());
  dir.write("exp.toml", "base = \"base.toml\"\n[network]\ngain = 0.7\n[rule]\neta = 0.2\n");
  const auto e = load("exp.toml");
  const std::string resolved = core::resolved_toml(e);
  EXPECT_THAT(resolved, HasSubstr("# exp.toml composed with its base files (base.toml), with every "
                                  "default filled in\n"));
  EXPECT_THAT(resolved, ::testing::Not(HasSubstr("\nbase =")));
  EXPECT_THAT(resolved, HasSubstr("gain = 0.7\n"));
  EXPECT_THAT(resolved, HasSubstr("size = 12\n"));
  fs::create_directories(dir.path() / "elsewhere");
  dir.write("elsewhere/experiment.toml", resolved);
  const auto again = load("elsewhere/experiment.toml");
  EXPECT_TRUE(static_cast<const core::CoreSections&>(again) ==
              static_cast<const core::CoreSections&>(e));
  for (const auto& [section, choice] : e.plugins) {
    EXPECT_EQ(choice.type, again.plugin(section).type);
    EXPECT_EQ(choice.params.values(), again.plugin(section).params.values()) << section;
  }
  const std::string twice = core::resolved_toml(again);
  EXPECT_EQ(twice.substr(twice.find('\n')), resolved.substr(resolved.find('\n')));
}

// A plugin section that swaps its component starts afresh: the parameters below it belong to the
// other component (merged, they would be unknown parameters of the new one).
TEST_F(Composition, APluginSectionWithAnotherTypeReplacesTheOneBelow) {
  dir.write("base.toml", small_experiment());  // [trace] monomial with degree and coefficients
  dir.write("exp.toml", "base = \"base.toml\"\n[trace]\ntype = \"hebbian\"\n[rule]\neta = 0.2\n");
  const auto e = load("exp.toml");
  EXPECT_EQ(e.plugin("trace").type, "hebbian");
  EXPECT_FALSE(e.plugin("trace").params.contains("degree"));
  EXPECT_EQ(e.plugin("rule").params.text("baseline"), "per_condition");  // same type: merged
  EXPECT_EQ(e.plugin("rule").params.real("eta"), 0.2);
}
