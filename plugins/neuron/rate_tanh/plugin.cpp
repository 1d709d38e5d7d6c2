#include <neohebb/sdk/plugin.hpp>

#include "rate_tanh.hpp"

NEOHEBB_PLUGIN("rate_tanh", "1.0.0",
               neohebb::sdk::component<neohebb::sdk::Kind::NeuronModel, neohebb::plugins::RateTanh>(
                   "rate_tanh", "leaky tanh rate neuron, forward Euler"))
