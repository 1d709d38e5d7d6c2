#include <neohebb/sdk/plugin.hpp>

#include "input_sensitivity.hpp"

NEOHEBB_PLUGIN("input_sensitivity", "1.0.0",
               neohebb::sdk::analysis<neohebb::plugins::InputSensitivity>(
                   "input_sensitivity",
                   "steady-state response p = (-J)^-1 W_in of each unit to each input at the "
                   "stable fixed points"))
