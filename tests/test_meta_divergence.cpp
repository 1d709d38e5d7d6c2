// [meta] on_divergence = "worst": a lifetime that diverges stays in the meta-step, the trials it
// did not run count with the worst reward, and its gradient is that of the trials it ran, the
// same in forward and in reverse mode and whatever the thread count.
#include "core/meta/meta_learner.hpp"
#include "test_support.hpp"

using namespace neohebb;

namespace {

// In meta-step 2 some lifetimes of this batch diverge (shared with tests/cli/test_divergence.sh).
const std::string kDiverging = NEOHEBB_SOURCE_DIR "/tests/cli/diverging_meta.toml";

struct MetaRun {
  core::MetaState state;
  int steps_done = 0;
};

MetaRun meta_learn(bool reinforce, std::vector<std::string> overrides, int threads = 2) {
  static core::PluginRegistry registry;
  overrides.insert(overrides.begin(),  // the caller's overrides come after, and win
                   {fmt::format("experiment.reward=\"{}\"", reinforce ? "policy" : "task"),
                    fmt::format("meta.estimator=\"{}\"", reinforce ? "reinforce" : "pathwise"),
                    "meta.on_divergence=\"worst\""});
  const auto e = core::load_experiment(kDiverging, overrides, registry);
  const auto setup = core::make_setup<sdk::Real>(e);
  const core::MetaLearner learner(setup, e.meta);
  MetaRun r{learner.initial_state()};
  while (r.state.step < e.meta.steps)
    if (learner.step(r.state, threads)) ++r.steps_done;
  return r;
}

}  // namespace

TEST(MetaDivergence, WorstKeepsDivergedLifetimesWithTheWorstReward) {
  const MetaRun lowest = meta_learn(false, {});
  ASSERT_EQ(lowest.steps_done, 2);
  const auto& step2 = lowest.state.history[1];
  ASSERT_GE(step2.skipped.size(), 1u);  // diverged, and kept
  // The trials a diverged lifetime did not run count (1/H each, over a batch of 6) with
  // divergence_reward: lowering it by 8 lowers the objective by 8 (H - h_d) / (H B) in total.
  const MetaRun harsh = meta_learn(false, {"meta.divergence_reward=-10"});
  const MetaRun mild = meta_learn(false, {"meta.divergence_reward=-2"});
  double missing = 0;
  for (const auto& k : step2.skipped) missing += (30.0 - double(k.trial)) / 30.0;
  EXPECT_NEAR(mild.state.history[1].objective - harsh.state.history[1].objective,
              8.0 * missing / 6.0, 1e-12);
  // The default, the lowest reward any trial of the batch got, lowers the objective below that of
  // a run that leaves the diverged lifetimes out.
  const MetaRun skipped = meta_learn(false, {"meta.on_divergence=\"skip\""});
  EXPECT_LT(lowest.state.history[1].objective, skipped.state.history[1].objective);
  // The gradient does not depend on the penalty (a constant), so neither does theta.
  EXPECT_EQ(harsh.state.theta, mild.state.theta);
}

TEST(MetaDivergence, WorstGivesTheSameStepsInBothModesAndOnAnyThreadCount) {
  for (bool reinforce : {false, true}) {
    // With the policy's 0/1 reward, a larger eta makes a lifetime of meta-step 2 diverge.
    const std::string eta = reinforce ? "rule.eta=2" : "rule.eta=0.3";
    const MetaRun forward = meta_learn(reinforce, {"meta.gradient=\"forward\"", eta}, 1);
    const MetaRun adjoint = meta_learn(reinforce, {"meta.gradient=\"adjoint\"", eta}, 2);
    const MetaRun adjoint1 = meta_learn(reinforce, {"meta.gradient=\"adjoint\"", eta}, 1);
    std::size_t diverged = 0;
    for (const auto& r : forward.state.history) diverged += r.skipped.size();
    EXPECT_GE(diverged, 1u) << reinforce;
    EXPECT_LE((adjoint.state.theta - forward.state.theta).norm() / forward.state.theta.norm(),
              1e-10)
        << reinforce;
    EXPECT_EQ(adjoint.state.theta, adjoint1.state.theta) << reinforce;
    EXPECT_EQ(adjoint.state.history[1].objective, forward.state.history[1].objective) << reinforce;
  }
}
