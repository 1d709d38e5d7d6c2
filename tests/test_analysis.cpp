// The host side of the analyses: reading .npy files back, the [analysis] table, test trials,
// the order analyses run in, and `neohebb analyze` on a run directory.
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/analysis/analyses.hpp"
#include "core/analysis/test_trials.hpp"
#include "core/config/resolved_experiment.hpp"
#include "core/io/npy.hpp"
#include "core/io/npy_reader.hpp"
#include "core/io/run_info.hpp"
#include "core/run/analyze_run.hpp"
#include "core/run/run_experiment.hpp"
#include "test_support.hpp"

using namespace neohebb;
using ::testing::HasSubstr;
namespace fs = std::filesystem;

namespace {

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + "\n";
  return out;
}

// A C-order (row-major) float64 .npy as numpy.save writes it.
std::string c_order_npy(const Eigen::MatrixXd& m) {
  std::string header = "{'descr': '<f8', 'fortran_order': False, 'shape': (" +
                       std::to_string(m.rows()) + ", " + std::to_string(m.cols()) + "), }";
  header.append((64 - (10 + header.size() + 1) % 64) % 64, ' ');
  header += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  out += header;
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> r = m;
  out.append(reinterpret_cast<const char*>(r.data()), sizeof(double) * r.size());
  return out;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

std::string read_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST(NpyReader, ReadsWhatTheWriterWrites) {
  Eigen::MatrixXd m(3, 4);
  m << 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12.5;
  EXPECT_EQ(core::parse_npy(core::npy_bytes(m), "m"), m);
  EXPECT_EQ(core::parse_npy(c_order_npy(m), "m"), m);
  const Eigen::MatrixXd empty(0, 5);
  EXPECT_EQ(core::parse_npy(core::npy_bytes(empty), "e").cols(), 5);
}

TEST(NpyReader, ReadsOneDimensionalAndScalarArrays) {
  std::string bytes = core::npy_bytes(Eigen::Vector3d(1, 2, 3));
  const auto at = bytes.find("(3, 1)");
  ASSERT_NE(at, std::string::npos);
  bytes.replace(at, 6, "(3,)  ");  // numpy's form for a vector, same header length
  EXPECT_EQ(core::parse_npy(bytes, "v"), Eigen::MatrixXd(Eigen::Vector3d(1, 2, 3)));
}

TEST(NpyWriter, WritesVectorsOneDimensionalAndComplexAsComplex128) {
  const std::string v = core::npy_vector_bytes(Eigen::Vector3d(1, 2, 3));
  EXPECT_NE(v.find("'descr': '<f8'"), std::string::npos);
  EXPECT_NE(v.find("'shape': (3,)"), std::string::npos);
  EXPECT_EQ(core::parse_npy(v, "v"), Eigen::MatrixXd(Eigen::Vector3d(1, 2, 3)));
  Eigen::MatrixXcd c(2, 3);
  c << std::complex<double>(1, 2), 3, std::complex<double>(0, -1), 4, 5, std::complex<double>(6, 7);
  const std::string bytes = core::npy_complex_bytes(c);
  EXPECT_NE(bytes.find("'descr': '<c16'"), std::string::npos);
  EXPECT_EQ(bytes.size() % 64, (2 * 3 * 16) % 64);  // the header is padded to 64 bytes
  EXPECT_EQ(core::parse_complex_npy(bytes, "c"), c);
  EXPECT_THAT(error_of([&] { core::parse_npy(bytes, "c.npy"); }),
              HasSubstr("c.npy: not a float64 .npy array (element type '<c16'"));
  EXPECT_THAT(error_of([&] { core::parse_complex_npy(v, "v.npy"); }),
              HasSubstr("v.npy: not a complex128 .npy array (element type '<f8'"));
}

TEST(NpyReader, RefusesWhatItCannotRead) {
  const std::string good = core::npy_bytes(Eigen::MatrixXd::Ones(2, 2));
  EXPECT_THAT(error_of([] { core::parse_npy("not numpy", "x.npy"); }),
              HasSubstr("x.npy: not a .npy file"));
  EXPECT_THAT(error_of([&] { core::parse_npy(good.substr(0, good.size() - 3), "x.npy"); }),
              HasSubstr("bytes of data for shape (2, 2)"));
  EXPECT_THAT(error_of([&] { core::parse_npy(good.substr(0, 20), "x.npy"); }),
              HasSubstr("truncated"));
  std::string ints = good;
  ints.replace(ints.find("<f8"), 3, "<i8");
  EXPECT_THAT(error_of([&] { core::parse_npy(ints, "x.npy"); }), HasSubstr("'<i8'"));
  std::string huge = good;
  huge.replace(huge.find("(2, 2)"), 6, "(9999999999, 9999999999)");
  EXPECT_THAT(error_of([&] { core::parse_npy(huge, "x.npy"); }), HasSubstr("x.npy"));
  EXPECT_THAT(error_of([] { core::read_npy("/nonexistent/W.npy"); }),
              HasSubstr("/nonexistent/W.npy: cannot be read"));
}

TEST(AnalysisSection, DefaultsRunNothing) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  const auto e =
      core::load_experiment(dir.write("e.toml", test_support::small_experiment()), {}, registry);
  EXPECT_TRUE(e.analysis.run.empty());
  EXPECT_EQ(e.analysis.settings.test_trials, 10);
  ASSERT_TRUE(e.analysis.choices.count("fixed_points"));
  EXPECT_EQ(e.analysis.choices.at("fixed_points").params.integer("starts"), 200);
}

TEST(AnalysisSection, ParametersReachTheAnalysesAndTheResolvedExperiment) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  const auto e = core::load_experiment(
      dir.write("e.toml", test_support::small_experiment(
                              "\n[analysis]\nrun = [\"trajectory_pca\", \"fixed_points\"]\n"
                              "test_trials = 3\n[analysis.fixed_points]\nstarts = 17\n")),
      {}, registry);
  EXPECT_EQ(e.analysis.run, (std::vector<std::string>{"trajectory_pca", "fixed_points"}));
  EXPECT_EQ(e.analysis.choices.at("fixed_points").params.integer("starts"), 17);
  const std::string resolved = core::resolved_toml(e);
  EXPECT_THAT(resolved, HasSubstr("[analysis]\nrun = [\"trajectory_pca\", \"fixed_points\"]\n"
                                  "test_trials = 3\n"));
  EXPECT_THAT(resolved, HasSubstr("[analysis.fixed_points]\nstarts = 17\n"));
  EXPECT_THAT(resolved, Not(HasSubstr("[analysis.non_normality]")));
  // The resolved experiment reads back to the same settings.
  const auto again = core::load_experiment(dir.write("r.toml", resolved), {}, registry);
  EXPECT_EQ(again.analysis.run, e.analysis.run);
  EXPECT_EQ(again.analysis.choices.at("fixed_points").params.integer("starts"), 17);
}

TEST(AnalysisSection, ErrorsArePositionedWithSuggestions) {
  test_support::TempDir dir;
  const auto errors = joined(test_support::config_errors(
      dir, test_support::small_experiment("\n[analysis]\nrun = [\"fixed_pionts\", 3]\n"
                                          "test_trails = 2\n[analysis.jacobian_spectrum]\n"
                                          "trajectory_samples = -1\n[analysis.pca]\n")));
  EXPECT_THAT(errors, HasSubstr("exp.toml:36:8: unknown analysis 'fixed_pionts' (did you mean "
                                "'fixed_points'?)"));
  EXPECT_THAT(errors, HasSubstr("exp.toml:36:24: [analysis] run entries must be strings"));
  EXPECT_THAT(errors, HasSubstr("exp.toml:37:1: unknown parameter 'test_trails' for [analysis] "
                                "(did you mean 'test_trials'?)"));
  EXPECT_THAT(errors, HasSubstr("exp.toml:39:22: 'trajectory_samples' = -1 for analysis "
                                "'jacobian_spectrum' must be >= 0"));
  EXPECT_THAT(errors, HasSubstr("exp.toml:40:11: unknown analysis 'pca'"));
  const auto not_a_list = joined(test_support::config_errors(
      dir, test_support::small_experiment("\n[analysis]\nrun = \"fixed_points\"\n")));
  EXPECT_THAT(not_a_list, HasSubstr("exp.toml:36:7: [analysis] run must be a list of analysis "
                                    "names, got \"fixed_points\""));
}

TEST(AnalysisOrder, DependenciesComeFirst) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  const auto e =
      core::load_experiment(dir.write("e.toml", test_support::small_experiment()), {}, registry);
  EXPECT_EQ(core::analysis_order(e, {"non_normality"}),
            (std::vector<std::string>{"fixed_points", "non_normality"}));
  // trajectory_pca projects the fixed points only when they are asked for too.
  EXPECT_EQ(core::analysis_order(e, {"trajectory_pca"}),
            (std::vector<std::string>{"trajectory_pca"}));
  EXPECT_EQ(core::analysis_order(e, {"trajectory_pca", "jacobian_spectrum"}),
            (std::vector<std::string>{"fixed_points", "trajectory_pca", "jacobian_spectrum"}));
  EXPECT_THAT(error_of([&] { core::analysis_order(e, {"non_normalty"}); }),
              HasSubstr("unknown analysis 'non_normalty' (did you mean 'non_normality'?)"));
}

TEST(TestTrials, RecordEveryConditionAndTheZeroInput) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  const auto e =
      core::load_experiment(dir.write("e.toml", test_support::small_experiment()), {}, registry);
  const auto setup = core::make_setup<sdk::Real>(e);
  sdk::Rng rng(1);
  const auto w =
      core::initial_weights(setup.network, setup.layout.inputs, setup.layout.outputs, rng);
  const auto rec = core::record_test_trials(setup, w, 2, 42);
  // dnms's conditions, by the names the task gives them.
  EXPECT_THAT(rec.conditions, ::testing::ElementsAre("AA", "AB", "BA", "BB"));
  EXPECT_EQ(rec.mean_states[0].rows(), 12);
  EXPECT_EQ(rec.mean_states[0].cols(), setup.layout.steps);
  EXPECT_EQ(rec.visited_states.rows(), 12);
  EXPECT_GT(rec.visited_states.cols(), 0);
  // dnms has no context channel: the only constant input is zero.
  ASSERT_EQ(rec.constant_inputs.size(), 1u);
  EXPECT_EQ(rec.constant_inputs[0], Eigen::VectorXd::Zero(2));
  // Seeded: the same seed gives the same recording.
  EXPECT_EQ(core::record_test_trials(setup, w, 2, 42).mean_states[3], rec.mean_states[3]);
}

namespace {
// A small run with every analysis at the end, as `neohebb run` leaves it.
fs::path small_run(const test_support::TempDir& dir, core::PluginRegistry& registry,
                   const std::string& analysis) {
  const auto e = core::load_experiment(
      dir.write("e.toml", test_support::small_experiment(analysis)), {}, registry);
  core::RunOptions o;
  o.out = dir.path() / "run";
  o.threads = 1;
  return core::run_experiment(e, o, core::silent_reporter()).directory;
}

nlohmann::json summary_of(const fs::path& run) {
  std::ifstream in(run / "analysis" / "summary.json");
  return nlohmann::json::parse(in);
}
}  // namespace

TEST(Analyze, RunWritesTheAnalysesItsTableNames) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  const fs::path run = small_run(dir, registry,
                                 "\n[analysis]\nrun = [\"jacobian_spectrum\", "
                                 "\"trajectory_pca\"]\ntest_trials = 2\n"
                                 "[analysis.fixed_points]\nstarts = 8\n");
  const auto s = summary_of(run);
  EXPECT_EQ(s["conditions"].size(), 4u);
  EXPECT_EQ(s["analyses"], nlohmann::json({"fixed_points", "jacobian_spectrum", "trajectory_pca"}));
  EXPECT_EQ(s["lifetimes"]["lifetime_001"]["fixed_points"]["starts"].get<double>(), 8.0);
  const fs::path fp = run / "analysis" / "lifetime_000" / "fixed_points";
  const Eigen::MatrixXd points = core::read_npy(fp / "points.npy");
  EXPECT_EQ(points.cols(), 12);
  EXPECT_EQ(core::read_npy(fp / "stable.npy").rows(), points.rows());
  // Run-directory format 2: a vector is 1-D, complex values one complex128 array.
  EXPECT_EQ(s["format_version"], core::kRunFormatVersion);
  EXPECT_NE(read_file(fp / "stable.npy").find(fmt::format("'shape': ({},)", points.rows())),
            std::string::npos);
  const fs::path js = run / "analysis/lifetime_000/jacobian_spectrum";
  EXPECT_FALSE(fs::exists(js / "fixed_point_eigenvalues_re.npy"));
  const Eigen::MatrixXcd eig = core::read_complex_npy(js / "fixed_point_eigenvalues.npy");
  EXPECT_EQ(eig.rows(), points.rows());
  EXPECT_EQ(eig.cols(), 12);
  EXPECT_EQ(core::read_npy(run / "analysis/lifetime_000/trajectory_pca/fixed_points.npy").rows(),
            points.rows());
  EXPECT_TRUE(fs::exists(run / "analysis/lifetime_001/trajectory_pca/trajectory_3.npy"));
}

TEST(Analyze, ReplacesTheAnalysisFolderAsAWhole) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  const fs::path run = small_run(dir, registry,
                                 "\n[analysis]\nrun = [\"non_normality\"]\ntest_trials = 1\n"
                                 "[analysis.fixed_points]\nstarts = 4\n");
  ASSERT_TRUE(fs::exists(run / "analysis/lifetime_000/non_normality/henrici.npy"));
  core::analyze_run_directory(run, {"trajectory_pca"}, registry, 1, core::silent_reporter());
  EXPECT_FALSE(fs::exists(run / "analysis/lifetime_000/non_normality"));
  EXPECT_TRUE(fs::exists(run / "analysis/lifetime_000/trajectory_pca/components.npy"));
  EXPECT_FALSE(fs::exists(run / "analysis.partial"));
  EXPECT_FALSE(fs::exists(run / "analysis.replaced"));

  // An analysis that fails leaves the previous results as they were.
  fs::copy_file(run / "networks/lifetime_000/W.npy", dir.path() / "W.npy");
  std::ofstream(run / "networks/lifetime_001/W.npy") << "garbage";
  EXPECT_THAT(
      error_of([&] { core::analyze_run_directory(run, {}, registry, 1, core::silent_reporter()); }),
      HasSubstr("lifetime_001/W.npy: not a .npy file"));
  EXPECT_TRUE(fs::exists(run / "analysis/lifetime_000/trajectory_pca/components.npy"));
  EXPECT_FALSE(fs::exists(run / "analysis.partial"));

  // An unfinished analysis in the way is reported, not removed.
  fs::copy_file(dir.path() / "W.npy", run / "networks/lifetime_001/W.npy",
                fs::copy_options::overwrite_existing);
  fs::create_directories(run / "analysis.partial");
  EXPECT_THAT(
      error_of([&] { core::analyze_run_directory(run, {}, registry, 1, core::silent_reporter()); }),
      HasSubstr("an unfinished analysis is in the way"));
}

// A lifetime that diverged has no final weights, and summary.json says so: it is skipped as
// diverged. A lifetime whose weights were deleted is a damaged run: the file is named.
TEST(Analyze, ALifetimeRecordedAsDivergedIsSkippedAndSaidSo) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  const fs::path run = small_run(dir, registry, "");
  EXPECT_FALSE(fs::exists(run / "analysis"));
  fs::remove(run / "networks/lifetime_001/W.npy");
  nlohmann::json summary;
  std::ifstream(run / "summary.json") >> summary;
  summary["lifetimes"][1] = {{"lifetime", 1},
                             {"diverged", true},
                             {"diverged_trial", 3},
                             {"error", "trial 3: the weights W are no longer finite"}};
  std::ofstream(run / "summary.json") << summary.dump(2);
  core::analyze_run_directory(run, {"fixed_points"}, registry, 1, core::silent_reporter());
  const auto s = summary_of(run);
  EXPECT_EQ(s["lifetimes"]["lifetime_001"]["skipped"].get<std::string>(),
            "the lifetime diverged (trial 3: the weights W are no longer finite), as summary.json "
            "records");
  EXPECT_TRUE(s["lifetimes"]["lifetime_000"].contains("fixed_points"));
}

TEST(Analyze, AMissingWeightFileIsNamedNotTakenForADivergence) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  const fs::path run = small_run(dir, registry, "");
  fs::remove(run / "networks/lifetime_001/W.npy");
  EXPECT_EQ(
      error_of([&] { core::analyze_run_directory(run, {}, registry, 1, core::silent_reporter()); }),
      (run / "networks/lifetime_001/W.npy").string() +
          ": cannot be read (No such file or directory)");
  EXPECT_FALSE(fs::exists(run / "analysis"));
  fs::remove(run / "networks/lifetime_000/W_in.npy");
  EXPECT_THAT(
      error_of([&] { core::analyze_run_directory(run, {}, registry, 1, core::silent_reporter()); }),
      HasSubstr("lifetime_000/W_in.npy: cannot be read (No such file or directory)"));
}

TEST(Analyze, RefusesWhatIsNotARun) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  EXPECT_THAT(error_of([&] {
                core::analyze_run_directory(dir.path(), {}, registry, 1, core::silent_reporter());
              }),
              HasSubstr("not a run directory (no experiment.toml)"));
  const fs::path run = small_run(dir, registry, "");
  EXPECT_THAT(error_of([&] {
                core::analyze_run_directory(run, {"fixed_pints"}, registry, 1,
                                            core::silent_reporter());
              }),
              HasSubstr("unknown analysis 'fixed_pints' (did you mean 'fixed_points'?)"));
  fs::remove_all(run / "networks");
  EXPECT_THAT(
      error_of([&] { core::analyze_run_directory(run, {}, registry, 1, core::silent_reporter()); }),
      HasSubstr("no trained networks here"));
}
