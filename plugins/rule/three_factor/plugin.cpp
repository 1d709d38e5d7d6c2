#include <neohebb/sdk/plugin.hpp>

#include "three_factor.hpp"

NEOHEBB_PLUGIN(
    "three_factor", "1.0.0",
    neohebb::sdk::component<neohebb::sdk::Kind::PlasticityRule, neohebb::plugins::ThreeFactor>(
        "three_factor", "reward-modulated update eta (R - Rbar) e_T with baselines and clipping"))
