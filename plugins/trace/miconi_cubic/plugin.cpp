#include <neohebb/sdk/plugin.hpp>

#include "miconi_cubic.hpp"

NEOHEBB_PLUGIN(
    "miconi_cubic", "1.0.0",
    neohebb::sdk::component<neohebb::sdk::Kind::TracePolynomial, neohebb::plugins::MiconiCubic>(
        "miconi_cubic", "Miconi 2017's fixed supralinear trace (r_j (x_i - xbar_i))^3"))
