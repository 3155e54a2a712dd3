// Internal to src/jose: JSON object parsing for JOSE headers, claims, JWKs and JWK Sets that
// refuses duplicate member names. RFC 7515 §5.2 step 4 lets a parser either reject duplicates
// or keep the last; Boost.JSON keeps the last, which lets two "alg" members mean different
// things to different parsers, so we reject.
#pragma once
#include <boost/json.hpp>
#include <string_view>

#include "core/result.h"
#include "jose/error.h"

namespace ember::jose {

inline constexpr std::size_t kMaxJsonDepth = 32;

// Malformed for bad JSON, invalid UTF-8, too deep or not an object; DuplicateMember for repeats.
[[nodiscard]] Result<boost::json::object, Error> parse_object_strict(std::string_view text);

}  // namespace ember::jose
