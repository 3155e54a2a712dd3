// Deterministic pseudo-random numbers for the seed generator: splitmix64 with integer-only helpers,
// so the same seed yields the same choices on every platform. Each patient draws from its own
// stream (seed, patient number): one patient's records never shift another's.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

namespace ember::seed {

class Prng {
 public:
  explicit Prng(std::uint64_t state) : state_(state) {}

  // An independent stream for (seed, stream); both are mixed so nearby values diverge at once.
  static Prng stream(std::uint64_t seed, std::uint64_t stream) {
    return Prng(mix(mix(seed) ^ (stream * 0xD1B54A32D192ED03ULL + 0x632BE59BD9B4E019ULL)));
  }

  std::uint64_t next() { return mix(state_ += 0x9E3779B97F4A7C15ULL); }

  // Uniform in [lo, hi], both inclusive (Lemire's multiply-shift; the bias is negligible here).
  int uniform(int lo, int hi) {
    const auto range = static_cast<std::uint64_t>(static_cast<std::int64_t>(hi) - lo + 1);
    const auto r =
        static_cast<std::uint64_t>((static_cast<unsigned __int128>(next()) * range) >> 64);
    return lo + static_cast<int>(r);
  }
  // Roughly bell-shaped in [lo, hi]: the mean of two uniform draws.
  int around(int lo, int hi) { return (uniform(lo, hi) + uniform(lo, hi) + uniform(0, 1)) / 2; }
  bool percent(int p) { return uniform(0, 99) < p; }
  std::size_t index(std::size_t n) {
    return static_cast<std::size_t>(uniform(0, static_cast<int>(n) - 1));
  }
  template <class T>
  const T& pick(std::span<const T> items) {
    return items[index(items.size())];
  }

 private:
  static std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

  std::uint64_t state_;
};

}  // namespace ember::seed
