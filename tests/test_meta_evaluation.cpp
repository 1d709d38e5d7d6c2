// The held-out comparison after meta-learning: paired lifetimes, the plain run's seeds, and no
// dependence on the thread count; the validation lifetimes and the gradient's signal-to-noise
// ratio that show progress during it.
#include <cmath>

#include "core/engine/seeding.hpp"
#include "core/meta/held_out.hpp"
#include "core/meta/meta_learner.hpp"
#include "core/meta/validation.hpp"
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

// The trace with its coefficients scaled by `s`.
core::TraceParameters scaled(core::TraceParameters t, double s) {
  t.theta *= s;
  return t;
}

}  // namespace

TEST(HeldOut, SameThetaGivesTheSameLifetimes) {
  Fixture f;
  const core::TraceParameters theta = core::initial_trace(f.setup);
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
  const core::TraceParameters theta = core::initial_trace(f.setup);
  const auto c = core::compare_held_out(f.setup, theta, scaled(theta, 2.0), 2, 1);
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
  const core::TraceParameters theta = core::initial_trace(f.setup);
  const auto one = core::compare_held_out(f.setup, theta, scaled(theta, 0.5), 4, 1);
  const auto two = core::compare_held_out(f.setup, theta, scaled(theta, 0.5), 4, 2);
  EXPECT_EQ(core::held_out_csv(one), core::held_out_csv(two));
}

TEST(HeldOut, ADivergingLifetimeIsRecordedNotThrown) {
  Fixture f;
  const core::TraceParameters theta = core::initial_trace(f.setup);
  const auto c = core::compare_held_out(f.setup, theta, scaled(theta, 1e12), 2, 1);
  EXPECT_FALSE(c.initial[0].diverged());
  EXPECT_TRUE(c.learned[0].diverged());
  EXPECT_NE(c.learned[0].divergence.find("no longer finite"), std::string::npos);
  const auto summary = core::held_out_summary(c);
  EXPECT_EQ(summary["learned"]["diverged"].get<int>(), 2);
  EXPECT_TRUE(summary["learned"]["mean_reward"].is_null());
  EXPECT_NE(core::held_out_csv(c).find("learned,0,,,1"), std::string::npos);
}

// Validation lifetimes: their own seeds (neither a meta-batch's nor a held-out lifetime's), the
// same lifetimes every time (common random numbers), whatever the thread count; a diverging one
// is counted, not thrown.
TEST(Validation, FixedLifetimesOfTheirOwn) {
  for (int k = 0; k < 64; ++k) {
    const auto v = core::validation_lifetime_seed(3, k);
    EXPECT_NE(v, core::lifetime_seed(3, k));
    for (int step = 0; step < 4; ++step) EXPECT_NE(v, core::meta_lifetime_seed(3, step, k));
  }
  Fixture f;
  f.e.meta.validation = 3;
  const core::TraceParameters theta = core::initial_trace(f.setup);
  const auto once = core::validate_theta(f.setup, f.e.meta, theta, 1);
  const auto again = core::validate_theta(f.setup, f.e.meta, theta, 2);
  EXPECT_EQ(once.objective, again.objective);
  EXPECT_EQ(once.correct_late, again.correct_late);
  EXPECT_EQ(once.lifetimes, 3);
  EXPECT_EQ(once.diverged, 0);
  // Another theta, the same lifetimes: a paired difference.
  EXPECT_NE(core::validate_theta(f.setup, f.e.meta, scaled(theta, 0.5), 1).objective,
            once.objective);
  const auto diverged = core::validate_theta(f.setup, f.e.meta, scaled(theta, 1e12), 2);
  EXPECT_EQ(diverged.diverged, 3);
  EXPECT_TRUE(std::isnan(diverged.objective));
}

TEST(Validation, DueBeforeTheFirstStepEveryKStepsAndAtTheLast) {
  core::MetaSection m;
  m.steps = 7;
  EXPECT_FALSE(core::validation_due(m, 2));  // validation = 0: never
  m.validation = 2;
  m.validate_every = 3;
  std::vector<int> due;
  for (int s = 1; s <= 7; ++s)
    if (core::validation_due(m, s)) due.push_back(s);
  EXPECT_EQ(due, (std::vector<int>{3, 6, 7}));
}

// mean / sample standard deviation per coefficient, signed.
TEST(Validation, GradientSignalToNoise) {
  Eigen::VectorXd a(3), b(3), c(3);
  a << 1, -2, 0;
  b << 3, -2, 0;
  c << 5, -2, 0;
  const Eigen::VectorXd snr = core::gradient_snr({a, b, c});
  EXPECT_DOUBLE_EQ(snr(0), 3.0 / 2.0);  // mean 3, sd 2
  EXPECT_EQ(snr(1), 0.0);               // no spread: reported as 0
  EXPECT_EQ(snr(2), 0.0);
  EXPECT_EQ(core::gradient_snr({a}).size(), 0);
}
