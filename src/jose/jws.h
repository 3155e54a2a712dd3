// Compact JWS (RFC 7515 §3.1, §5.1-5.2): sign, strictly parse, and verify against a Key or a
// KeySet. Parsing refuses what a careful verifier must: "none", HMAC algs, "crit" extensions
// (we understand none), unencoded payloads (RFC 7797 "b64":false), duplicate header members,
// padding, oversize input. Embedded key hints (jwk, jku, x5u, x5c) are ignored, never fetched.
#pragma once
#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "jose/alg.h"
#include "jose/error.h"
#include "jose/jwk.h"
#include "jose/jwks.h"

namespace ember::jose {

// Largest compact JWS accepted; SMART tokens and client assertions are well under 4 KiB.
inline constexpr std::size_t kMaxTokenBytes = 16 * 1024;

// A parsed compact JWS. Until returned by verify_compact, nothing in it is authenticated.
struct Jws {
  boost::json::object header;
  Alg alg = Alg::RS256;
  std::optional<std::string> kid;
  std::string payload;  // decoded payload octets
};

struct SignOptions {
  // Header "typ" (RFC 7515 §4.1.9); empty omits it. Access tokens use "at+jwt" (RFC 9068).
  std::string typ = "JWT";
  // Put the key's kid in the header (RFC 7515 §4.1.4); omitted anyway when the kid is empty.
  bool include_kid = true;
  // More header members. alg, kid, typ, crit and b64 are ours to set: Malformed if present.
  boost::json::object extra_header;
};

// Header {alg, kid, typ, extra...}.payload.signature. KeyAlgMismatch if the key does not fit
// alg, NotPrivateKey for a public key, Malformed for reserved members in extra_header.
[[nodiscard]] Result<std::string, Error> sign_compact(const Key& key, Alg alg,
                                                      std::string_view payload,
                                                      const SignOptions& options = {});

// Parses and checks the token's shape and header without verifying the signature, for key
// selection (kid, or iss/sub of a client assertion). Never act on the result alone.
[[nodiscard]] Result<Jws, Error> decode_unverified(std::string_view token);

// Full verification (RFC 7515 §5.2): decode, alg in `allowed`, key fits alg, signature.
[[nodiscard]] Result<Jws, Error> verify_compact(std::string_view token, const Key& key,
                                                AlgSet allowed);
// As above with the key chosen by KeySet::select(header kid, header alg).
[[nodiscard]] Result<Jws, Error> verify_compact(std::string_view token, const KeySet& keys,
                                                AlgSet allowed);

}  // namespace ember::jose
