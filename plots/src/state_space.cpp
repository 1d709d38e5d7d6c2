// The network's state space in the plane of the top two principal components of the
// condition-averaged trajectories, one figure per analysed lifetime: each condition's average
// trajectory (start and end marked) and the fixed points found, by stability.
#include <fstream>
#include <memory>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "figures.hpp"
#include "core/io/npy_reader.hpp"

namespace neohebb::plots {
namespace fs = std::filesystem;

namespace {

struct Trajectory {
  std::string condition;
  std::vector<double> pc1, pc2;
};

struct StateSpace {
  std::string title, x_label, y_label;
  std::vector<Trajectory> trajectories;
  std::vector<double> point_x[3], point_y[3];  // stable, unstable fixed points; slow points
};

std::vector<std::string> condition_names(const fs::path& run) {
  std::vector<std::string> names;
  std::ifstream in(run / "analysis" / "summary.json");
  if (!in) return names;
  const auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_object() && j.contains("conditions") && j["conditions"].is_array())
    for (const auto& c : j["conditions"])
      names.push_back(c.is_string() ? c.get<std::string>() : c.dump());
  return names;
}

std::string pc_label(int i, const Eigen::MatrixXd& ratio) {
  if (ratio.size() > i)
    return fmt::format("PC{} of x (a.u.; {:.1f}% of variance)", i + 1, 100 * ratio(i));
  return fmt::format("PC{} of x (a.u.)", i + 1);
}

void draw(Canvas& canvas, const StateSpace& s) {
  std::vector<const std::vector<double>*> xs, ys;
  for (const auto& t : s.trajectories) xs.push_back(&t.pc1), ys.push_back(&t.pc2);
  for (int g = 0; g < 3; ++g) xs.push_back(&s.point_x[g]), ys.push_back(&s.point_y[g]);
  canvas.title(s.title);
  canvas.panel({0.10, 0.70, 0.11, 0.88}, finite_range(xs, 0.06), finite_range(ys, 0.06),
               {s.x_label, s.y_label, ""});
  std::vector<LegendEntry> legend;
  for (std::size_t c = 0; c < s.trajectories.size(); ++c) {
    const auto& t = s.trajectories[c];
    const Rgb color = category_color(static_cast<int>(c));
    canvas.line(t.pc1, t.pc2, color, 2.5);
    if (t.pc1.empty()) continue;
    canvas.points({t.pc1.front()}, {t.pc2.front()}, color, "○", 1.0);
    canvas.points({t.pc1.back()}, {t.pc2.back()}, color, "■", 0.8);
    legend.push_back({literal_text(t.condition), color, 1, 2.5});
  }
  if (!s.trajectories.empty()) {
    legend.push_back({"trial start", kBlack, 1, 0, "○", 1.0});
    legend.push_back({"trial end", kBlack, 1, 0, "■", 0.8});
  }
  const char* names[3] = {"stable fixed point", "unstable fixed point", "slow point"};
  const char* symbols[3] = {"●", "◆", "×"};
  for (int g = 0; g < 3; ++g) {
    if (s.point_x[g].empty()) continue;
    canvas.points(s.point_x[g], s.point_y[g], kBlack, symbols[g], 1.1);
    legend.push_back(
        {fmt::format("{} ({})", names[g], s.point_x[g].size()), kBlack, 1, 0, symbols[g], 1.0});
  }
  canvas.pls().vpor(0.71, 0.99, 0.11, 0.88);
  canvas.pls().wind(0, 1, 0, 1);
  canvas.legend(legend, PL_POSITION_TOP | PL_POSITION_LEFT | PL_POSITION_INSIDE, 0.75);
}

}  // namespace

void plan_state_space(const fs::path& run, Plan& plan) {
  const auto lifetimes = analysed_lifetimes(run);
  if (lifetimes.empty()) {
    plan.skipped.push_back("state_space: no analysis/lifetime_* folders (`neohebb analyze`)");
    return;
  }
  const auto conditions = condition_names(run);
  for (const fs::path& dir : lifetimes) {
    const std::string name = "state_space_" + dir.filename().string();
    const fs::path pca = dir / "trajectory_pca";
    if (!fs::exists(pca / "trajectory_0.npy")) {
      plan.skipped.push_back(
          fmt::format("{}: no {}/trajectory_0.npy", name, fs::relative(pca, run).string()));
      continue;
    }
    auto s = std::make_shared<StateSpace>();
    const fs::path ratio_file = pca / "explained_variance_ratio.npy";
    const Eigen::MatrixXd ratio =
        fs::exists(ratio_file) ? core::read_npy(ratio_file) : Eigen::MatrixXd();
    s->x_label = pc_label(0, ratio);
    s->y_label = pc_label(1, ratio);
    for (int c = 0; fs::exists(pca / fmt::format("trajectory_{}.npy", c)); ++c) {
      const Eigen::MatrixXd t = core::read_npy(pca / fmt::format("trajectory_{}.npy", c));
      Trajectory tr;
      tr.condition = c < int(conditions.size()) ? conditions[c] : fmt::format("condition {}", c);
      for (Eigen::Index i = 0; i < t.rows(); ++i) {
        tr.pc1.push_back(t(i, 0));
        tr.pc2.push_back(t.cols() > 1 ? t(i, 1) : 0.0);
      }
      s->trajectories.push_back(std::move(tr));
    }
    if (fs::exists(pca / "fixed_points.npy")) {
      const Eigen::MatrixXd p = core::read_npy(pca / "fixed_points.npy");
      const fs::path fp = dir / "fixed_points";
      const Eigen::MatrixXd stable =
          fs::exists(fp / "stable.npy") ? core::read_npy(fp / "stable.npy") : Eigen::MatrixXd();
      const Eigen::MatrixXd fixed =
          fs::exists(fp / "is_fixed.npy") ? core::read_npy(fp / "is_fixed.npy") : Eigen::MatrixXd();
      for (Eigen::Index m = 0; m < p.rows(); ++m) {
        const bool is_fixed = fixed.size() != p.rows() || fixed(m) != 0;
        const bool is_stable = stable.size() == p.rows() && stable(m) != 0;
        const int g = !is_fixed ? 2 : is_stable ? 0 : 1;
        s->point_x[g].push_back(p(m, 0));
        s->point_y[g].push_back(p.cols() > 1 ? p(m, 1) : 0.0);
      }
    }
    s->title = fmt::format("State space (condition-averaged trajectories): {}, {}", run_title(run),
                           dir.filename().string());
    plan.figures.push_back({name, 1200, 850, [s](Canvas& c) { draw(c, *s); }});
  }
}

}  // namespace neohebb::plots
