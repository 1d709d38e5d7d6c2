#pragma once
// The ranks of a job launched by mpirun or srun (MPI), or the one process of any other launch.
// Every rank runs the same command on the same experiment; only the lifetimes are shared out
// (distributed_for.hpp), and rank 0 alone reads and writes the run directory.
//
// Collectives: every rank calls them in the same order. Rank 0 leads each with a header, so that
// a rank 0 that failed between collectives (a full disk, a run directory that exists) can send
// the others, wherever they wait, the code to stop with (release) instead of leaving them
// blocked; a rank that receives it throws ClusterReleased.
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace neohebb::core {

// Thrown on a rank other than 0 when rank 0 ended the command (with its exit code) while this
// rank was waiting for the next collective. Not a std::exception, so that no handler of errors
// mistakes it for one: only main catches it.
class ClusterReleased {
 public:
  explicit ClusterReleased(int code) : code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

// Thrown on a rank other than 0 that was still inside a part of the command (a sweep's point)
// when rank 0 ended it (end_part): rank 0 failed there alone, and every rank goes on to the next.
class PartEnded {};

// This rank stopped where rank 0 went on (an error of its own): it can no longer take part in
// the job's collectives. Not a std::exception: main alone catches it, says why on this rank, and
// aborts the job.
class OutOfStep {
 public:
  explicit OutOfStep(std::string why) : why_(std::move(why)) {}
  const std::string& why() const { return why_; }

 private:
  std::string why_;
};

class Cluster {
 public:
  // The process's cluster: one rank until start() joined an MPI job.
  static Cluster& world();
  // Whether this build can join MPI jobs (-DNEOHEBB_MPI=OFF, or no MPI found: not).
  static bool built_with_mpi();
  // Joins the MPI job when the process was started by an MPI launcher (mpirun, srun); any
  // other launch stays a single rank without initialising MPI (which takes time and may need
  // a network). Throws RunError when launched by one in a build without MPI.
  void start(int& argc, char**& argv);
  // At the end of a command, on every rank. Rank 0: tells the others, wherever they wait, that
  // the command is over with exit code `code`, and returns it. The others: wait for that (unless
  // already released) and return rank 0's code; or none when rank 0 goes on to a collective
  // instead, which means this rank stopped alone (an error of its own: abort the job).
  std::optional<int> finish(int code);
  // Rank 0 ends a part of the command (a sweep's point), however it went there; every other
  // rank, done with that part or still waiting inside it (PartEnded), meets it here. A rank
  // that left the part early on an error of its own finds rank 0 still in it: OutOfStep.
  void end_part();
  // Every rank gets here before any goes on: a rank 0 that failed before it releases the others
  // at once, a rank that failed alone before it learns so from rank 0's arrival (finish).
  void barrier();
  // Ends the whole job at once (every rank), with `code`.
  [[noreturn]] void abort(int code) const;
  // The last call of the process (leaves the MPI job).
  void stop();

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool root() const { return rank_ == 0; }
  bool distributed() const { return size_ > 1; }
  // The ranks of this job on this machine (they share its cores).
  int ranks_here() const { return ranks_here_; }

  // What this rank's collectives have cost so far: wall seconds inside them (waiting for the
  // slowest rank included) and bytes sent plus received.
  struct Traffic {
    double seconds = 0;
    double bytes = 0;
  };
  Traffic traffic() const { return traffic_; }

  // Collectives (see above); with one rank they return what they were given.
  std::string broadcast(const std::string& from_root);
  // Each rank's bytes, in rank order, on every rank.
  std::vector<std::string> all_gather(const std::string& mine);
  // Each rank's bytes, in rank order, on rank 0; the others get only their own.
  std::vector<std::string> gather(const std::string& mine);
  // Whether any rank says true.
  bool any(bool mine);

 private:
  int rank_ = 0, size_ = 1, ranks_here_ = 1;
  bool mpi_ = false, released_ = false;
  Traffic traffic_;
  void join(int& argc, char**& argv);  // MPI_Init and this rank's place in the job
  // Rank 0 sends {kind, code} and the others receive it: a release throws ClusterReleased there.
  int header(int kind, int code);
  void lead();  // the header of a collective (see above)
  class Timed;  // adds a collective's time and bytes to traffic_
};

}  // namespace neohebb::core
