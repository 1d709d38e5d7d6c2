#include "core/cluster/cluster.hpp"

#include <chrono>
#include <cstdlib>
#include <limits>

#include <fmt/format.h>

#include "core/support/errors.hpp"
#include "core/support/parallel.hpp"
#include "core/support/progress.hpp"

#ifdef NEOHEBB_WITH_MPI
#include <mpi.h>
#endif

namespace neohebb::core {

namespace {

// Set by the launchers that start MPI jobs: Open MPI's mpirun, PMIx (srun --mpi=pmix), PMI-1/2
// (srun --mpi=pmi2, MPICH's mpiexec).
bool launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(v) != nullptr) return true;
  return false;
}

#ifdef NEOHEBB_WITH_MPI
enum Header : int { kGo = 0, kRelease = 1, kEndPart = 2 };

int count_of(std::size_t bytes) {
  if (bytes > static_cast<std::size_t>(std::numeric_limits<int>::max()))
    throw RunError(fmt::format("{} bytes to send in one collective: more than MPI counts", bytes));
  return static_cast<int>(bytes);
}

// Every rank's bytes one after another: where each starts, and room for them all.
struct Concatenation {
  std::vector<int> counts, at;
  std::string all;
  explicit Concatenation(std::vector<int> counts_of_ranks) : counts(std::move(counts_of_ranks)) {
    std::size_t end = 0;
    for (int n : counts) {
      at.push_back(count_of(end));
      end += static_cast<std::size_t>(n);
    }
    all.assign(static_cast<std::size_t>(count_of(end)), '\0');
  }
  std::vector<std::string> parts() const {
    std::vector<std::string> out;
    for (std::size_t r = 0; r < counts.size(); ++r)
      out.push_back(
          all.substr(static_cast<std::size_t>(at[r]), static_cast<std::size_t>(counts[r])));
    return out;
  }
};
#endif

}  // namespace

class Cluster::Timed {
 public:
  Timed(Cluster& c, std::size_t bytes) : c_(c), start_(std::chrono::steady_clock::now()) {
    c_.traffic_.bytes += static_cast<double>(bytes);
  }
  ~Timed() {
    c_.traffic_.seconds +=
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  void received(std::size_t bytes) { c_.traffic_.bytes += static_cast<double>(bytes); }

 private:
  Cluster& c_;
  std::chrono::steady_clock::time_point start_;
};

Cluster& Cluster::world() {
  static Cluster c;
  return c;
}

bool Cluster::built_with_mpi() {
#ifdef NEOHEBB_WITH_MPI
  return true;
#else
  return false;
#endif
}

void Cluster::start(int& argc, char**& argv) {
  if (!launched_by_mpi()) return;
#ifdef NEOHEBB_WITH_MPI
  int provided = 0;
  // Only the thread that waits for the workers communicates.
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  mpi_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  MPI_Comm here;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &here);
  MPI_Comm_size(here, &ranks_here_);
  MPI_Comm_free(&here);
  set_ranks_sharing_cores(ranks_here_);
  set_progress_ranks(size_);
#else
  (void)argc, (void)argv;
  throw RunError(
      "started by an MPI launcher (mpirun, srun), but this neohebb was built without MPI: "
      "install libopenmpi-dev and build again, or run it without the launcher");
#endif
}

void Cluster::lead() {
#ifdef NEOHEBB_WITH_MPI
  int header[2] = {kGo, 0};
  MPI_Bcast(header, 2, MPI_INT, 0, MPI_COMM_WORLD);
  if (header[0] == kRelease) {
    released_ = true;
    throw ClusterReleased(header[1]);
  }
  if (header[0] == kEndPart) throw PartEnded();
#endif
}

void Cluster::end_part() {
  if (!distributed()) return;
#ifdef NEOHEBB_WITH_MPI
  int header[2] = {kEndPart, 0};
  MPI_Bcast(header, 2, MPI_INT, 0, MPI_COMM_WORLD);
  if (header[0] == kRelease) {
    released_ = true;
    throw ClusterReleased(header[1]);
  }
  if (header[0] != kEndPart) {
    fmt::print(stderr, "rank {}: out of step with rank 0 at the end of a sweep's point\n", rank_);
    abort(1);
  }
#endif
}

std::string Cluster::broadcast(const std::string& from_root) {
  if (!distributed()) return from_root;
#ifdef NEOHEBB_WITH_MPI
  Timed timed(*this, root() ? from_root.size() : 0);
  lead();
  int n = root() ? count_of(from_root.size()) : 0;
  MPI_Bcast(&n, 1, MPI_INT, 0, MPI_COMM_WORLD);
  std::string out = root() ? from_root : std::string(static_cast<std::size_t>(n), '\0');
  MPI_Bcast(out.data(), n, MPI_BYTE, 0, MPI_COMM_WORLD);
  if (!root()) timed.received(out.size());
  return out;
#else
  return from_root;
#endif
}

std::vector<std::string> Cluster::all_gather(const std::string& mine) {
  if (!distributed()) return {mine};
#ifdef NEOHEBB_WITH_MPI
  Timed timed(*this, mine.size());
  lead();
  std::vector<int> counts(static_cast<std::size_t>(size_));
  int n = count_of(mine.size());
  MPI_Allgather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD);
  Concatenation c(std::move(counts));
  MPI_Allgatherv(mine.data(), n, MPI_BYTE, c.all.data(), c.counts.data(), c.at.data(), MPI_BYTE,
                 MPI_COMM_WORLD);
  timed.received(c.all.size() - mine.size());
  return c.parts();
#else
  return {mine};
#endif
}

std::vector<std::string> Cluster::gather(const std::string& mine) {
  if (!distributed()) return {mine};
#ifdef NEOHEBB_WITH_MPI
  Timed timed(*this, mine.size());
  lead();
  std::vector<int> counts(static_cast<std::size_t>(size_));
  int n = count_of(mine.size());
  MPI_Gather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (!root()) {
    MPI_Gatherv(mine.data(), n, MPI_BYTE, nullptr, nullptr, nullptr, MPI_BYTE, 0, MPI_COMM_WORLD);
    return {mine};
  }
  Concatenation c(std::move(counts));
  MPI_Gatherv(mine.data(), n, MPI_BYTE, c.all.data(), c.counts.data(), c.at.data(), MPI_BYTE, 0,
              MPI_COMM_WORLD);
  timed.received(c.all.size() - mine.size());
  return c.parts();
#else
  return {mine};
#endif
}

bool Cluster::any(bool mine) {
  if (!distributed()) return mine;
#ifdef NEOHEBB_WITH_MPI
  Timed timed(*this, sizeof(int));
  lead();
  int in = mine ? 1 : 0, out = 0;
  MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD);
  return out != 0;
#else
  return mine;
#endif
}

std::optional<int> Cluster::finish(int code) {
  if (!distributed()) return code;
#ifdef NEOHEBB_WITH_MPI
  if (released_) return code;
  int header[2] = {kRelease, code};
  MPI_Bcast(header, 2, MPI_INT, 0, MPI_COMM_WORLD);
  released_ = true;
  if (header[0] != kRelease) return std::nullopt;
  return header[1];
#else
  return code;
#endif
}

void Cluster::abort(int code) const {
#ifdef NEOHEBB_WITH_MPI
  if (mpi_) MPI_Abort(MPI_COMM_WORLD, code);
#endif
  std::exit(code);
}

void Cluster::stop() {
#ifdef NEOHEBB_WITH_MPI
  if (mpi_) MPI_Finalize();
  mpi_ = false;
#endif
}

}  // namespace neohebb::core
