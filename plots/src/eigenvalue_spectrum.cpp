// Eigenvalues of the Jacobian of dx/dt = F(x) (units of 1/tau) in the complex plane, one figure
// per analysed lifetime: at each fixed point (stable / unstable; slow points apart) and at the
// sampled trajectory states, with the stability boundary Re(lambda) = 0.
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "core/io/npy_reader.hpp"
#include "core/support/errors.hpp"
#include "figures.hpp"

namespace neohebb::plots {
namespace fs = std::filesystem;

namespace {

struct Spectrum {
  std::string title;
  std::vector<double> trajectory_re, trajectory_im;
  // Eigenvalues at stable fixed points, unstable fixed points, slow points.
  std::vector<double> re[3], im[3];
  int count[3] = {0, 0, 0};
};

const Rgb kStable{31, 119, 180}, kUnstable{214, 39, 40}, kSlow{255, 127, 14};

void append(const Eigen::MatrixXd& m, std::vector<double>& out) {
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j) out.push_back(m(i, j));
}

Eigen::MatrixXd read_or_empty(const fs::path& file) {
  return fs::exists(file) ? core::read_npy(file) : Eigen::MatrixXd();
}

// The eigenvalues `stem` of jacobian_spectrum: `stem`.npy, one complex128 array (run-directory
// format 2), or, in a run analysed before it, `stem`_re.npy and `stem`_im.npy. Nullopt when
// neither is there.
std::optional<Eigen::MatrixXcd> read_eigenvalues(const fs::path& js, const std::string& stem) {
  if (fs::exists(js / (stem + ".npy"))) return core::read_complex_npy(js / (stem + ".npy"));
  if (!fs::exists(js / (stem + "_re.npy"))) return std::nullopt;
  const Eigen::MatrixXd re = core::read_npy(js / (stem + "_re.npy")),
                        im = core::read_npy(js / (stem + "_im.npy"));
  if (re.rows() != im.rows() || re.cols() != im.cols())
    throw core::RunError(fmt::format("{}: shape ({}, {}), but {}_re.npy has ({}, {})",
                                     (js / (stem + "_im.npy")).string(), im.rows(), im.cols(), stem,
                                     re.rows(), re.cols()));
  Eigen::MatrixXcd c(re.rows(), re.cols());
  c.real() = re;
  c.imag() = im;
  return c;
}

void draw(Canvas& canvas, const Spectrum& s) {
  std::vector<const std::vector<double>*> re = {&s.trajectory_re}, im = {&s.trajectory_im};
  for (int g = 0; g < 3; ++g) re.push_back(&s.re[g]), im.push_back(&s.im[g]);
  const std::vector<double> zero = {0.0};
  re.push_back(&zero);
  const Range x = finite_range(re, 0.06), y = finite_range(im, 0.06);
  canvas.title(s.title);
  canvas.panel({0.10, 0.97, 0.11, 0.80}, x, y, {"Re λ (1/τ)", "Im λ (1/τ)", ""});

  plstream& pls = canvas.pls();
  canvas.use(kBlack);
  pls.width(2);
  pls.join(0, y.lo, 0, y.hi);

  std::vector<LegendEntry> legend = {{"stability boundary Re λ = 0", kBlack, 1, 2}};
  if (!s.trajectory_re.empty()) {
    canvas.points(s.trajectory_re, s.trajectory_im, kGrey, "●", 0.35, 0.35);
    legend.push_back({"along trajectories", kGrey, 0.6, 0, "●", 0.5});
  }
  const char* names[3] = {"stable fixed point", "unstable fixed point", "slow point"};
  const Rgb colors[3] = {kStable, kUnstable, kSlow};
  // Slow points first, stable fixed points last: on top where they overlap.
  for (int g : {2, 1, 0})
    canvas.points(s.re[g], s.im[g], colors[g], g == 2 ? "○" : "●", g == 2 ? 0.45 : 0.55, 0.85);
  for (int g = 0; g < 3; ++g)
    if (!s.re[g].empty())
      legend.push_back({fmt::format("at {} {}{}", s.count[g], names[g], s.count[g] == 1 ? "" : "s"),
                        colors[g], 1, 0, g == 2 ? "○" : "●", 0.7});
  canvas.legend_strip(legend, {0.10, 0.97, 0.81, 0.935}, 0.75);
}

}  // namespace

void plan_eigenvalue_spectra(const fs::path& run, Plan& plan) {
  const auto lifetimes = analysed_lifetimes(run);
  if (lifetimes.empty()) {
    plan.skipped.push_back("eigenvalues: no analysis/lifetime_* folders (`neohebb analyze`)");
    return;
  }
  for (const fs::path& dir : lifetimes) {
    const std::string name = "eigenvalues_" + dir.filename().string();
    const fs::path js = dir / "jacobian_spectrum";
    const auto at_points = read_eigenvalues(js, "fixed_point_eigenvalues"),
               along = read_eigenvalues(js, "trajectory_eigenvalues");
    if (!at_points && !along) {
      plan.skipped.push_back(
          fmt::format("{}: no {}/*_eigenvalues.npy", name, fs::relative(js, run).string()));
      continue;
    }
    auto s = std::make_shared<Spectrum>();
    if (along) {
      append(along->real(), s->trajectory_re);
      append(along->imag(), s->trajectory_im);
    }
    if (at_points) {
      const Eigen::MatrixXd re = at_points->real(), im = at_points->imag();
      const Eigen::MatrixXd stable = read_or_empty(dir / "fixed_points" / "stable.npy"),
                            is_fixed = read_or_empty(dir / "fixed_points" / "is_fixed.npy");
      for (Eigen::Index m = 0; m < re.rows(); ++m) {
        const bool fixed = is_fixed.size() != re.rows() || is_fixed(m) != 0;
        const bool stab =
            stable.size() == re.rows() ? stable(m) != 0 : (re.row(m).array() < 0).all();
        const int g = !fixed ? 2 : stab ? 0 : 1;
        ++s->count[g];
        append(re.row(m), s->re[g]);
        append(im.row(m), s->im[g]);
      }
    }
    s->title = fmt::format("Jacobian eigenvalues: {}, {}", run_title(run), dir.filename().string());
    plan.figures.push_back({name, 1200, 850, [s](Canvas& c) { draw(c, *s); }});
  }
}

}  // namespace neohebb::plots
