// Randomness is injected: protocol code asks a Random, so tests can use a deterministic one.
// The production implementation is OpenSSL's CSPRNG.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace ember {

class Random {
 public:
  virtual ~Random() = default;
  virtual void fill(std::span<std::uint8_t> out) = 0;

  // n random bytes as unpadded base64url (n = 32 gives 256 bits).
  std::string token(std::size_t n_bytes = 32);
  // n random bytes as lowercase hex.
  std::string hex(std::size_t n_bytes);
  // A random version-4 UUID string.
  std::string uuid();
};

std::unique_ptr<Random> make_system_random();
// Deterministic generator (splitmix64); for tests and seeded data only, never for secrets.
std::unique_ptr<Random> make_seeded_random(std::uint64_t seed);

}  // namespace ember
