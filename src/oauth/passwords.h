// Password and client-secret hashing with argon2id (RFC 9106), encoded with its parameters and
// salt so old hashes keep verifying when the parameters change.
#pragma once
#include <string>
#include <string_view>

#include "core/random.h"

namespace ember::oauth {

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
inline constexpr unsigned kArgonMemoryKiB = 19 * 1024;
inline constexpr unsigned kArgonIterations = 2;

std::string hash_password(std::string_view password, Random& random);
// Constant-time verification of `password` against an encoded argon2id hash.
bool verify_password(std::string_view password, const std::string& encoded);

}  // namespace ember::oauth
