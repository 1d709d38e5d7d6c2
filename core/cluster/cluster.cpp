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

// Set by the launchers that start MPI jobs: Open MPI's mpirun, PMIx (srun --mpi=pmix), PMI-1/2
// (srun --mpi=pmi2, MPICH's mpiexec).
bool launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(v) != nullptr) return true;
  return false;
}

}  // namespace

Cluster& Cluster::world() {
  static Cluster c;
  return c;
}

void Cluster::start(int& argc, char**& argv) {
  if (launched_by_mpi())
    join(argc, argv);
  else
    refuse_tasks_without_mpi();
}

#ifdef NEOHEBB_WITH_MPI

namespace {

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
  // `bytes` padded to rank's whole units (`bytes` itself when the unit is one byte).
  std::string padded(std::string bytes, int rank) const {
    bytes.resize(static_cast<std::size_t>(count(rank) * unit_), '\0');
    return bytes;
  }
  // What this rank sends: `mine` itself, or a padded copy kept in `scratch`.
  const char* sent(const std::string& mine, int rank, std::string& scratch) const {
    if (unit_ == 1) return mine.data();
    scratch = padded(mine, rank);
    return scratch.data();
  }
  char* all() {  // room for every part: only where they arrive
    all_.assign(static_cast<std::size_t>(total_units_ * unit_), '\0');
    return all_.data();
  }
  std::size_t received(const std::string& mine) const { return all_.size() - mine.size(); }
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

bool Cluster::built_with_mpi() {
  return true;
}

void Cluster::join(int& argc, char**& argv) {
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
}

int Cluster::header(int kind, int code) {
  int h[2] = {kind, code};
  MPI_Bcast(h, 2, MPI_INT, 0, MPI_COMM_WORLD);
  if (h[0] == kRelease) {  // rank 0 ended the command while this rank waited here
    released_ = true;
    throw ClusterReleased(h[1]);
  }
  return h[0];
}

void Cluster::lead() {
  if (header(kGo, 0) == kEndPart) throw PartEnded();
}

void Cluster::end_part() {
  if (!distributed()) return;
  if (header(kEndPart, 0) != kEndPart)
    throw OutOfStep("this rank left a sweep's point that rank 0 is still running");
}

void Cluster::barrier() {
  if (!distributed()) return;
  Timed timed(*this, 0);
  lead();
  // The header alone does not wait for the others (a broadcast's root may return at once).
  MPI_Barrier(MPI_COMM_WORLD);
}

std::string Cluster::broadcast(const std::string& from_root) {
  if (!distributed()) return from_root;
  Timed timed(*this, root() ? from_root.size() : 0);
  lead();
  long long n = root() ? static_cast<long long>(from_root.size()) : 0;
  MPI_Bcast(&n, 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
  const Units u(std::vector<long long>{n});
  std::string out = u.padded(root() ? from_root : std::string(), 0);
  MPI_Bcast(out.data(), u.count(0), u.type(), 0, MPI_COMM_WORLD);
  out.resize(static_cast<std::size_t>(n));
  if (!root()) timed.received(out.size());
  return out;
}

std::vector<std::string> Cluster::all_gather(const std::string& mine) {
  if (!distributed()) return {mine};
  Timed timed(*this, mine.size());
  lead();
  Units u(sizes_everywhere(mine.size(), size_));
  std::string scratch;
  MPI_Allgatherv(u.sent(mine, rank_, scratch), u.count(rank_), u.type(), u.all(), u.counts(),
                 u.at(), u.type(), MPI_COMM_WORLD);
  timed.received(u.received(mine));
  return u.parts();
}

std::vector<std::string> Cluster::gather(const std::string& mine) {
  if (!distributed()) return {mine};
  Timed timed(*this, mine.size());
  lead();
  // Every rank learns every size, so that all agree on the unit (Units); rank 0 sends nothing.
  const std::string& sending = root() ? std::string() : mine;
  Units u(sizes_everywhere(sending.size(), size_));
  std::string scratch;
  MPI_Gatherv(u.sent(sending, rank_, scratch), u.count(rank_), u.type(), root() ? u.all() : nullptr,
              u.counts(), u.at(), u.type(), 0, MPI_COMM_WORLD);
  if (!root()) return {mine};
  timed.received(u.received(std::string()));
  std::vector<std::string> out = u.parts();
  out[0] = mine;  // rank 0 keeps its own rather than sending it to itself
  return out;
}

bool Cluster::any(bool mine) {
  if (!distributed()) return mine;
  Timed timed(*this, sizeof(int));
  lead();
  int in = mine ? 1 : 0, out = 0;
  MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD);
  return out != 0;
}

std::optional<int> Cluster::finish(int code) {
  if (!distributed() || released_) return code;
  int h[2] = {kRelease, code};
  MPI_Bcast(h, 2, MPI_INT, 0, MPI_COMM_WORLD);
  released_ = true;
  if (h[0] != kRelease) return std::nullopt;  // rank 0 went on: this rank stopped alone
  return h[1];
}

void Cluster::abort(int code) const {
  if (mpi_) MPI_Abort(MPI_COMM_WORLD, code);
  std::exit(code);
}

void Cluster::stop() {
  if (mpi_) MPI_Finalize();
  mpi_ = false;
}

#else  // one process: every collective returns what it was given

bool Cluster::built_with_mpi() {
  return false;
}

void Cluster::join(int&, char**&) {
  throw RunError(
      "started by an MPI launcher (mpirun, srun), but this neohebb was built without MPI: "
      "install libopenmpi-dev and build again, or run it without the launcher");
}

void Cluster::end_part() {}
void Cluster::barrier() {}
std::string Cluster::broadcast(const std::string& from_root) {
  return from_root;
}
std::vector<std::string> Cluster::all_gather(const std::string& mine) {
  return {mine};
}
std::vector<std::string> Cluster::gather(const std::string& mine) {
  return {mine};
}
bool Cluster::any(bool mine) {
  return mine;
}
std::optional<int> Cluster::finish(int code) {
  return code;
}
void Cluster::abort(int code) const {
  std::exit(code);
}
void Cluster::stop() {}

#endif

}  // namespace neohebb::core
