#include "core/cluster/distributed_for.hpp"

#include "core/cluster/cluster.hpp"
#include "core/cluster/wire.hpp"
#include "core/support/interrupt.hpp"
#include "core/support/parallel.hpp"

namespace neohebb::core {

JobBlock jobs_of_rank(int n, int rank, int size) {
  const int base = n / size, extra = n % size;
  const int begin = rank * base + std::min(rank, extra);
  return {begin, begin + base + (rank < extra ? 1 : 0)};
}

namespace {

// This rank's jobs: each one's result or error, and whether this rank was interrupted.
std::string packed_block(const JobBlock& mine, const std::vector<std::exception_ptr>& errors,
                         const std::function<nlohmann::json(int)>& send) {
  nlohmann::json jobs = nlohmann::json::array();
  for (int i = mine.begin; i < mine.end; ++i) {
    const auto& e = errors[static_cast<std::size_t>(i)];
    jobs.push_back(e ? nlohmann::json{{"error", error_wire(e)}}
                     : nlohmann::json{{"result", send(i)}});
  }
  return pack({{"interrupted", interrupted()}, {"jobs", jobs}});
}

void unpack_block(const std::string& bytes, const JobBlock& block,
                  std::vector<std::exception_ptr>& errors,
                  const std::function<void(int, const nlohmann::json&)>& receive) {
  const nlohmann::json j = unpack(bytes);
  if (j.at("interrupted").get<bool>()) request_interrupt();
  const nlohmann::json& jobs = j.at("jobs");
  for (int i = block.begin; i < block.end; ++i) {
    const nlohmann::json& r = jobs.at(static_cast<std::size_t>(i - block.begin));
    if (r.contains("error"))
      errors[static_cast<std::size_t>(i)] = error_from_wire(r.at("error"));
    else
      receive(i, r.at("result"));
  }
}

}  // namespace

std::vector<std::exception_ptr> distributed_jobs(
    int n, int threads, const std::function<void(int)>& job, const std::function<bool()>& poll,
    const std::function<nlohmann::json(int)>& send,
    const std::function<void(int, const nlohmann::json&)>& receive, Collect collect) {
  Cluster& cluster = Cluster::world();
  if (!cluster.distributed()) return parallel_for(n, threads, job, poll);
  const JobBlock mine = jobs_of_rank(n, cluster.rank(), cluster.size());
  const auto local = parallel_for(
      mine.end - mine.begin, threads, [&](int j) { job(mine.begin + j); }, poll);
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(std::max(n, 0)));
  for (int i = mine.begin; i < mine.end; ++i)
    errors[static_cast<std::size_t>(i)] = local[static_cast<std::size_t>(i - mine.begin)];
  const std::string block = packed_block(mine, errors, send);
  const std::vector<std::string> blocks =
      collect == Collect::Everywhere ? cluster.all_gather(block) : cluster.gather(block);
  if (blocks.size() < static_cast<std::size_t>(cluster.size())) return errors;  // not rank 0
  for (int r = 0; r < cluster.size(); ++r)
    if (r != cluster.rank())
      unpack_block(blocks[static_cast<std::size_t>(r)], jobs_of_rank(n, r, cluster.size()), errors,
                   receive);
  return errors;
}

}  // namespace neohebb::core
