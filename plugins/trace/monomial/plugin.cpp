#include <neohebb/sdk/plugin.hpp>

#include "monomial.hpp"

NEOHEBB_PLUGIN(
    "monomial", "1.0.0",
    neohebb::sdk::component<neohebb::sdk::Kind::TracePolynomial, neohebb::plugins::Monomial>(
        "monomial", "monomial bases r^k d^l, k,l = 0..degree (learnable theta)"))
