// Meta-learning over several tasks ([meta] tasks): how a task's experiment is made from a table or
// a file, the errors of a bad list, the stratified batch and its normalised objective.
#include "core/meta/meta_learner.hpp"
#include "core/meta/objective.hpp"
#include "core/meta/validation.hpp"
#include "gradient_experiments.hpp"
#include "test_support.hpp"

using namespace neohebb;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

namespace {

// A go/no-go trial of 6 steps at the experiment's 20 ms (short enough for the unit suite).
const char* kGoNogo =
    R"({ task = { type = "go_nogo", fixation = 0.0, stimulus = 40.0, delay = 40.0, decision = 40.0 } })";

std::string with_tasks(const std::string& tasks) {
  std::string toml =
      test_support::gradient_experiment("rate_tanh", "monomial", "three_factor", "dnms", false);
  const auto meta = toml.find("[meta]\n");
  return toml.insert(meta + 7, "steps = 1\nbatch = 4\ntasks = " + tasks + "\n");
}

struct Learned {
  core::MetaState state;
  std::vector<core::MetaTask> tasks;
};

Learned one_step(const core::Experiment& e, int threads) {
  const auto setup = core::make_setup<sdk::Real>(e);
  const auto task_setups = core::make_task_setups(e, setup.seed);
  const core::MetaLearner learner(core::meta_tasks(e, setup, task_setups, threads), e.meta);
  Learned out{learner.initial_state(), learner.tasks()};
  EXPECT_TRUE(learner.step(out.state, threads));
  for (auto& t : out.tasks) t.setup = nullptr;  // the setups end here
  return out;
}

}  // namespace

TEST(MultiTask, ATableIsMergedOverTheExperimentAndAFileKeepsTheSharedSections) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  // A file task with its own trace, rule and meta: the experiment's replace them.
  const std::string small = test_support::small_experiment();
  dir.write("go task.toml", small.substr(0, small.find("[trace]")) + R"(
[trace]
type = "hebbian"
[rule]
type = "three_factor"
[task]
type = "go_nogo"
[meta]
batch = 9
)");
  const auto file =
      dir.write("exp.toml", with_tasks("[{}, \"go task.toml\", " + std::string(kGoNogo) +
                                       ", { experiment = { name = \"again\" } }]"));
  const auto e = core::load_experiment(file, {"experiment.trials=3"}, registry);
  ASSERT_EQ(e.tasks.size(), 4u);
  EXPECT_THAT(e.task_labels, ElementsAre("task1", "go_task", "go_nogo", "again"));
  EXPECT_EQ(e.tasks[0].plugin("task").type, "dnms");
  EXPECT_EQ(e.tasks[1].plugin("task").type, "go_nogo");
  EXPECT_EQ(e.tasks[2].plugin("task").type, "go_nogo");
  for (const auto& task : e.tasks) {
    EXPECT_EQ(task.plugin("trace").type, "monomial");
    EXPECT_EQ(task.plugin("trace").params.values(), e.plugin("trace").params.values());
    EXPECT_EQ(task.meta.batch, 4);
    EXPECT_EQ(task.experiment.trials, 3);  // the overrides apply to every task
    EXPECT_TRUE(task.tasks.empty());
  }
  EXPECT_EQ(e.tasks[1].network.size, 12);  // the file's own network
  // A name given before gets the entry's number, or the next free one.
  const std::string go = kGoNogo;
  const auto twice = core::load_experiment(
      dir.write("twice.toml",
                with_tasks("[" + go + ", " + go + ", { experiment = { name = \"go_nogo_2\" } }]")),
      {}, registry);
  EXPECT_THAT(twice.task_labels, ElementsAre("go_nogo", "go_nogo_2", "go_nogo_2_3"));
}

TEST(MultiTask, BadTaskListsAreRefusedAtTheirPosition) {
  test_support::TempDir dir;
  const auto errors = [&](const std::string& tasks) {
    return test_support::config_errors(dir, with_tasks(tasks));
  };
  EXPECT_THAT(errors("[]"), ElementsAre(HasSubstr("[meta] tasks must list the tasks")));
  // A table setting [meta] would change the shared outer loop.
  EXPECT_THAT(errors("[{ meta = { batch = 2 } }]"), ElementsAre(HasSubstr("cannot set [meta]")));
  EXPECT_THAT(errors("[3]"), ElementsAre(AllOf(HasSubstr("exp.toml:"),
                                               HasSubstr("entries are experiment files"))));
  EXPECT_THAT(errors("[{ trace = { type = \"hebbian\" } }]"),
              ElementsAre(HasSubstr("cannot set [trace]")));
  EXPECT_THAT(
      errors("[\"missing.toml\"]"),
      ElementsAre(HasSubstr("in task 'missing' of [meta] tasks"), HasSubstr("cannot be read")));
  dir.write("nested.toml", with_tasks("[{}]"));
  EXPECT_THAT(errors("[\"nested.toml\"]"), ElementsAre(HasSubstr("in task 'nested'"),
                                                       HasSubstr("lists [meta] tasks of its own")));
  // An error inside a task is headed by the entry.
  EXPECT_THAT(errors("[{ task = { type = \"go_nogo\", decision = -1.0 } }]"),
              ElementsAre(HasSubstr("in task 'go_nogo'"), HasSubstr("decision")));
}

TEST(MultiTask, TheBatchMustSplitEvenlyAndTheEstimatorFitSeveralTasks) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  const auto file = dir.write("exp.toml", with_tasks("[{}, " + std::string(kGoNogo) + "]"));
  const auto refused = [&](const std::vector<std::string>& set) {
    try {
      core::validate_tasks(core::load_experiment(file, set, registry));
    } catch (const core::ConfigError& err) {
      return std::string(err.what());
    }
    return std::string();
  };
  EXPECT_THAT(refused({"meta.batch=3"}), HasSubstr("must be a multiple of 2"));
  EXPECT_THAT(refused({"meta.estimator=\"es\"", "meta.batch=6"}), HasSubstr("multiple of 4"));
  EXPECT_EQ(refused({"meta.estimator=\"es\"", "meta.batch=8"}), "");
  EXPECT_THAT(refused({"meta.estimator=\"reinforce\"", "experiment.reward=\"policy\""}),
              HasSubstr("not supported"));
}

TEST(MultiTask, OneTaskIsThePlainExperimentWithItsObjectiveScaledFromChanceToBest) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  const auto plain = dir.write("plain.toml", with_tasks("[{}]"));
  const std::vector<std::string> sgd = {"meta.optimizer=\"sgd\"", "meta.learning_rate=1"};
  const auto e = core::load_experiment(plain, sgd, registry);
  const Learned tasks = one_step(e, 2);
  ASSERT_EQ(tasks.tasks.size(), 1u);
  const double chance = tasks.tasks[0].chance, best = tasks.tasks[0].best;
  EXPECT_LT(chance, best);
  // The same lifetimes without [meta] tasks: the step is (best - chance) times larger.
  const auto setup = core::make_setup<sdk::Real>(e);
  const core::MetaLearner single(setup, e.meta);
  core::MetaState s = single.initial_state();
  ASSERT_TRUE(single.step(s, 2));
  const Eigen::MatrixXd start = single.initial_state().theta;
  const Eigen::MatrixXd scaled = (tasks.state.theta - start) * (best - chance);
  EXPECT_LE((scaled - (s.theta - start)).norm(), 1e-12 * (s.theta - start).norm());
  const auto& rec = tasks.state.history.back();
  EXPECT_NEAR(rec.objective, (s.history.back().objective - chance) / (best - chance), 1e-12);
  ASSERT_EQ(rec.tasks.size(), 1u);
  EXPECT_NEAR(rec.tasks[0].objective, s.history.back().objective, 1e-12);
}

TEST(MultiTask, EveryTaskIsInEveryStepAndTheObjectiveIsTheMeanOverTasks) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  const auto file = dir.write("exp.toml", with_tasks("[{}, " + std::string(kGoNogo) + "]"));
  const auto e = core::load_experiment(file, {}, registry);
  const Learned two = one_step(e, 2);
  const auto& rec = two.state.history.back();
  ASSERT_EQ(rec.tasks.size(), 2u);
  double mean = 0;
  for (std::size_t t = 0; t < 2; ++t) {
    EXPECT_TRUE(std::isfinite(rec.tasks[t].objective));
    mean += (rec.tasks[t].objective - two.tasks[t].chance) /
            (two.tasks[t].best - two.tasks[t].chance) / 2;
  }
  EXPECT_NEAR(rec.objective, mean, 1e-12);
  // Lifetimes 0 and 2 learned DNMS, 1 and 3 go/no-go: each task's mean, recomputed.
  const auto setups = core::make_task_setups(e, core::make_setup<sdk::Real>(e).seed);
  const core::TraceParameters start = core::initial_trace(setups[0]);
  for (int t = 0; t < 2; ++t) {
    const auto& setup = setups[std::size_t(t)];
    const auto weights = core::objective_weights(e.meta, setup.trials);
    double J = 0;
    for (int k = t; k < 4; k += 2)
      J += core::score_lifetime(setup, weights, start, core::meta_lifetime_seed(setup.seed, 0, k))
               .objective /
           2;
    EXPECT_NEAR(rec.tasks[std::size_t(t)].objective, J, 1e-12) << t;
  }
  // The same numbers whatever the threads.
  const Learned one_thread = one_step(e, 1);
  EXPECT_EQ(one_thread.state.theta, two.state.theta);
  EXPECT_EQ(one_thread.state.history.back().objective, rec.objective);
}

TEST(MultiTask, WithoutScalingTheObjectiveIsTheRawMeanOverTasks) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  const auto file = dir.write("exp.toml", with_tasks("[{}, " + std::string(kGoNogo) + "]"));
  const auto e = core::load_experiment(file, {"meta.task_scaling=\"none\""}, registry);
  const Learned two = one_step(e, 2);
  const auto& rec = two.state.history.back();
  for (const auto& t : two.tasks)
    EXPECT_EQ(std::make_pair(t.chance, t.best), std::make_pair(0.0, 1.0));
  EXPECT_NEAR(rec.objective, (rec.tasks[0].objective + rec.tasks[1].objective) / 2, 1e-12);
}

// A task keeps its own [eligibility] tau_e (nothing learns it): each task's validation is that of
// its own setup with the experiment's start.
TEST(MultiTask, EachTaskKeepsItsOwnTraceTimeConstant) {
  test_support::TempDir dir;
  core::PluginRegistry registry;
  const auto file = dir.write("exp.toml", with_tasks("[{}, { eligibility = { tau_e = 300.0 } }]"));
  const auto e = core::load_experiment(file, {"meta.validation=2"}, registry);
  const auto setup = core::make_setup<sdk::Real>(e);
  const auto task_setups = core::make_task_setups(e, setup.seed);
  ASSERT_EQ(task_setups[1].eligibility.tau_e, 300.0);
  ASSERT_NE(task_setups[0].eligibility.tau_e, 300.0);
  const core::MetaLearner learner(core::meta_tasks(e, setup, task_setups, 1), e.meta);
  const core::TraceParameters start = learner.trace(learner.initial_state());
  EXPECT_FALSE(start.tau_e.has_value());
  const auto all = learner.validate(start, 1);
  for (std::size_t t = 0; t < 2; ++t)
    EXPECT_EQ(all.task_objective[t],
              core::validate_theta(task_setups[t], e.meta, core::initial_trace(task_setups[t]), 1)
                  .objective)
        << t;
  EXPECT_NE(all.task_objective[0], all.task_objective[1]);
}
