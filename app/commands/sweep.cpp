// `neohebb sweep EXP --grid key=v1,v2 ...`: one run per point of a grid.
#include "app/commands/command.hpp"

namespace neohebb::app {

void add_sweep(CLI::App&, Context&) {}

}  // namespace neohebb::app
