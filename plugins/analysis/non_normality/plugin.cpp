#include <neohebb/sdk/plugin.hpp>

#include "non_normality.hpp"

NEOHEBB_PLUGIN("non_normality", "1.0.0",
               neohebb::sdk::analysis<neohebb::plugins::NonNormality>(
                   "non_normality",
                   "Henrici's departure from normality of the Jacobian at each fixed point and "
                   "of W, raw and normalised by the Frobenius norm"))
