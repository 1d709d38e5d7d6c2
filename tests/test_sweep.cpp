// Sweeps: the grid of a [sweep] table or of --grid arguments, the points it makes, and the
// sweep directory (a failing point is recorded, a finished sweep is not run twice).
#include <fstream>

#include <fmt/format.h>

#include "core/config/document.hpp"
#include "core/config/sweep_grid.hpp"
#include "core/run/sweep.hpp"
#include "test_support.hpp"

using namespace neohebb;
using test_support::small_experiment;
using test_support::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace fs = std::filesystem;

namespace {

class Sweep : public ::testing::Test {
 protected:
  TempDir dir;
  core::PluginRegistry registry;

  core::ExperimentSource source(const std::string& toml, std::vector<std::string> grid = {}) {
    return {dir.write("exp.toml", toml), {}, std::move(grid), {}, {}};
  }
  std::vector<std::string> labels(const core::SweepAxis& axis) const {
    std::vector<std::string> out;
    for (const auto& v : axis.values) out.push_back(v.label);
    return out;
  }
  std::vector<std::string> errors(const core::ExperimentSource& s) {
    return test_support::config_errors(s, registry);
  }
  core::SweepOutcome run(const core::ExperimentSource& s, const std::string& out = "sweep") {
    return core::run_sweep(s, registry, {dir.path() / out, 2, "test"}, core::silent_reporter());
  }
  std::string at(int line, int column) const {
    return fmt::format("{}:{}:{}", (dir.path() / "exp.toml").string(), line, column);
  }
};

std::string read(const fs::path& file) {
  std::ifstream in(file);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_F(Sweep, AxesComeInTheOrderTheFileWritesThem) {
  const auto grid = core::sweep_grid(source(small_experiment(R"(
[sweep.grid]
"rule.eta" = [0.1, 0.2, 0.3]
network.size = [8, 10]
[sweep.variants.rule_kind]
plain = {}
hebbian = { trace = { type = "hebbian" } }
[sweep.grid.task]
response = [5.0]
)"),
                                            {"rule.baseline=global,none"}));
  ASSERT_EQ(grid.size(), 5u);
  EXPECT_EQ(grid[0].name, "rule.eta");
  EXPECT_THAT(labels(grid[0]), ElementsAre("0.1", "0.2", "0.3"));
  EXPECT_EQ(grid[1].name, "network.size");
  EXPECT_THAT(labels(grid[1]), ElementsAre("8", "10"));
  EXPECT_EQ(grid[2].name, "rule_kind");
  EXPECT_THAT(labels(grid[2]), ElementsAre("plain", "hebbian"));
  EXPECT_EQ(grid[3].name, "task.response");
  EXPECT_EQ(grid[4].name, "rule.baseline");  // --grid axes after the file's
  EXPECT_THAT(labels(grid[4]), ElementsAre("global", "none"));
  const auto points = core::grid_points(grid);
  ASSERT_EQ(points.size(), 3u * 2 * 2 * 1 * 2);
  EXPECT_THAT(points[1], ElementsAre(0, 0, 0, 0, 1));  // the last axis varies fastest
  EXPECT_THAT(points.back(), ElementsAre(2, 1, 1, 0, 1));
}

TEST_F(Sweep, AGridArgumentSplitsAtCommasOutsideBracketsAndQuotes) {
  const auto axis = core::grid_axis("network.clamped_units=[1, 2],[3], []");
  EXPECT_THAT(labels(axis), ElementsAre("[1, 2]", "[3]", "[]"));
  EXPECT_THAT(labels(core::grid_axis("experiment.name=\"a,b\",c")), ElementsAre("a,b", "c"));
  EXPECT_THROW(core::grid_axis("eta=0.1"), core::ConfigError);   // no section
  EXPECT_THROW(core::grid_axis("rule.eta"), core::ConfigError);  // no values
  EXPECT_THROW(core::grid_axis("rule.eta=0.1,,0.2"), core::ConfigError);
}

TEST_F(Sweep, GridProblemsArePositioned) {
  EXPECT_THAT(errors(source(small_experiment("\n[sweep.grid]\n\"rule.eta\" = []\n"))),
              ElementsAre(at(36, 14) + ": [sweep.grid] rule.eta must list the values of the axis "
                                       "(a non-empty array)"));
  EXPECT_THAT(errors(source(small_experiment("\n[sweep.grid]\neta = [1]\n"))),
              ElementsAre(at(36, 1) + ": [sweep.grid] 'eta' is not section.key or base"));
  EXPECT_THAT(errors(source(small_experiment("\n[sweep.variants.kind]\na = 3\n"))),
              ElementsAre(at(36, 5) + ": variant 'a' of [sweep.variants.kind] must be a table of "
                                      "settings, got 3"));
  EXPECT_THAT(errors(source(small_experiment("\n[sweep]\ngrids = 1\n"))),
              ElementsAre(at(36, 1) + ": unknown key 'grids' in [sweep] (did you mean 'grid'?); "
                                      "it holds [sweep.grid] and [sweep.variants.<axis>]"));
}

// A bad value is found before anything runs, and reported at its place in the [sweep] table.
TEST_F(Sweep, EveryPointIsValidatedFirstAndItsErrorsPointIntoTheGrid) {
  const auto s = source(small_experiment("\n[sweep.grid]\n\"rule.eta\" = [0.1, -1.0]\n"));
  try {
    core::run_sweep(s, registry, {dir.path() / "sweep", 1, ""}, core::silent_reporter());
    FAIL() << "an invalid point was accepted";
  } catch (const core::ConfigError& err) {
    EXPECT_THAT(err.messages(), ElementsAre("point_001 (rule.eta = -1.0): " + at(36, 20) +
                                            ": 'eta' = -1.0 for rule 'three_factor' must be >= 0"));
  }
  EXPECT_FALSE(fs::exists(dir.path() / "sweep"));
}

TEST_F(Sweep, AVariantsErrorsPointIntoTheVariant) {
  const auto s = source(
      small_experiment("\n[sweep.variants.rule]\nok = {}\nbad = { rule = { eta = -1.0 } }\n"));
  EXPECT_THROW(core::validate_sweep(s, registry), core::ConfigError);
  try {
    core::validate_sweep(s, registry);
  } catch (const core::ConfigError& err) {
    EXPECT_THAT(err.messages(), ElementsAre("point_001 (rule = bad): " + at(37, 24) +
                                            ": 'eta' = -1.0 for rule 'three_factor' must be >= 0"));
  }
}

TEST_F(Sweep, ABaseAxisReplacesTheFilesBases) {
  std::string net = small_experiment();
  dir.write("small.toml", net.replace(net.find("size = 12"), 9, "size = 12"));
  dir.write("large.toml",
            small_experiment().replace(small_experiment().find("size = 12"), 9, "size = 14"));
  const auto s = source(
      "base = \"small.toml\"\n[experiment]\ntrials = 2\n[sweep.grid]\nbase = [\"small.toml\", "
      "\"large.toml\"]\n");
  const auto out = run(s);
  ASSERT_EQ(out.points.size(), 2u);
  ASSERT_EQ(out.count(core::SweepPoint::Status::Done), 2);
  EXPECT_THAT(read(dir.path() / "sweep/point_000/experiment.toml"), HasSubstr("size = 12\n"));
  EXPECT_THAT(read(dir.path() / "sweep/point_001/experiment.toml"), HasSubstr("size = 14\n"));
  EXPECT_THAT(read(dir.path() / "sweep/point_001/experiment.toml"), HasSubstr("trials = 2\n"));
  EXPECT_THAT(read(dir.path() / "sweep/sweep.csv"), HasSubstr("point_001,done,large.toml,2,0,"));
}

TEST_F(Sweep, APointThatFailsIsRecordedWithItsErrorAndTheOthersRun) {
  std::string s = small_experiment();
  s = "[plugins]\npath = [\"" NEOHEBB_TEST_PLUGIN_DIR "/neohebb-faulty.so\"]\n" + s +
      "\n[sweep.variants.task]\ndnms = {}\n"
      "faulty = { task = { type = \"faulty_task\", level = 1.0, fail = \"trial\" } }\n"
      "steady = { task = { type = \"faulty_task\", level = 1.0 } }\n";
  const auto out = run(source(s));
  ASSERT_EQ(out.points.size(), 3u);
  EXPECT_EQ(out.points[0].status, core::SweepPoint::Status::Done);
  EXPECT_EQ(out.points[1].status, core::SweepPoint::Status::Failed);
  EXPECT_EQ(out.points[1].error, "lifetime 0: trial 3: faulty_task: asked to fail in trial 3");
  EXPECT_EQ(out.points[2].status, core::SweepPoint::Status::Done);
  const std::string csv = read(dir.path() / "sweep/sweep.csv");
  EXPECT_THAT(
      csv, HasSubstr("\npoint_001,failed,faulty,,,,,,,,,,,,,,,,lifetime 0: trial 3: faulty_task: "
                     "asked to fail in trial 3\n"));
  EXPECT_FALSE(fs::exists(dir.path() / "sweep/point_001"));
  EXPECT_FALSE(fs::exists(dir.path() / "sweep/point_001.partial"));
}

// [sweep] is read from the file given to `neohebb sweep`, whose bases a point may replace.
TEST_F(Sweep, ASweepTableInABaseFileIsRefused) {
  const auto e = core::load_experiment(
      source(small_experiment("\n[sweep.grid]\n\"rule.eta\" = [0.1]\n")), registry);
  EXPECT_TRUE(e.sweep);
  dir.write("uses.toml", "base = \"exp.toml\"\n");
  EXPECT_THAT(errors({dir.path() / "uses.toml", {}, {}, {}, {}}),
              ElementsAre(at(35, 1) + ": [sweep] belongs in the file given to `neohebb sweep` (" +
                          (dir.path() / "uses.toml").string() + "), not in one of its base files"));
}

TEST_F(Sweep, NoGridIsAClearError) {
  const auto s = source(small_experiment());
  EXPECT_THROW(run(s), core::ConfigError);
}
