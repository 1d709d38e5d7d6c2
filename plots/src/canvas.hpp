#pragma once
// Drawing one figure with PLplot. A figure is a function of a Canvas; it is rendered once per
// format (pngcairo, svgcairo) into a private scratch folder and then moved into RUN/plots/
// atomically. PLplot ends the whole process on the errors it cannot report (an unknown device, a
// file it cannot open), so both are ruled out before PLplot starts.
#include <array>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <plstream.h>

namespace neohebb::plots {

struct Rgb {
  int r, g, b;
};
inline constexpr Rgb kBlack{0, 0, 0};
inline constexpr Rgb kGrey{150, 150, 150};
inline constexpr Rgb kLightGrey{225, 225, 225};
Rgb category_color(int i);  // a colour-blind-safe categorical palette, cycled

struct Range {
  double lo, hi;
};
// The smallest range holding every finite value, widened by `pad` of its width on each side (a
// single value or none gives a unit range around it).
Range finite_range(const std::vector<const std::vector<double>*>& values, double pad = 0.04);

struct Box {  // a viewport in normalised page coordinates
  double x0, x1, y0, y1;
};

struct Axes {
  std::string x_label, y_label, title;
  bool log_x = false, log_y = false;  // data already log10; ticks labelled as powers of ten
  bool x_numbers = true;              // false: ticks only (a panel stacked above another)
  double x_tick = 0;                  // major tick interval on x; 0: PLplot's choice
};

struct LegendEntry {
  std::string text;
  Rgb color;
  double alpha = 1.0;
  double line_width = 0;    // > 0: a line sample
  std::string symbol = {};  // non-empty: a symbol sample
  double symbol_scale = 1.0;
};

class Canvas {
 public:
  explicit Canvas(plstream& pls);
  plstream& pls() { return pls_; }
  int color(Rgb c, double alpha = 1.0);  // a cmap0 index holding this colour
  void use(Rgb c, double alpha = 1.0) { pls_.col0(color(c, alpha)); }
  // Sets the viewport and world coordinates, draws a light grid, the frame, ticks and labels.
  void panel(const Box& viewport, Range x, Range y, const Axes& axes);
  void line(const std::vector<double>& x, const std::vector<double>& y, Rgb c, double width,
            double alpha = 1.0);
  void points(const std::vector<double>& x, const std::vector<double>& y, Rgb c,
              const std::string& symbol, double scale, double alpha = 1.0);
  // A legend inside the current viewport; `position` is a PL_POSITION_* combination.
  void legend(const std::vector<LegendEntry>& entries, int position, double text_scale = 0.8,
              int columns = 1);
  // A one-row legend in a strip of the page (under the title), outside every panel.
  void legend_strip(const std::vector<LegendEntry>& entries, const Box& strip,
                    double text_scale = 0.8, int columns = 3);
  void title(const std::string& text, double y = 0.965);  // a title for the whole page

 private:
  plstream& pls_;
  std::vector<std::pair<std::array<int, 4>, int>> colors_;
};

struct Figure {
  std::string name;  // file stem under plots/
  int width = 1200, height = 800;
  std::function<void(Canvas&)> draw;
};

// PLplot treats '#' as the start of an escape sequence; text from files is shown literally.
std::string literal_text(const std::string& s);

// Throws core::RunError unless PLplot's pngcairo and svgcairo drivers are installed.
void require_cairo_drivers();

// Renders `figure` to `plots_dir/<name>.png` and `.svg`, through files in `scratch` (a folder
// this process created, so PLplot never meets a file it cannot open). Returns the files written.
std::vector<std::filesystem::path> render(const Figure& figure,
                                          const std::filesystem::path& plots_dir,
                                          const std::filesystem::path& scratch);

}  // namespace neohebb::plots
