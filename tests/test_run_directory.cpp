#include <fstream>
#include <sstream>

#include "core/io/npy.hpp"
#include "core/io/run_directory.hpp"
#include "test_support.hpp"

using namespace neohebb;
namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

TEST(RunDirectory, AppearsOnlyWhenCommitted) {
  test_support::TempDir dir;
  const fs::path out = dir.path() / "run";
  {
    core::RunDirectory run(out, false);
    run.write("a/b.txt", "hello");
    EXPECT_FALSE(fs::exists(out));
    EXPECT_TRUE(fs::exists(out.string() + ".partial/a/b.txt"));
    run.commit();
  }
  EXPECT_EQ(slurp(out / "a/b.txt"), "hello");
  EXPECT_FALSE(fs::exists(out.string() + ".partial"));
}

TEST(RunDirectory, AnUncommittedRunLeavesNothingBehind) {
  test_support::TempDir dir;
  const fs::path out = dir.path() / "run";
  {
    core::RunDirectory run(out, false);
    run.write("x.txt", "partial");
  }
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(out.string() + ".partial"));
}

TEST(RunDirectory, ExistingRunIsNeverOverwrittenSilently) {
  test_support::TempDir dir;
  const fs::path out = dir.path() / "run";
  fs::create_directories(out);
  std::ofstream(out / "experiment.toml") << "# a run\n";
  std::ofstream(out / "keep.txt") << "precious";
  try {
    core::RunDirectory run(out, false);
    FAIL() << "expected a RunError";
  } catch (const core::RunError& e) {
    EXPECT_NE(std::string(e.what()).find("the run directory exists already"), std::string::npos);
  }
  EXPECT_EQ(slurp(out / "keep.txt"), "precious");
  {
    core::RunDirectory run(out, true);
    run.write("new.txt", "new");
    EXPECT_EQ(slurp(out / "keep.txt"), "precious");  // the old run stays until the new one is done
    run.commit();
  }
  EXPECT_FALSE(fs::exists(out / "keep.txt"));
  EXPECT_EQ(slurp(out / "new.txt"), "new");
}

TEST(Npy, HeaderIsAlignedAndDataColumnMajor) {
  Eigen::MatrixXd m(2, 3);
  m << 1, 2, 3, 4, 5, 6;
  const std::string bytes = core::npy_bytes(m);
  ASSERT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  const std::size_t header =
      static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
  EXPECT_EQ((10 + header) % 64, 0u);
  EXPECT_NE(bytes.find("'fortran_order': True, 'shape': (2, 3)"), std::string::npos);
  EXPECT_EQ(bytes[10 + header - 1], '\n');
  double first_column[2];
  std::memcpy(first_column, bytes.data() + 10 + header, sizeof first_column);
  EXPECT_EQ(first_column[0], 1.0);
  EXPECT_EQ(first_column[1], 4.0);
  EXPECT_EQ(bytes.size(), 10 + header + 6 * sizeof(double));
}

TEST(RunDirectory, OverwriteOnlyReplacesRuns) {
  test_support::TempDir dir;
  const fs::path out = dir.path() / "thesis";
  fs::create_directories(out);
  std::ofstream(out / "thesis.tex") << "years of work";
  EXPECT_THROW(core::RunDirectory(out, true), core::RunError);
  EXPECT_EQ(slurp(out / "thesis.tex"), "years of work");
}

TEST(RunDirectory, AFailedRunRemovesTheParentFolderItCreated) {
  test_support::TempDir dir;
  { core::RunDirectory run(dir.path() / "runs" / "r1", false); }
  EXPECT_FALSE(fs::exists(dir.path() / "runs"));
}
