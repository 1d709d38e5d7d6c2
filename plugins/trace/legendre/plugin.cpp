#include <neohebb/sdk/plugin.hpp>

#include "legendre.hpp"

NEOHEBB_PLUGIN(
    "legendre", "1.0.0",
    neohebb::sdk::component<neohebb::sdk::Kind::TracePolynomial, neohebb::plugins::Legendre>(
        "legendre", "Legendre bases P_k(r) P_l(d / s), k,l = 0..degree (learnable theta)"))
