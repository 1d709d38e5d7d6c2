#include <neohebb/sdk/plugin.hpp>

#include "hebbian.hpp"

NEOHEBB_PLUGIN(
    "hebbian", "1.0.0",
    neohebb::sdk::component<neohebb::sdk::Kind::TracePolynomial, neohebb::plugins::Hebbian>(
        "hebbian", "plain Hebbian trace r_j (x_i - xbar_i), no supralinearity"))
