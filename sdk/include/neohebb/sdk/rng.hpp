#pragma once
// Seeded random streams. Every stream is derived from its parent's seed and a path of tags
// (experiment seed -> lifetime -> trial -> purpose), so what one consumer draws never shifts
// what another sees, and a result does not depend on the order or thread work is done in.
#include <cstdint>
#include <initializer_list>
#include <random>

namespace neohebb::sdk {

// SplitMix64 finaliser: a bijective 64-bit mix, good enough to decorrelate derived seeds.
inline std::uint64_t mix64(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

inline std::uint64_t derive_seed(std::uint64_t parent, std::initializer_list<std::uint64_t> path) {
  std::uint64_t s = mix64(parent);
  for (std::uint64_t tag : path) s = mix64(s ^ mix64(tag + 0x632be59bd9b4e019ULL));
  return s;
}

class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0) : engine_(seed) {}

  // Uniform in [0, 1) with 53 random bits (independent of the library's distributions).
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  double normal() { return normal_(engine_); }
  double normal(double mean, double sd) { return mean + sd * normal(); }
  bool bernoulli(double p) { return uniform() < p; }
  std::int64_t below(std::int64_t n) {  // uniform integer in [0, n)
    return std::uniform_int_distribution<std::int64_t>(0, n - 1)(engine_);
  }
  std::mt19937_64& engine() { return engine_; }

 private:
  std::mt19937_64 engine_;
  std::normal_distribution<double> normal_;
};

}  // namespace neohebb::sdk
