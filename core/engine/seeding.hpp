#pragma once
// The run's seed hierarchy: experiment seed -> lifetime -> (purpose, trial). Each random stream
// is derived, not drawn, so work can be split over threads without changing any number.
#include <cstdint>

#include <neohebb/sdk/rng.hpp>

namespace neohebb::core {

enum class Stream : std::uint64_t {
  Network = 1,
  Task = 2,
  InitialState = 3,
  Exploration = 4,
  Policy = 5,
};

inline std::uint64_t lifetime_seed(std::uint64_t experiment_seed, std::int64_t lifetime) {
  return sdk::derive_seed(experiment_seed, {0x11fe7111eULL, static_cast<std::uint64_t>(lifetime)});
}

inline std::uint64_t stream_seed(std::uint64_t lifetime_seed, Stream s, std::int64_t trial = 0) {
  return sdk::derive_seed(lifetime_seed,
                          {static_cast<std::uint64_t>(s), static_cast<std::uint64_t>(trial)});
}

}  // namespace neohebb::core
