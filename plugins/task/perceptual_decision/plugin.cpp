#include <neohebb/sdk/plugin.hpp>

#include "perceptual_decision.hpp"

NEOHEBB_PLUGIN(
    "perceptual_decision", "1.0.0",
    neohebb::sdk::component<neohebb::sdk::Kind::Task, neohebb::plugins::PerceptualDecision>(
        "perceptual_decision", "two-choice motion discrimination (neurogym; Britten et al. 1992)"))
