// The gradient check of `neohebb check-gradients` as scatter plots: |forward mode| against
// |complex step| and against |finite differences|, per coefficient, log-log with the identity
// line. One colour per table (trials and the cumulative objective); an open symbol where the
// signs differ. Exact zeros (trial 1 runs before any update) cannot be shown and are counted.
#include <algorithm>
#include <cmath>
#include <memory>

#include <fmt/format.h>

#include "csv_table.hpp"
#include "figures.hpp"

namespace neohebb::plots {
namespace fs = std::filesystem;

namespace {

struct Series {
  std::string label;
  std::vector<double> fm = {}, cs = {}, fd = {};
};

struct GradientScatter {
  std::string title;
  std::vector<Series> tables;
};

// Normwise relative error, as in gradient_check.txt: max_p |a_p - b_p| / max_p |b_p|.
double relative_error(const std::vector<double>& a, const std::vector<double>& b) {
  double diff = 0, scale = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!std::isfinite(b[i])) return NAN;
    diff = std::max(diff, std::abs(a[i] - b[i]));
    scale = std::max(scale, std::abs(b[i]));
  }
  return scale > 0 ? diff / scale : diff;
}

void draw_panel(Canvas& canvas, const GradientScatter& g, bool against_fd, const Box& box) {
  const char* ref_name = against_fd ? "finite differences" : "complex step";
  std::vector<double> all;
  int zeros = 0;
  for (const auto& t : g.tables) {
    const auto& ref = against_fd ? t.fd : t.cs;
    for (std::size_t i = 0; i < t.fm.size(); ++i) {
      if (!std::isfinite(ref[i])) continue;
      if (t.fm[i] == 0 || ref[i] == 0) {
        ++zeros;
        continue;
      }
      all.push_back(std::log10(std::abs(t.fm[i])));
      all.push_back(std::log10(std::abs(ref[i])));
    }
  }
  if (all.empty()) {
    canvas.pls().vpor(box.x0, box.x1, box.y0, box.y1);
    canvas.pls().wind(0, 1, 0, 1);
    canvas.use(kBlack);
    const bool none = zeros == 0;  // every reference value is nan: not computed
    canvas.pls().ptex(0.5, 0.55, 1, 0, 0.5, fmt::format("forward mode vs {}:", ref_name).c_str());
    canvas.pls().ptex(
        0.5, 0.45, 1, 0, 0.5,
        none ? "not computed (--no-fd)" : "every derivative is exactly 0 (no update yet?)");
    return;
  }
  Range r = finite_range({&all}, 0.05);
  r = {std::floor(r.lo * 2) / 2, std::ceil(r.hi * 2) / 2};
  canvas.panel(
      box, r, r,
      {fmt::format("|dJ/dθ#dp#u|, {}", ref_name), "|dJ/dθ#dp#u|, forward mode", "", true, true});
  canvas.line({r.lo, r.hi}, {r.lo, r.hi}, kGrey, 1.5);

  std::vector<LegendEntry> legend;
  std::string all_zero;  // tables without a single nonzero pair
  bool signs_differ = false;
  for (std::size_t k = 0; k < g.tables.size(); ++k) {
    const auto& t = g.tables[k];
    const auto& ref = against_fd ? t.fd : t.cs;
    std::vector<double> x[2], y[2];  // same sign, opposite sign
    for (std::size_t i = 0; i < t.fm.size(); ++i) {
      if (!std::isfinite(ref[i]) || t.fm[i] == 0 || ref[i] == 0) continue;
      const int opposite = (t.fm[i] > 0) != (ref[i] > 0);
      x[opposite].push_back(std::log10(std::abs(ref[i])));
      y[opposite].push_back(std::log10(std::abs(t.fm[i])));
    }
    if (x[0].empty() && x[1].empty()) {
      all_zero += (all_zero.empty() ? "" : ", ") + literal_text(t.label);
      continue;
    }
    signs_differ = signs_differ || !x[1].empty();
    const Rgb color = category_color(static_cast<int>(k));
    canvas.points(x[0], y[0], color, "●", 0.7, 0.8);
    canvas.points(x[1], y[1], color, "○", 0.9);
    legend.push_back(
        {fmt::format("{}: rel. error {:.1e}", literal_text(t.label), relative_error(t.fm, ref)),
         color, 1, 0, "●", 0.7});
  }
  legend.push_back({"identity (agreement)", kGrey, 1, 1.5});
  if (signs_differ) legend.push_back({"open symbol: signs differ", kBlack, 1, 0, "○", 0.9});
  if (!all_zero.empty()) legend.push_back({all_zero + ": all zero", kBlack, 1, 0, "", 1});
  if (zeros > 0)
    legend.push_back({fmt::format("{} zero value{} not shown", zeros, zeros == 1 ? "" : "s"),
                      kBlack, 1, 0, "", 1});
  // Above the panel: inside, it would hide points wherever they are.
  canvas.pls().vpor(box.x0, box.x1, box.y1 + 0.01, 0.90);
  canvas.pls().wind(0, 1, 0, 1);
  canvas.legend(legend, PL_POSITION_BOTTOM | PL_POSITION_INSIDE, 0.6);
}

void draw(Canvas& canvas, const GradientScatter& g) {
  canvas.title(g.title);
  // Panels low enough that a legend of up to 8 entries fits between them and the title.
  draw_panel(canvas, g, false, {0.09, 0.47, 0.13, 0.55});
  draw_panel(canvas, g, true, {0.58, 0.96, 0.13, 0.55});
}

}  // namespace

void plan_gradient_check(const fs::path& run, Plan& plan) {
  const fs::path file = run / "gradient_check.csv";
  if (!fs::exists(file)) {
    plan.skipped.push_back("gradient_check: no gradient_check.csv (`neohebb check-gradients`)");
    return;
  }
  const CsvTable table(file);
  const auto label = table.strings("table");
  const auto fm = table.numbers("forward_mode"), cs = table.numbers("complex_step"),
             fd = table.numbers("finite_differences");
  auto g = std::make_shared<GradientScatter>();
  for (std::size_t i = 0; i < table.rows(); ++i) {
    if (g->tables.empty() || g->tables.back().label != label[i]) g->tables.push_back({label[i]});
    auto& s = g->tables.back();
    s.fm.push_back(fm[i]), s.cs.push_back(cs[i]), s.fd.push_back(fd[i]);
  }
  if (g->tables.empty()) {
    plan.skipped.push_back("gradient_check: gradient_check.csv has no rows");
    return;
  }
  g->title =
      fmt::format("Meta-gradient check: {}  (one point per coefficient θ#dp#u)", run_title(run));
  plan.figures.push_back({"gradient_check", 1500, 950, [g](Canvas& c) { draw(c, *g); }});
}

}  // namespace neohebb::plots
