#include "canvas.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "core/support/errors.hpp"
#include "core/io/run_directory.hpp"

namespace neohebb::plots {
namespace fs = std::filesystem;

namespace {
constexpr double kTextScale = 1.0;  // PLplot's default character height, times this
constexpr int kColorSlots = 256;    // cmap0 entries: 0 background, 1 frame, then allocated
}  // namespace

Rgb category_color(int i) {
  static constexpr Rgb palette[] = {{31, 119, 180},  {255, 127, 14},  {44, 160, 44},
                                    {214, 39, 40},   {148, 103, 189}, {140, 86, 75},
                                    {227, 119, 194}, {188, 189, 34},  {23, 190, 207}};
  constexpr int n = static_cast<int>(std::size(palette));
  return palette[((i % n) + n) % n];
}

Range finite_range(const std::vector<const std::vector<double>*>& values, double pad) {
  double lo = INFINITY, hi = -INFINITY;
  for (const auto* v : values)
    for (double x : *v)
      if (std::isfinite(x)) lo = std::min(lo, x), hi = std::max(hi, x);
  if (!(lo <= hi)) return {0, 1};
  if (hi - lo < 1e-12 * std::max(1.0, std::abs(hi))) return {lo - 0.5, hi + 0.5};
  const double d = (hi - lo) * pad;
  return {lo - d, hi + d};
}

std::string literal_text(const std::string& s) {
  std::string out;
  for (char c : s) out += c == '#' ? std::string("##") : std::string(1, c);
  return out;
}

Canvas::Canvas(plstream& pls) : pls_(pls) {
  pls_.adv(0);
  pls_.schr(0, kTextScale);
  pls_.scol0(1, 0, 0, 0);
}

int Canvas::color(Rgb c, double alpha) {
  const std::array<int, 4> key{c.r, c.g, c.b, static_cast<int>(std::lround(alpha * 1000))};
  for (const auto& [k, index] : colors_)
    if (k == key) return index;
  const int index = std::min<int>(2 + static_cast<int>(colors_.size()), kColorSlots - 1);
  pls_.scol0a(index, c.r, c.g, c.b, alpha);
  colors_.emplace_back(key, index);
  return index;
}

void Canvas::panel(const Box& v, Range x, Range y, const Axes& axes) {
  pls_.vpor(v.x0, v.x1, v.y0, v.y1);
  pls_.wind(x.lo, x.hi, y.lo, y.hi);
  const std::string lx = axes.log_x ? "l" : "", ly = axes.log_y ? "l" : "";
  use(kLightGrey);
  pls_.width(1);
  pls_.box(("g" + lx).c_str(), axes.x_tick, 0, ("g" + ly).c_str(), 0, 0);
  use(kBlack);
  pls_.width(1.5);
  pls_.box(((axes.x_numbers ? "bcnst" : "bcst") + lx).c_str(), axes.x_tick, 0,
           ("bcnstv" + ly).c_str(), 0, 0);
  pls_.lab(axes.x_label.c_str(), axes.y_label.c_str(), axes.title.c_str());
}

void Canvas::line(const std::vector<double>& x, const std::vector<double>& y, Rgb c, double width,
                  double alpha) {
  use(c, alpha);
  pls_.width(width);
  // Non-finite values break the line instead of reaching PLplot.
  const std::size_t n = std::min(x.size(), y.size());
  std::vector<PLFLT> sx, sy;
  const auto flush = [&] {
    if (sx.size() >= 2) pls_.line(static_cast<PLINT>(sx.size()), sx.data(), sy.data());
    sx.clear(), sy.clear();
  };
  for (std::size_t i = 0; i < n; ++i) {
    if (std::isfinite(x[i]) && std::isfinite(y[i]))
      sx.push_back(x[i]), sy.push_back(y[i]);
    else
      flush();
  }
  flush();
}

void Canvas::points(const std::vector<double>& x, const std::vector<double>& y, Rgb c,
                    const std::string& symbol, double scale, double alpha) {
  std::vector<PLFLT> sx, sy;
  for (std::size_t i = 0; i < std::min(x.size(), y.size()); ++i)
    if (std::isfinite(x[i]) && std::isfinite(y[i])) sx.push_back(x[i]), sy.push_back(y[i]);
  if (sx.empty()) return;
  use(c, alpha);
  pls_.schr(0, kTextScale * scale);
  pls_.string(static_cast<PLINT>(sx.size()), sx.data(), sy.data(), symbol.c_str());
  pls_.schr(0, kTextScale);
}

void Canvas::legend(const std::vector<LegendEntry>& entries, int position, double text_scale,
                    int columns) {
  if (entries.empty()) return;
  const std::size_t n = entries.size();
  std::vector<PLINT> opts(n), text_colors(n), line_colors(n), line_styles(n, 1), symbol_colors(n),
      symbol_numbers(n, 1), box_colors(n, 0), box_patterns(n, 0);
  std::vector<PLFLT> line_widths(n), symbol_scales(n), box_scales(n, 0), box_widths(n, 0);
  std::vector<std::string> texts(n), symbols(n);
  std::vector<const char*> text_ptrs(n), symbol_ptrs(n);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& e = entries[i];
    opts[i] = (e.line_width > 0 ? PL_LEGEND_LINE : 0) | (e.symbol.empty() ? 0 : PL_LEGEND_SYMBOL);
    if (opts[i] == 0) opts[i] = PL_LEGEND_NONE;
    text_colors[i] = color(kBlack);
    line_colors[i] = symbol_colors[i] = color(e.color, e.alpha);
    line_widths[i] = e.line_width;
    symbol_scales[i] = e.symbol_scale;
    texts[i] = e.text;
    symbols[i] = e.symbol.empty() ? " " : e.symbol;
    text_ptrs[i] = texts[i].c_str();
    symbol_ptrs[i] = symbols[i].c_str();
  }
  PLFLT width = 0, height = 0;
  pls_.legend(&width, &height, PL_LEGEND_BACKGROUND | PL_LEGEND_BOUNDING_BOX, position, 0.02, 0.02,
              0.07, color({255, 255, 255}, 0.85), color(kGrey), 1,
              columns > 1 ? static_cast<PLINT>((n + columns - 1) / columns) : 0,
              columns > 1 ? columns : 0, static_cast<PLINT>(n), opts.data(), 1.0, text_scale, 2.0,
              0.0, text_colors.data(), text_ptrs.data(), box_colors.data(), box_patterns.data(),
              box_scales.data(), box_widths.data(), line_colors.data(), line_styles.data(),
              line_widths.data(), symbol_colors.data(), symbol_scales.data(), symbol_numbers.data(),
              symbol_ptrs.data());
}

void Canvas::legend_strip(const std::vector<LegendEntry>& entries, const Box& strip,
                          double text_scale, int columns) {
  pls_.vpor(strip.x0, strip.x1, strip.y0, strip.y1);
  pls_.wind(0, 1, 0, 1);
  // PLplot clips, rather than shrinks, a legend wider than its strip: few columns.
  legend(entries, PL_POSITION_TOP | PL_POSITION_INSIDE, text_scale,
         std::min(columns, static_cast<int>(entries.size())));
}

void Canvas::title(const std::string& text, double y) {
  pls_.vpor(0, 1, 0, 1);
  pls_.wind(0, 1, 0, 1);
  use(kBlack);
  pls_.schr(0, kTextScale * 1.15);
  pls_.ptex(0.5, y, 1, 0, 0.5, text.c_str());
  pls_.schr(0, kTextScale);
}

void require_cairo_drivers() {
  plstream probe;
  const char** menu = nullptr;
  const char** names = nullptr;
  int n = 64;  // in: the room in the arrays; out: the number of devices
  std::vector<const char*> menu_room(64), name_room(64);
  menu = menu_room.data(), names = name_room.data();
  probe.gFileDevs(&menu, &names, &n);
  bool png = false, svg = false;
  for (int i = 0; i < n; ++i) {
    png = png || std::string(names[i]) == "pngcairo";
    svg = svg || std::string(names[i]) == "svgcairo";
  }
  if (!png || !svg)
    throw core::RunError(
        "PLplot's cairo drivers (pngcairo, svgcairo) are not installed; install the Debian "
        "package plplot-driver-cairo (scripts/bootstrap.sh does)");
}

namespace {
std::string read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
}  // namespace

std::vector<fs::path> render(const Figure& figure, const fs::path& plots_dir,
                             const fs::path& scratch) {
  struct Format {
    const char *device, *extension;
  };
  std::vector<fs::path> written;
  for (const Format f : {Format{"pngcairo", "png"}, Format{"svgcairo", "svg"}}) {
    const fs::path drawn = scratch / fmt::format("{}.{}", figure.name, f.extension);
    {
      plstream pls;  // its destructor finishes the file
      pls.sdev(f.device);
      pls.sfnam(drawn.c_str());
      pls.spage(0, 0, figure.width, figure.height, 0, 0);
      pls.scmap0n(kColorSlots);
      pls.scolbg(255, 255, 255);
      pls.init();
      Canvas canvas(pls);
      figure.draw(canvas);
    }
    const std::string bytes = read_bytes(drawn);
    std::error_code ec;
    fs::remove(drawn, ec);
    if (bytes.empty())
      throw core::RunError(fmt::format("{}: PLplot wrote nothing", drawn.filename().string()));
    const fs::path target = plots_dir / drawn.filename();
    core::write_file_atomically(target, bytes);
    written.push_back(target);
  }
  return written;
}

}  // namespace neohebb::plots
