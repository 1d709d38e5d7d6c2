#include <neohebb/sdk/plugin.hpp>

#include "go_nogo.hpp"

NEOHEBB_PLUGIN("go_nogo", "1.0.0",
               neohebb::sdk::component<neohebb::sdk::Kind::Task, neohebb::plugins::GoNogo>(
                   "go_nogo", "go/no-go with a delayed response (neurogym)"))
