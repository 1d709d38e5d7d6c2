// Reward and fraction correct against trial: each lifetime thin, their mean thick, both as a
// running mean over a window stated in the title (single trials are 0/1 for correctness).
#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "csv_table.hpp"
#include "figures.hpp"

namespace neohebb::plots {
namespace fs = std::filesystem;

namespace {

struct Curve {
  long lifetime = 0;  // its number in the run (diverged lifetimes are not in the file)
  std::vector<double> trial, reward, correct;
};

struct LearningCurves {
  std::string title;
  std::size_t window = 1;
  std::vector<Curve> lifetimes;  // smoothed
  Curve mean;                    // over lifetimes, trial by trial
};

std::vector<Curve> read_lifetimes(const fs::path& file) {
  const CsvTable table(file);
  const auto lifetime = table.numbers("lifetime"), trial = table.numbers("trial"),
             reward = table.numbers("reward"), correct = table.numbers("correct");
  std::map<long, Curve> by_lifetime;
  for (std::size_t i = 0; i < table.rows(); ++i) {
    Curve& c = by_lifetime[std::lround(lifetime[i])];
    c.lifetime = std::lround(lifetime[i]);
    c.trial.push_back(trial[i]);
    c.reward.push_back(reward[i]);
    c.correct.push_back(correct[i]);
  }
  std::vector<Curve> out;
  for (auto& [k, c] : by_lifetime) out.push_back(std::move(c));
  return out;
}

// Each curve's running mean, and the mean of those over lifetimes at each trial position.
LearningCurves smooth(std::vector<Curve> raw, std::size_t window) {
  LearningCurves out;
  out.window = window;
  std::size_t longest = 0;
  for (auto& c : raw) {
    c.reward = running_mean(c.reward, window);
    c.correct = running_mean(c.correct, window);
    longest = std::max(longest, c.trial.size());
  }
  for (std::size_t t = 0; t < longest; ++t) {
    double r = 0, k = 0, n = 0, x = 0;
    for (const auto& c : raw)
      if (t < c.trial.size()) r += c.reward[t], k += c.correct[t], x = c.trial[t], ++n;
    out.mean.trial.push_back(x);
    out.mean.reward.push_back(r / n);
    out.mean.correct.push_back(k / n);
  }
  out.lifetimes = std::move(raw);
  return out;
}

void draw(Canvas& canvas, const LearningCurves& lc) {
  const std::size_t n = lc.lifetimes.size();
  std::vector<const std::vector<double>*> rewards, trials;
  for (const auto& c : lc.lifetimes) rewards.push_back(&c.reward), trials.push_back(&c.trial);
  const Range x = finite_range(trials, 0.0);
  canvas.title(lc.title);

  const auto thin = [&](std::size_t k) { return n <= 9 ? category_color(int(k)) : kGrey; };
  const double thin_alpha = n <= 9 ? 0.55 : 0.3;
  std::vector<LegendEntry> legend;
  if (n <= 9)
    for (std::size_t k = 0; k < n; ++k)
      legend.push_back(
          {fmt::format("lifetime {}", lc.lifetimes[k].lifetime), thin(k), thin_alpha, 1.5});
  else
    legend.push_back({fmt::format("each of {} lifetimes", n), kGrey, thin_alpha, 1.5});
  legend.push_back({fmt::format("mean of {} lifetime{}", n, n == 1 ? "" : "s"), kBlack, 1, 4});

  canvas.legend_strip(legend, {0.10, 0.97, 0.80, 0.94});
  canvas.panel({0.10, 0.97, 0.48, 0.80}, x, finite_range(rewards),
               {"", "reward (task units)", "", false, false, false});
  for (std::size_t k = 0; k < n; ++k)
    canvas.line(lc.lifetimes[k].trial, lc.lifetimes[k].reward, thin(k), 1.2, thin_alpha);
  canvas.line(lc.mean.trial, lc.mean.reward, kBlack, 3.5);

  canvas.panel({0.10, 0.97, 0.10, 0.45}, x, {-0.03, 1.03},
               {"trial (of the lifetime)", "fraction correct", ""});
  for (std::size_t k = 0; k < n; ++k)
    canvas.line(lc.lifetimes[k].trial, lc.lifetimes[k].correct, thin(k), 1.2, thin_alpha);
  canvas.line(lc.mean.trial, lc.mean.correct, kBlack, 3.5);
}

}  // namespace

void plan_learning_curve(const fs::path& run, Plan& plan) {
  const fs::path file = run / "learning_curve.csv";
  if (!fs::exists(file)) {
    plan.skipped.push_back(
        "learning_curve: no learning_curve.csv (written by `neohebb run` "
        "without meta-learning)");
    return;
  }
  auto raw = read_lifetimes(file);
  if (raw.empty()) {
    plan.skipped.push_back("learning_curve: learning_curve.csv has no trials");
    return;
  }
  std::size_t trials = 0;
  for (const auto& c : raw) trials = std::max(trials, c.trial.size());
  // About 30 windows across the lifetime: smooth enough to read a trend off 0/1 outcomes.
  const std::size_t window = std::clamp<std::size_t>(trials / 30, 1, 200);
  auto curves = std::make_shared<LearningCurves>(smooth(std::move(raw), window));
  curves->title = fmt::format("Learning curve: {}  (running mean over {} trial{})", run_title(run),
                              window, window == 1 ? "" : "s");
  plan.figures.push_back({"learning_curve", 1200, 850, [curves](Canvas& c) { draw(c, *curves); }});
}

}  // namespace neohebb::plots
