#include <neohebb/sdk/plugin.hpp>

#include "readout_alignment.hpp"

NEOHEBB_PLUGIN("readout_alignment", "1.0.0",
               neohebb::sdk::analysis<neohebb::plugins::ReadoutAlignment>(
                   "readout_alignment",
                   "overlap of each readout row with the left and right eigenvectors of the "
                   "Jacobian at each fixed point"))
