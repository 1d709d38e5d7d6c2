// A meta-batch's lifetimes as the ranks of an MPI job send them to each other
// (cluster/distributed_for.hpp).
#include "core/cluster/wire.hpp"
#include "core/meta/meta_learner.hpp"

namespace neohebb::core {

nlohmann::json to_wire(const SkippedLifetime& s) {
  return {{"lifetime", s.lifetime}, {"trial", s.trial}, {"error", s.error}};
}

void from_wire(const nlohmann::json& j, SkippedLifetime& s) {
  s = {j.at("lifetime").get<int>(), j.at("trial").get<long long>(),
       j.at("error").get<std::string>()};
}

nlohmann::json MetaLearner::lifetime_wire(const LifetimeGradient& lg) {
  nlohmann::json score = nlohmann::json::array();
  for (const auto& v : lg.score) score.push_back(vector_wire(v));
  return {{"task", lg.task},
          {"metrics",
           {lg.objective, lg.reward_early, lg.reward_late, lg.correct_early, lg.correct_late}},
          {"gradient", vector_wire(lg.gradient)},
          {"credit", lg.credit},
          {"score", score},
          {"rewards", lg.rewards},
          {"diverged", lg.diverged ? to_wire(*lg.diverged) : nlohmann::json()},
          {"trials_run", lg.trials_run}};
}

MetaLearner::LifetimeGradient MetaLearner::lifetime_from_wire(const nlohmann::json& j) {
  LifetimeGradient lg;
  lg.task = j.at("task").get<int>();
  const auto& m = j.at("metrics");
  lg.objective = m.at(0).get<double>();
  lg.reward_early = m.at(1).get<double>();
  lg.reward_late = m.at(2).get<double>();
  lg.correct_early = m.at(3).get<double>();
  lg.correct_late = m.at(4).get<double>();
  lg.gradient = vector_from_wire(j.at("gradient"));
  lg.credit = j.at("credit").get<std::vector<double>>();
  for (const auto& v : j.at("score")) lg.score.push_back(vector_from_wire(v));
  lg.rewards = j.at("rewards").get<std::vector<double>>();
  if (!j.at("diverged").is_null()) from_wire(j.at("diverged"), lg.diverged.emplace());
  lg.trials_run = j.at("trials_run").get<std::size_t>();
  return lg;
}

}  // namespace neohebb::core
