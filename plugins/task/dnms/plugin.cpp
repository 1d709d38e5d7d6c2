#include <neohebb/sdk/plugin.hpp>

#include "dnms.hpp"

NEOHEBB_PLUGIN("dnms", "1.0.0",
               neohebb::sdk::component<neohebb::sdk::Kind::Task, neohebb::plugins::Dnms>(
                   "dnms", "delayed non-match-to-sample (Miconi 2017)"))
