#include <neohebb/sdk/plugin.hpp>

#include "chebyshev.hpp"

NEOHEBB_PLUGIN(
    "chebyshev", "1.0.0",
    neohebb::sdk::component<neohebb::sdk::Kind::TracePolynomial, neohebb::plugins::Chebyshev>(
        "chebyshev", "Chebyshev bases T_k(r) T_l(d / s), k,l = 0..degree (learnable theta)"))
