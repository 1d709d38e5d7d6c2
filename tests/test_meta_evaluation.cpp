// The held-out comparison after meta-learning: paired lifetimes, the plain run's seeds, and no
// dependence on the thread count.
#include "core/meta/held_out.hpp"
#include "core/run/plain_run.hpp"
#include "test_support.hpp"

using namespace neohebb;
using test_support::small_experiment;
using test_support::TempDir;

namespace {

struct Fixture {
  TempDir dir;
  core::PluginRegistry registry;
  core::Experiment e;
  core::Setup<sdk::Real> setup;
  Fixture()
      : e(core::load_experiment(dir.write("exp.toml", small_experiment()), {}, registry)),
        setup(core::make_setup<sdk::Real>(e)) {}
};

}  // namespace

TEST(HeldOut, SameThetaGivesTheSameLifetimes) {
  Fixture f;
  const Eigen::MatrixXd theta = f.setup.trace->initial_coefficients();
  const auto c = core::compare_held_out(f.setup, theta, theta, 3, 1);
  ASSERT_EQ(c.initial.size(), 3u);
  for (std::size_t k = 0; k < 3; ++k) {
    EXPECT_EQ(c.initial[k].mean_reward, c.learned[k].mean_reward);
    EXPECT_EQ(c.initial[k].correct_late, c.learned[k].correct_late);
  }
  // Different lifetimes are different networks.
  EXPECT_NE(c.initial[0].mean_reward, c.initial[1].mean_reward);
}

TEST(HeldOut, UsesThePlainRunsLifetimes) {
  Fixture f;
  const Eigen::MatrixXd theta = f.setup.trace->initial_coefficients();
  const auto c = core::compare_held_out(f.setup, theta, 2.0 * theta, 2, 1);
  const auto plain = core::run_lifetimes(f.e, f.setup, 1, core::silent_reporter());
  for (std::size_t k = 0; k < 2; ++k) {
    double sum = 0;
    for (const auto& t : plain[k].trials) sum += t.reward;
    EXPECT_DOUBLE_EQ(c.initial[k].mean_reward, sum / double(plain[k].trials.size()));
  }
  EXPECT_NE(c.learned[0].mean_reward, c.initial[0].mean_reward);
}

TEST(HeldOut, ThreadCountChangesNothing) {
  Fixture f;
  const Eigen::MatrixXd theta = f.setup.trace->initial_coefficients();
  const auto one = core::compare_held_out(f.setup, theta, 0.5 * theta, 4, 1);
  const auto two = core::compare_held_out(f.setup, theta, 0.5 * theta, 4, 2);
  EXPECT_EQ(core::held_out_csv(one), core::held_out_csv(two));
}

TEST(HeldOut, ADivergingLifetimeIsRecordedNotThrown) {
  Fixture f;
  const Eigen::MatrixXd theta = f.setup.trace->initial_coefficients();
  const auto c = core::compare_held_out(f.setup, theta, 1e12 * theta, 2, 1);
  EXPECT_FALSE(c.initial[0].diverged());
  EXPECT_TRUE(c.learned[0].diverged());
  EXPECT_NE(c.learned[0].divergence.find("no longer finite"), std::string::npos);
  const auto summary = core::held_out_summary(c);
  EXPECT_EQ(summary["learned"]["diverged"].get<int>(), 2);
  EXPECT_TRUE(summary["learned"]["mean_reward"].is_null());
  EXPECT_NE(core::held_out_csv(c).find("learned,0,,,1"), std::string::npos);
}
