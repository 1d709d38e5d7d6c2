#include <neohebb/sdk/plugin.hpp>

#include "selective_integration.hpp"

NEOHEBB_PLUGIN(
    "selective_integration", "1.0.0",
    neohebb::sdk::component<neohebb::sdk::Kind::Task, neohebb::plugins::SelectiveIntegration>(
        "selective_integration",
        "context-dependent selective integration (Miconi 2017; Mante et al. 2013)"))
