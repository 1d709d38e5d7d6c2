#include <neohebb/sdk/plugin.hpp>

#include "cue_memory.hpp"

NEOHEBB_PLUGIN("cue_memory", "0.1.0",
               neohebb::sdk::component<neohebb::sdk::Kind::Task, example::CueMemory>(
                   "cue_memory", "remember the sign of a brief cue across a delay (example)"))
