#include "core/random.h"

#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

#include "core/encoding.h"

namespace ember {

std::string Random::token(std::size_t n_bytes) {
  std::vector<std::uint8_t> buf(n_bytes);
  fill(buf);
  return base64url_encode(buf);
}

std::string Random::hex(std::size_t n_bytes) {
  std::vector<std::uint8_t> buf(n_bytes);
  fill(buf);
  return hex_encode(buf);
}

std::string Random::uuid() {
  std::uint8_t b[16];
  fill(b);
  b[6] = (b[6] & 0x0F) | 0x40;
  b[8] = (b[8] & 0x3F) | 0x80;
  std::string h = hex_encode(b);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20);
}

namespace {

class SystemRandom final : public Random {
 public:
  void fill(std::span<std::uint8_t> out) override {
    if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
      throw std::runtime_error("RAND_bytes failed");  // the CSPRNG failing is truly exceptional
    }
  }
};

class SeededRandom final : public Random {
 public:
  explicit SeededRandom(std::uint64_t seed) : state_(seed) {}
  void fill(std::span<std::uint8_t> out) override {
    for (std::size_t i = 0; i < out.size(); i += 8) {
      std::uint64_t v = next();
      for (std::size_t j = 0; j < 8 && i + j < out.size(); ++j) {
        out[i + j] = static_cast<std::uint8_t>(v >> (8 * j));
      }
    }
  }

 private:
  std::uint64_t next() {  // splitmix64
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::uint64_t state_;
};

}  // namespace

std::unique_ptr<Random> make_system_random() { return std::make_unique<SystemRandom>(); }
std::unique_ptr<Random> make_seeded_random(std::uint64_t seed) {
  return std::make_unique<SeededRandom>(seed);
}

}  // namespace ember
