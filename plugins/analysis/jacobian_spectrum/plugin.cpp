#include <neohebb/sdk/plugin.hpp>

#include "jacobian_spectrum.hpp"

NEOHEBB_PLUGIN("jacobian_spectrum", "1.0.0",
               neohebb::sdk::analysis<neohebb::plugins::JacobianSpectrum>(
                   "jacobian_spectrum",
                   "eigenvalues and eigenvectors of the Jacobian at each fixed point and along "
                   "the condition-averaged trajectories"))
