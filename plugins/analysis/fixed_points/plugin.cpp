#include <neohebb/sdk/plugin.hpp>

#include "fixed_points.hpp"

NEOHEBB_PLUGIN("fixed_points", "1.0.0",
               neohebb::sdk::analysis<neohebb::plugins::FixedPoints>(
                   "fixed_points",
                   "fixed points and slow points of the trained network by damped Newton from "
                   "many starts, with their stability"))
