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
// srun without an MPI plugin (MpiDefault=none) starts N independent copies of the same command,
// which would all write the same run: refuse rather than race.
void refuse_tasks_without_mpi() {
  const char* tasks = std::getenv("SLURM_STEP_NUM_TASKS");
  if (tasks == nullptr || std::atoi(tasks) <= 1) return;
  throw RunError(fmt::format(
      "started as one of {} Slurm tasks without MPI's process management (no PMI): launch with "
      "`srun --mpi=pmix` (or pmi2) for an MPI job, or with one task",
      tasks));
}

bool launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(v) != nullptr) return true;
  return false;
}

#ifdef NEOHEBB_WITH_MPI
enum Header : int { kGo = 0, kRelease = 1, kEndPart = 2 };

// MPI counts are ints: a message of more than 2^31 - 1 bytes travels in units of 2^k bytes,
// every rank's part padded to whole units. Every rank derives the same unit from the same sizes,
// so that a size too large for any unit is refused by all ranks alike, before any data moves.
class Units {
 public:
  explicit Units(const std::vector<long long>& bytes) : bytes_(bytes) {
    long long total = 0;
    for (long long b : bytes) total += b;
    while (units(total) > std::numeric_limits<int>::max()) {
      if (unit_ >= (1LL << 30))
        throw RunError(fmt::format("{} bytes to send in one collective: too many for MPI", total));
      unit_ *= 2;
    }
    long long at = 0;
    for (long long b : bytes) {
      counts_.push_back(static_cast<int>(units(b)));
      at_.push_back(static_cast<int>(at));
      at += units(b);
    }
    total_units_ = at;
    if (unit_ > 1) {
      MPI_Type_contiguous(static_cast<int>(unit_), MPI_BYTE, &type_);
      MPI_Type_commit(&type_);
    }
  }
  ~Units() {
    if (unit_ > 1) MPI_Type_free(&type_);
  }
  Units(const Units&) = delete;
  Units& operator=(const Units&) = delete;
  MPI_Datatype type() const { return type_; }
  const int* counts() const { return counts_.data(); }
  const int* at() const { return at_.data(); }
  int count(int rank) const { return counts_[static_cast<std::size_t>(rank)]; }
  char* all() {  // room for every part: only where they arrive
    all_.assign(static_cast<std::size_t>(total_units_ * unit_), '\0');
    return all_.data();
  }
  std::size_t received(const std::string& mine) const { return all_.size() - mine.size(); }
  // `mine` padded to whole units.
  std::string padded(const std::string& mine, int rank) const {
    std::string out = mine;
    out.resize(static_cast<std::size_t>(count(rank) * unit_), '\0');
    return out;
  }
  // Each rank's bytes, cut out of the concatenation.
  std::vector<std::string> parts() const {
    std::vector<std::string> out;
    for (std::size_t r = 0; r < bytes_.size(); ++r)
      out.push_back(all_.substr(static_cast<std::size_t>(at_[r] * unit_),
                                static_cast<std::size_t>(bytes_[r])));
    return out;
  }

 private:
  std::vector<long long> bytes_;
  long long unit_ = 1, total_units_ = 0;
  std::vector<int> counts_, at_;
  std::string all_;
  MPI_Datatype type_ = MPI_BYTE;
  long long units(long long bytes) const { return (bytes + unit_ - 1) / unit_; }
};

// Every rank's byte count, on every rank.
std::vector<long long> sizes_everywhere(std::size_t mine, int ranks) {
  std::vector<long long> out(static_cast<std::size_t>(ranks));
  long long n = static_cast<long long>(mine);
  MPI_Allgather(&n, 1, MPI_LONG_LONG, out.data(), 1, MPI_LONG_LONG, MPI_COMM_WORLD);
  return out;
}
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
  if (!launched_by_mpi()) {
    refuse_tasks_without_mpi();
    return;
  }
#ifdef NEOHEBB_WITH_MPI
  int provided = 0;
  // Only the thread that waits for the workers communicates.
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  mpi_ = true;
  if (provided < MPI_THREAD_FUNNELED)
    throw RunError(
        "this MPI library does not let a threaded process communicate from its main thread "
        "(MPI_THREAD_FUNNELED); build neohebb with another MPI");
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
  if (header[0] != kEndPart)
    throw OutOfStep("this rank left a sweep's point that rank 0 is still running");
#endif
}

void Cluster::barrier() {
  if (!distributed()) return;
#ifdef NEOHEBB_WITH_MPI
  Timed timed(*this, 0);
  lead();
  // The header alone does not wait for the others (a broadcast's root may return at once).
  MPI_Barrier(MPI_COMM_WORLD);
#endif
}

std::string Cluster::broadcast(const std::string& from_root) {
  if (!distributed()) return from_root;
#ifdef NEOHEBB_WITH_MPI
  Timed timed(*this, root() ? from_root.size() : 0);
  lead();
  long long n = root() ? static_cast<long long>(from_root.size()) : 0;
  MPI_Bcast(&n, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
  Units u(std::vector<long long>{n});
  std::string out = u.padded(root() ? from_root : std::string(), 0);
  MPI_Bcast(out.data(), u.count(0), u.type(), 0, MPI_COMM_WORLD);
  out.resize(static_cast<std::size_t>(n));
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
  Units u(sizes_everywhere(mine.size(), size_));
  const std::string sent = u.padded(mine, rank_);
  MPI_Allgatherv(sent.data(), u.count(rank_), u.type(), u.all(), u.counts(), u.at(), u.type(),
                 MPI_COMM_WORLD);
  timed.received(u.received(mine));
  return u.parts();
#else
  return {mine};
#endif
}

std::vector<std::string> Cluster::gather(const std::string& mine) {
  if (!distributed()) return {mine};
#ifdef NEOHEBB_WITH_MPI
  Timed timed(*this, mine.size());
  lead();
  // Every rank learns every size, so that all agree on the unit (Units).
  Units u(sizes_everywhere(root() ? 0 : mine.size(), size_));
  const std::string sent = u.padded(root() ? std::string() : mine, rank_);
  MPI_Gatherv(sent.data(), u.count(rank_), u.type(), root() ? u.all() : nullptr, u.counts(), u.at(),
              u.type(), 0, MPI_COMM_WORLD);
  if (!root()) return {mine};
  timed.received(u.received(std::string()));
  std::vector<std::string> out = u.parts();
  out[0] = mine;  // rank 0 keeps its own rather than sending it to itself
  return out;
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
