// The pieces of MPI scale-out that one process can check: how jobs are shared out over ranks,
// and that what one rank sends another arrives bit for bit (tests/cli/test_mpi.sh runs ranks).
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/cluster/cluster.hpp"
#include "core/cluster/distributed_for.hpp"
#include "core/cluster/wire.hpp"
#include "core/support/errors.hpp"

namespace neohebb::core {
namespace {

TEST(Cluster, JobsAreContiguousBlocksCoveringEveryJobOnce) {
  for (int n : {0, 1, 5, 8, 256})
    for (int size : {1, 2, 3, 7, 64}) {
      int next = 0, largest = 0, smallest = n;
      for (int r = 0; r < size; ++r) {
        const JobBlock b = jobs_of_rank(n, r, size);
        EXPECT_EQ(b.begin, next) << n << " jobs, rank " << r << " of " << size;
        next = b.end;
        largest = std::max(largest, b.end - b.begin);
        smallest = std::min(smallest, b.end - b.begin);
      }
      EXPECT_EQ(next, n);
      EXPECT_LE(largest - smallest, 1);  // balanced to one job
    }
}

TEST(Cluster, OneProcessIsOneRankAndDistributedForIsParallelFor) {
  Cluster& c = Cluster::world();
  EXPECT_EQ(c.size(), 1);
  EXPECT_TRUE(c.root());
  EXPECT_EQ(c.broadcast("x"), "x");
  EXPECT_FALSE(c.any(false));
  std::vector<double> out(9, 0.0);
  const auto errors = distributed_jobs(
      9, 3, [&](int i) { out[std::size_t(i)] = i * 0.5; }, {}, [](int) { return nlohmann::json(); },
      [](int, const nlohmann::json&) {}, Collect::Everywhere);
  for (int i = 0; i < 9; ++i) {
    EXPECT_EQ(out[std::size_t(i)], i * 0.5);
    EXPECT_FALSE(errors[std::size_t(i)]);
  }
}

TEST(Cluster, RefusesToBeOneOfSeveralSlurmTasksWithoutMpi) {
  int argc = 1;
  char name[] = "neohebb";
  char* args[] = {name, nullptr};
  char** argv = args;
  ::setenv("SLURM_STEP_NUM_TASKS", "4", 1);
  try {
    Cluster::world().start(argc, argv);
    ADD_FAILURE() << "started as one of 4 Slurm tasks without PMI";
  } catch (const RunError& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("srun --mpi=pmix"));
  }
  ::setenv("SLURM_STEP_NUM_TASKS", "1", 1);  // one task: an ordinary process
  EXPECT_NO_THROW(Cluster::world().start(argc, argv));
  ::unsetenv("SLURM_STEP_NUM_TASKS");
  EXPECT_EQ(Cluster::world().size(), 1);
}

std::uint64_t bits(double x) {
  std::uint64_t b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

TEST(Cluster, NumbersArriveBitForBit) {
  const double values[] = {0.1,
                           -0.0,
                           1.0,
                           1e-310,  // subnormal
                           std::numeric_limits<double>::infinity(),
                           -std::numeric_limits<double>::max(),
                           std::nan("0x7"),
                           3.0f};
  nlohmann::json list = nlohmann::json::array();
  for (double v : values) list.push_back(v);
  const nlohmann::json back = unpack(pack(list));
  for (std::size_t i = 0; i < std::size(values); ++i)
    EXPECT_EQ(bits(back.at(i).get<double>()), bits(values[i])) << values[i];

  Eigen::MatrixXd m(2, 3);
  m << 0.1, -0.0, 1e-310, std::nan("0x9"), -2.5, 1e300;
  const Eigen::MatrixXd m2 = matrix_from_wire(unpack(pack(matrix_wire(m))));
  ASSERT_EQ(m2.rows(), 2);
  ASSERT_EQ(m2.cols(), 3);
  for (Eigen::Index i = 0; i < m.size(); ++i) EXPECT_EQ(bits(m2(i)), bits(m(i)));
  const Eigen::VectorXd v = Eigen::VectorXd::LinSpaced(5, -1, 1);
  EXPECT_EQ(vector_from_wire(unpack(pack(vector_wire(v)))), v);
  EXPECT_EQ(vector_from_wire(unpack(pack(vector_wire(Eigen::VectorXd())))).size(), 0);
}

template <class E>
std::exception_ptr sent(const E& e) {
  return error_from_wire(unpack(pack(error_wire(std::make_exception_ptr(e)))));
}

TEST(Cluster, ErrorsKeepWhatTheirHandlersLookFor) {
  try {
    std::rethrow_exception(sent(DivergenceError(17, "trial 17: W is no longer finite")));
  } catch (const DivergenceError& e) {
    EXPECT_EQ(e.trial(), 17);
    EXPECT_STREQ(e.what(), "trial 17: W is no longer finite");
  }
  EXPECT_THROW(std::rethrow_exception(sent(std::bad_alloc())), std::bad_alloc);
  EXPECT_THROW(std::rethrow_exception(sent(std::length_error("big"))), std::length_error);
  try {
    std::rethrow_exception(sent(std::invalid_argument("task 'dnms': parameter 'x'")));
  } catch (const RunError& e) {
    EXPECT_STREQ(e.what(), "task 'dnms': parameter 'x'");
  }
}

}  // namespace
}  // namespace neohebb::core
