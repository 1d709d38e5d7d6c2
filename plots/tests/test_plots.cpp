// The figures from run directories written here by hand, in the formats of `neohebb run`,
// meta-learning, `check-gradients` and the analyses (docs/plots.md): every figure whose inputs
// exist is written as PNG and SVG, the others are skipped with the reason, and a failure never
// touches anything but RUN/plots/.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/io/npy.hpp"
#include "core/io/run_directory.hpp"
#include "core/support/errors.hpp"
#include "csv_table.hpp"
#include "figures.hpp"
#include "neohebb/plots/plots.hpp"

namespace fs = std::filesystem;
using namespace neohebb;

namespace {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "neohebb-plot-test-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void write(const fs::path& file, const std::string& bytes) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << bytes;
}

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_npy(const fs::path& file, const Eigen::MatrixXd& m) {
  write(file, core::npy_bytes(m));
}

// Two lifetimes that learn: reward rises from -1 towards 0, correctness from chance to ~1.
void write_learning_curve(const fs::path& run) {
  std::string csv = "lifetime,trial,condition,reward,correct,baseline,plastic\n";
  for (int k = 0; k < 2; ++k)
    for (int h = 0; h < 120; ++h) {
      const double p = 1 - 0.5 * std::exp(-h / (30.0 + 10 * k));
      const int correct = (h * 7919 + k * 31) % 100 < p * 100;
      csv +=
          fmt::format("{},{},{},{},{},{},1\n", k, h, h % 4, -1 + p + 0.1 * correct, correct, -0.5);
    }
  write(run / "learning_curve.csv", csv);
}

void write_meta_run(const fs::path& run) {
  std::string csv =
      "meta_step,objective,reward_early,reward_late,correct_early,correct_late,gradient_norm,"
      "step_scale\n";
  for (int s = 1; s <= 8; ++s)
    csv += fmt::format("{},{},{},{},{},{},1.5,1\n", s, -0.8 + 0.05 * s, -0.9 + 0.02 * s,
                       -0.8 + 0.06 * s, 0.5, 0.5 + 0.05 * s);
  write(run / "meta_metrics.csv", csv);
  Eigen::MatrixXd theta(3, 3);
  theta << 0.1, -0.4, 0.0, 0.7, -1.2, 0.05, 0.0, 0.3, -0.02;
  write_npy(run / "theta.npy", theta);
}

void write_gradient_check(const fs::path& run) {
  std::string csv = "table,coefficient,forward_mode,complex_step,finite_differences\n";
  for (const char* table : {"trial 1", "trial 6", "cumulative"})
    for (int p = 0; p < 9; ++p) {
      const double g =
          std::string(table) == "trial 1" ? 0.0 : std::pow(10.0, p - 4) * (p % 2 ? -1 : 1);
      csv += fmt::format("{},r^{} d^{},{:.17g},{:.17g},{:.17g}\n", table, p / 3, p % 3, g,
                         g * (1 + 1e-12), g * (1 + 1e-6));
    }
  write(run / "gradient_check.csv", csv);
}

void write_complex_npy(const fs::path& file, const Eigen::MatrixXd& re, const Eigen::MatrixXd& im) {
  Eigen::MatrixXcd c(re.rows(), re.cols());
  c.real() = re;
  c.imag() = im;
  write(file, core::npy_complex_bytes(c));
}

// Arrays in the layout the analysis plugins write (docs/plots.md, "inputs"); with `format` 1,
// as they were written before run-directory format 2 (vectors as columns, complex values as
// *_re/*_im pairs).
void write_analysis(const fs::path& run, int format = 2) {
  write(run / "analysis" / "summary.json",
        format == 1 ? R"({"conditions": ["AA", "AB", "BA", "BB"], "lifetimes": {}})"
                    : R"({"format_version": 2, "conditions": ["AA", "AB", "BA", "BB"],
                          "lifetimes": {}})");
  const fs::path dir = run / "analysis" / "lifetime_000";
  const int N = 6, M = 3, S = 20, T = 40;
  Eigen::MatrixXd re(M, N), im(M, N), tre(S, N), tim(S, N);
  for (int m = 0; m < M; ++m)
    for (int i = 0; i < N; ++i)
      re(m, i) = -1 + 0.3 * i + (m == 2 ? 0.5 : 0), im(m, i) = (i % 2 ? 0.4 : -0.4) * m;
  for (int s = 0; s < S; ++s)
    for (int i = 0; i < N; ++i)
      tre(s, i) = -1.1 + 0.05 * s + 0.1 * i, tim(s, i) = 0.02 * s * (i - 2.5);
  const fs::path js = dir / "jacobian_spectrum";
  if (format == 1) {
    write_npy(js / "fixed_point_eigenvalues_re.npy", re);
    write_npy(js / "fixed_point_eigenvalues_im.npy", im);
    write_npy(js / "trajectory_eigenvalues_re.npy", tre);
    write_npy(js / "trajectory_eigenvalues_im.npy", tim);
  } else {
    write_complex_npy(js / "fixed_point_eigenvalues.npy", re, im);
    write_complex_npy(js / "trajectory_eigenvalues.npy", tre, tim);
  }
  const auto vector = [&](const fs::path& file, const Eigen::VectorXd& v) {
    write(file, format == 1 ? core::npy_bytes(v) : core::npy_vector_bytes(v));
  };
  vector(dir / "fixed_points" / "stable.npy", Eigen::Vector3d(1, 0, 0));
  vector(dir / "fixed_points" / "is_fixed.npy", Eigen::Vector3d(1, 1, 0));
  vector(dir / "trajectory_pca" / "explained_variance_ratio.npy", Eigen::Vector3d(0.6, 0.25, 0.1));
  for (int c = 0; c < 4; ++c) {
    Eigen::MatrixXd t(T, 3);
    for (int i = 0; i < T; ++i)
      t.row(i) << std::cos(0.1 * i + c) * i / 10.0, std::sin(0.1 * i + c) * i / 10.0, 0.0;
    write_npy(dir / "trajectory_pca" / fmt::format("trajectory_{}.npy", c), t);
  }
  Eigen::MatrixXd points(3, 3);
  points << 0, 0, 0, 2, 1, 0, -1, 2, 0;
  write_npy(dir / "trajectory_pca" / "fixed_points.npy", points);
}

bool is_png(const fs::path& file) {
  const std::string b = read(file);
  return b.size() > 5000 && b.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0;
}
bool is_svg(const fs::path& file) {
  const std::string b = read(file);
  return b.size() > 5000 && b.find("<svg") != std::string::npos &&
         b.find("</svg>") != std::string::npos;
}

bool mentions(const std::vector<std::string>& lines, const std::string& text) {
  for (const auto& l : lines)
    if (l.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST(RunningMean, AveragesTheLastWindowAndFewerAtTheStart) {
  const auto m = plots::running_mean({1, 2, 3, 4, 5}, 2);
  EXPECT_EQ(m, (std::vector<double>{1, 1.5, 2.5, 3.5, 4.5}));
  EXPECT_EQ(plots::running_mean({4, 0}, 1), (std::vector<double>{4, 0}));
}

TEST(CsvTable, ReadsColumnsByNameAndNamesTheBadCell) {
  TempDir tmp;
  const fs::path f = tmp.path() / "t.csv";
  write(f, "a,b\n1,x\n2.5,nan\n3,oops\n");
  const plots::CsvTable t(f);
  EXPECT_EQ(t.rows(), 3u);
  EXPECT_EQ(t.numbers("a"), (std::vector<double>{1, 2.5, 3}));
  EXPECT_EQ(t.strings("b")[0], "x");
  try {
    t.numbers("b");
    FAIL() << "a text cell was read as a number";
  } catch (const core::RunError& e) {
    EXPECT_NE(std::string(e.what()).find(f.string() + ":2:3: 'x' in column 'b'"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(t.numbers("c"), core::RunError);
  write(f, "a,b\n1\n");
  EXPECT_THROW(plots::CsvTable{f}, core::RunError);
}

TEST(DrawPlots, WritesPngAndSvgForEveryFigureWhoseInputsExist) {
  TempDir tmp;
  const fs::path run = tmp.path();
  write_learning_curve(run);
  write_meta_run(run);
  write_gradient_check(run);
  write_analysis(run);
  const auto report = plots::draw_plots(run, nullptr);
  EXPECT_TRUE(report.failed.empty()) << report.failed.front();
  for (const char* name : {"learning_curve", "meta_learning_curve", "theta", "gradient_check",
                           "eigenvalues_lifetime_000", "state_space_lifetime_000"}) {
    EXPECT_TRUE(is_png(run / "plots" / (std::string(name) + ".png"))) << name;
    EXPECT_TRUE(is_svg(run / "plots" / (std::string(name) + ".svg"))) << name;
  }
  EXPECT_EQ(report.written.size(), 12u);
  EXPECT_TRUE(report.skipped.empty());
  // Nothing but the figures: no temporary files left in plots/.
  int files = 0;
  for (const auto& e : fs::directory_iterator(run / "plots")) files += e.is_regular_file();
  EXPECT_EQ(files, 12);
}

// A run analysed before run-directory format 2 still plots: its eigenvalues are *_re/*_im pairs.
TEST(DrawPlots, DrawsTheAnalysesOfARunInFormatOne) {
  TempDir tmp;
  write_analysis(tmp.path(), 1);
  const auto report = plots::draw_plots(tmp.path(), nullptr);
  EXPECT_TRUE(report.failed.empty()) << report.failed.front();
  EXPECT_TRUE(is_png(tmp.path() / "plots" / "eigenvalues_lifetime_000.png"));
  EXPECT_TRUE(is_png(tmp.path() / "plots" / "state_space_lifetime_000.png"));
}

TEST(DrawPlots, SkipsFiguresWithoutInputsAndSaysWhy) {
  TempDir tmp;
  write_learning_curve(tmp.path());
  const auto report = plots::draw_plots(tmp.path(), nullptr);
  EXPECT_EQ(report.written.size(), 2u);
  EXPECT_TRUE(mentions(report.skipped, "meta_learning_curve: no meta_metrics.csv"));
  EXPECT_TRUE(mentions(report.skipped, "theta: neither theta.npy nor experiment.toml"));
  EXPECT_TRUE(mentions(report.skipped, "gradient_check: no gradient_check.csv"));
  EXPECT_TRUE(mentions(report.skipped, "eigenvalues: no analysis/lifetime_*"));
  EXPECT_TRUE(mentions(report.skipped, "state_space: no analysis/lifetime_*"));
  const std::string text = plots::describe(report, tmp.path());
  EXPECT_NE(text.find("learning_curve.png"), std::string::npos) << text;
  EXPECT_NE(text.find("skipped gradient_check"), std::string::npos) << text;

  // A folder with none of a run's files is no run directory: an error, and no plots/ folder.
  TempDir empty;
  try {
    plots::draw_plots(empty.path(), nullptr);
    FAIL() << "a folder without any of a run's files passed for a run";
  } catch (const core::RunError& e) {
    EXPECT_EQ(std::string(e.what()).rfind(empty.path().string() +
                                              ": not a run directory (no experiment.toml, and "
                                              "none of the files a figure is drawn from",
                                          0),
              0u)
        << e.what();
  }
  EXPECT_FALSE(fs::exists(empty.path() / "plots"));
  EXPECT_THROW(plots::draw_plots(empty.path() / "nosuch", nullptr), core::RunError);
}

TEST(DrawPlots, AnUnwritablePlotsFolderIsAClearErrorAndLosesNothing) {
  TempDir tmp;
  write_learning_curve(tmp.path());
  write_meta_run(tmp.path());
  write(tmp.path() / "plots", "a file in the way");
  const std::string curve = read(tmp.path() / "learning_curve.csv");
  try {
    plots::draw_plots(tmp.path(), nullptr);
    FAIL() << "plots were drawn into a file";
  } catch (const core::RunError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot create the plots folder"), std::string::npos)
        << e.what();
  }
  EXPECT_EQ(read(tmp.path() / "learning_curve.csv"), curve);
  EXPECT_EQ(read(tmp.path() / "plots"), "a file in the way");
  EXPECT_TRUE(fs::exists(tmp.path() / "theta.npy"));
  EXPECT_FALSE(plots::draw_plots_after_results(tmp.path(), nullptr));  // a warning, no throw
}

TEST(DrawPlots, ABadInputOrATargetInTheWayFailsOnlyItsFigure) {
  TempDir tmp;
  write_learning_curve(tmp.path());
  write(tmp.path() / "meta_metrics.csv", "meta_step,objective\n1,oops\n");
  fs::create_directories(tmp.path() / "plots" / "gradient_check.png");  // a folder in the way
  write_gradient_check(tmp.path());
  write_analysis(tmp.path());
  const fs::path pca = tmp.path() / "analysis" / "lifetime_000" / "trajectory_pca";
  const std::string npy = read(pca / "trajectory_1.npy");
  write(pca / "trajectory_1.npy", npy.substr(0, npy.size() - 8));  // truncated
  const auto report = plots::draw_plots(tmp.path(), nullptr);
  EXPECT_TRUE(is_png(tmp.path() / "plots" / "learning_curve.png"));
  EXPECT_TRUE(is_png(tmp.path() / "plots" / "eigenvalues_lifetime_000.png"));
  EXPECT_FALSE(fs::exists(tmp.path() / "plots" / "state_space_lifetime_000.png"));
  EXPECT_TRUE(mentions(report.failed, "state_space: "));
  ASSERT_EQ(report.failed.size(), 3u);
  EXPECT_TRUE(mentions(report.failed, "meta_learning_curve: "));
  EXPECT_TRUE(mentions(report.failed, "meta_metrics.csv:2:3: 'oops'"));
  EXPECT_TRUE(mentions(report.failed, "gradient_check: "));
  EXPECT_TRUE(fs::is_directory(tmp.path() / "plots" / "gradient_check.png"));
}
