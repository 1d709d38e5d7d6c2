#include "core/run/meta_timing.hpp"

#include <sstream>

#include <fmt/format.h>

namespace neohebb::core {

std::string meta_timing_csv(const std::vector<StepTiming>& rows) {
  std::string out =
      "meta_step,cpu_seconds,wall_seconds,cumulative_cpu_seconds,communication_seconds,"
      "communication_bytes\n";
  double total = 0;
  for (const auto& r : rows) {
    total += r.cpu_seconds;
    out += fmt::format("{},{:.3f},{:.3f},{:.3f},{:.6f},{:.0f}\n", r.step, r.cpu_seconds,
                       r.wall_seconds, total, r.communication_seconds, r.communication_bytes);
  }
  return out;
}

std::vector<StepTiming> parse_meta_timing(const std::string& csv, int last_step) {
  std::vector<StepTiming> rows;
  std::istringstream in(csv);
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    StepTiming r;
    char comma1 = 0, comma2 = 0;
    std::istringstream fields(line);
    if (!(fields >> r.step >> comma1 >> r.cpu_seconds >> comma2 >> r.wall_seconds) ||
        comma1 != ',' || comma2 != ',' || r.step > last_step)
      continue;
    double cumulative = 0;  // recomputed; the communication columns are absent in older files
    char comma = 0;
    if (fields >> comma >> cumulative >> comma >> r.communication_seconds)
      fields >> comma >> r.communication_bytes;
    rows.push_back(r);
  }
  return rows;
}

}  // namespace neohebb::core
