#include <neohebb/sdk/plugin.hpp>

#include "delayed_match_to_sample.hpp"

NEOHEBB_PLUGIN(
    "delayed_match_to_sample", "1.0.0",
    neohebb::sdk::component<neohebb::sdk::Kind::Task, neohebb::plugins::DelayedMatchToSample>(
        "delayed_match_to_sample", "delayed match-to-sample (neurogym; Miller et al. 1996)"))
