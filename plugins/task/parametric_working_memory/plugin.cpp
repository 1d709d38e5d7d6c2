#include <neohebb/sdk/plugin.hpp>

#include "parametric_working_memory.hpp"

NEOHEBB_PLUGIN(
    "parametric_working_memory", "1.0.0",
    neohebb::sdk::component<neohebb::sdk::Kind::Task, neohebb::plugins::ParametricWorkingMemory>(
        "parametric_working_memory", "delayed frequency comparison (neurogym; Romo et al. 1999)"))
