#include <neohebb/sdk/plugin.hpp>

#include "trajectory_pca.hpp"

NEOHEBB_PLUGIN("trajectory_pca", "1.0.0",
               neohebb::sdk::analysis<neohebb::plugins::TrajectoryPca>(
                   "trajectory_pca",
                   "principal components of the condition-averaged trajectories, with the "
                   "variance each explains and the trajectories and fixed points projected"))
