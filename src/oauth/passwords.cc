#include "oauth/passwords.h"

#include <argon2.h>

#include <array>
#include <vector>

namespace ember::oauth {

std::string hash_password(std::string_view password, Random& random) {
  std::array<std::uint8_t, 16> salt;
  random.fill(salt);
  std::size_t len = argon2_encodedlen(kArgonIterations, kArgonMemoryKiB, 1, salt.size(), 32,
                                      Argon2_id);
  std::vector<char> out(len);
  int rc = argon2id_hash_encoded(kArgonIterations, kArgonMemoryKiB, 1, password.data(),
                                 password.size(), salt.data(), salt.size(), 32, out.data(),
                                 out.size());
  if (rc != ARGON2_OK) return {};
  return std::string(out.data());
}

bool verify_password(std::string_view password, const std::string& encoded) {
  if (encoded.empty()) return false;
  return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

}  // namespace ember::oauth
