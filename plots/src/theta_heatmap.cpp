// The trace coefficients theta as a K x L heatmap: presynaptic term a_k(r_j) down, postsynaptic
// term b_l(d_i) across, on a diverging map centred on zero (red: theta > 0, blue: theta < 0), each
// cell with its value. The sign alone is not "Hebbian": d = xbar - x, so for odd l a negative
// theta strengthens synapses whose postsynaptic unit rose above its average (Miconi's
// (r (x - xbar))^3 is theta(r^3 d^3) = -1); the figure says so. A meta-learning run shows its
// final theta (theta.npy); any other run the coefficients of its experiment's trace plugin.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <memory>

#include <fmt/format.h>

#include "figures.hpp"
#include "core/config/experiment.hpp"
#include "core/io/npy_reader.hpp"
#include "core/engine/setup.hpp"

namespace neohebb::plots {
namespace fs = std::filesystem;

namespace {

struct Theta {
  std::string title;
  Eigen::MatrixXd values;  // K x L
  std::vector<std::string> pre_names, post_names;
  Eigen::MatrixXi learnable;  // 1 where meta-learning may change the coefficient
};

// Red for theta > 0, white at 0, blue for theta < 0 (ColorBrewer RdBu ends).
void diverging_map(plstream& pls) {
  const PLFLT at[] = {0.0, 0.5, 1.0};
  const PLFLT r[] = {33 / 255.0, 1.0, 178 / 255.0}, g[] = {102 / 255.0, 1.0, 24 / 255.0},
              b[] = {172 / 255.0, 1.0, 43 / 255.0};
  pls.scmap1n(256);
  pls.scmap1l(true, 3, at, r, g, b, nullptr);
}

void cell(plstream& pls, double x0, double x1, double y0, double y1) {
  const PLFLT x[] = {x0, x1, x1, x0}, y[] = {y0, y0, y1, y1};
  pls.fill(4, x, y);
}

void draw_colorbar(Canvas& canvas, double m) {
  plstream& pls = canvas.pls();
  pls.vpor(0.80, 0.83, 0.16, 0.78);
  pls.wind(0, 1, -m, m);
  constexpr int steps = 128;
  for (int i = 0; i < steps; ++i) {
    pls.col1((i + 0.5) / steps);
    cell(pls, 0, 1, -m + 2 * m * i / steps, -m + 2 * m * (i + 1) / steps);
  }
  canvas.use(kBlack);
  pls.width(1);
  pls.syax(6, 0);  // plain numbers: a "x10^n" label would collide with the end labels
  pls.box("bc", 0, 0, "bcmtv", 0, 0);
  pls.mtex("r", 5.5, 0.5, 0.5, "θ#dkl#u (dimensionless)");
  pls.mtex("t", 1.4, 0.5, 0.5, "θ > 0");
  pls.mtex("b", 1.6, 0.5, 0.5, "θ < 0");
}

void draw(Canvas& canvas, const Theta& t) {
  plstream& pls = canvas.pls();
  const int K = static_cast<int>(t.values.rows()), L = static_cast<int>(t.values.cols());
  double m = t.values.cwiseAbs().maxCoeff();
  if (!(m > 0) || !std::isfinite(m)) m = 1;
  diverging_map(pls);
  canvas.title(t.title);

  // Cells as square as the page allows, k = 0 at the top like a printed matrix.
  const double page_aspect = 900.0 / 1100.0;  // height / width of the figure below
  const double height = 0.62, width = std::min(0.58, height * page_aspect * L / K);
  const double x0 = 0.14 + (0.58 - width) / 2;
  pls.vpor(x0, x0 + width, 0.16, 0.78);
  pls.wind(-0.5, L - 0.5, K - 0.5, -0.5);
  const double text_scale = std::clamp(4.5 / std::max(K, L), 0.5, 1.2);
  // Half a character height in rows, to centre the values (PLplot places text by its baseline).
  PLFLT default_mm, height_mm, page_x0, page_x1, page_y0, page_y1;
  pls.schr(0, text_scale);
  pls.gchr(default_mm, height_mm);
  pls.schr(0, 1.0);
  pls.gspa(page_x0, page_x1, page_y0, page_y1);
  const double centre = 0.5 * height_mm * K / (height * (page_y1 - page_y0));
  for (int k = 0; k < K; ++k)
    for (int l = 0; l < L; ++l) {
      const double v = t.values(k, l);
      pls.col1(std::isfinite(v) ? 0.5 + 0.5 * v / m : 0.5);
      cell(pls, l - 0.5, l + 0.5, k - 0.5, k + 0.5);
      canvas.use(std::abs(v) > 0.6 * m ? Rgb{255, 255, 255} : kBlack);
      pls.schr(0, text_scale);
      const bool fixed = t.learnable.size() && t.learnable(k, l) == 0;
      pls.ptex(l, k + centre, 1, 0, 0.5, fmt::format("{:.3g}{}", v, fixed ? "*" : "").c_str());
      pls.schr(0, 1.0);
    }
  canvas.use(kBlack);
  pls.width(1.5);
  pls.box("bc", 1, 0, "bc", 1, 0);
  for (int l = 0; l < L; ++l) pls.mtex("b", 1.2, (l + 0.5) / L, 0.5, t.post_names[l].c_str());
  for (int k = 0; k < K; ++k) pls.mtex("lv", 0.8, 1.0 - (k + 0.5) / K, 1.0, t.pre_names[k].c_str());
  pls.mtex("b", 3.0, 0.5, 0.5, "postsynaptic term b#dl#u(d#di#u)");
  pls.mtex("l", 5.2, 0.5, 0.5, "presynaptic term a#dk#u(r#dj#u)");
  if (t.learnable.size() && t.learnable.minCoeff() == 0)
    pls.mtex("b", 4.9, 0.5, 0.5, "* held fixed (not meta-learned)");
  // The footnote holds for the polynomial families, whose b_l has the parity of l; a 1 x 1 fixed
  // trace (miconi_cubic, hebbian) has its own convention, in its docs.
  if (L < 2) return draw_colorbar(canvas, m);
  canvas.use(Rgb{90, 90, 90});
  pls.schr(0, 0.8);
  pls.mtex("b", 8.0, 0.5, 0.5, "d = x̄ − x: for odd l, θ < 0 is Hebbian, θ > 0 anti-Hebbian");
  pls.schr(0, 1.0);
  canvas.use(kBlack);
  draw_colorbar(canvas, m);
}

// "r^3" as r with a superscript 3.
std::string term_text(const std::string& name) {
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '^' && i + 1 < name.size() &&
        std::isdigit(static_cast<unsigned char>(name[i + 1]))) {
      std::size_t j = i + 1;
      while (j < name.size() && std::isdigit(static_cast<unsigned char>(name[j]))) ++j;
      out += "#u" + name.substr(i + 1, j - i - 1) + "#d";
      i = j - 1;
    } else {
      out += name[i] == '#' ? std::string("##") : std::string(1, name[i]);
    }
  }
  return out;
}

std::vector<std::string> generic_names(const char* variable, int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(fmt::format("{}{}", variable, i));
  return out;
}

}  // namespace

void plan_theta_heatmap(const fs::path& run, core::PluginRegistry* registry, Plan& plan) {
  const bool meta = fs::exists(run / "theta.npy");
  if (!meta && !fs::exists(run / "experiment.toml")) {
    plan.skipped.push_back("theta: neither theta.npy nor experiment.toml");
    return;
  }
  auto t = std::make_shared<Theta>();
  // The trace plugin names the terms (and gives theta when nothing was meta-learned).
  std::string trace_type, why_no_plugin = "no plugin registry";
  if (registry) try {
      const auto e = core::load_experiment(run / "experiment.toml", {}, *registry);
      const auto setup = core::make_setup<sdk::Real>(e);
      trace_type = e.plugin("trace").type;
      t->values = setup.trace->initial_coefficients();
      t->learnable = Eigen::MatrixXi::Zero(t->values.rows(), t->values.cols());
      for (const auto& [k, l] : setup.directions) t->learnable(k, l) = 1;
      for (int k = 0; k < t->values.rows(); ++k)
        t->pre_names.push_back(term_text(setup.trace->pre_term_name(k)));
      for (int l = 0; l < t->values.cols(); ++l)
        t->post_names.push_back(term_text(setup.trace->post_term_name(l)));
    } catch (const std::exception& err) {
      why_no_plugin = err.what();
      t->values.resize(0, 0);
    }
  if (meta) {
    const Eigen::MatrixXd learned = core::read_npy(run / "theta.npy");
    if (learned.rows() != t->values.rows() || learned.cols() != t->values.cols()) {
      t->pre_names = generic_names("k=", static_cast<int>(learned.rows()));
      t->post_names = generic_names("l=", static_cast<int>(learned.cols()));
      t->learnable.resize(0, 0);
    }
    t->values = learned;
    t->title = fmt::format("Meta-learned trace coefficients θ: {}", run_title(run));
  } else if (t->values.size() == 0) {
    plan.skipped.push_back(fmt::format(
        "theta: no theta.npy, and the experiment's trace could not be loaded: {}", why_no_plugin));
    return;
  } else {
    t->title = fmt::format("Trace coefficients θ of '{}': {}", trace_type, run_title(run));
  }
  if (t->values.size() == 0) {
    plan.skipped.push_back("theta: theta.npy is empty");
    return;
  }
  const int width = 1100, height = 900;
  plan.figures.push_back({"theta", width, height, [t](Canvas& c) { draw(c, *t); }});
}

}  // namespace neohebb::plots
