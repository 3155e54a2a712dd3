// Fuzz target: compact JWS/JWT parsing and verification (jose/jws.h, jose/jwt.h) with fixed keys
// and a fixed clock. Two kinds of input:
//   a compact token — decoded unverified, verified against the fixed key set (RS*, PS*, ES*), its
//     header and claims also checked by check_typ / validate_claims directly, so the claim rules
//     are reached without a valid signature; a token that verifies passed every step;
//   a JSON object ("{...") — signed as claims with the fixed EC key and verified again: the
//     round trip never fails on shape or signature, only on a claim rule, and keeps the claims.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/clock.h"
#include "fixed_keys.h"
#include "fuzz_check.h"
#include "jose/jwks.h"
#include "jose/jws.h"
#include "jose/jwt.h"

using namespace ember;
namespace bj = boost::json;

namespace {

struct Fixture {
  jose::Key ec = *jose::Key::from_jwk_json(fuzz::kEcPrivateJwk);
  jose::KeySet keys{{*jose::Key::from_jwk_json(fuzz::kRsaPrivateJwk)->public_key(),
                     *ec.public_key()}};
  ManualClock clock{fuzz::kNowMs};
  jose::ClaimRules strict = [] {
    jose::ClaimRules r;
    r.issuer = "https://issuer.example";
    r.audience = "https://ember.example/fhir";
    r.subject = "app";
    r.require_iat = true;
    r.required = {"jti"};
    r.max_lifetime = std::chrono::seconds(300);
    r.typ = "JWT";
    r.require_typ = true;
    return r;
  }();
  jose::ClaimRules lenient;  // exp required, nothing else
};

const Fixture& fx() {
  static const Fixture f;
  return f;
}

bool is_claim_error(jose::Error e) {
  using E = jose::Error;
  switch (e) {
    case E::InvalidClaim: case E::MissingClaim: case E::Expired: case E::NotYetValid:
    case E::IssuedInFuture: case E::LifetimeTooLong: case E::IssuerMismatch:
    case E::AudienceMismatch: case E::SubjectMismatch:
      return true;
    default:
      return false;
  }
}

void token(std::string_view in) {
  const auto& f = fx();
  auto unverified = jose::decode_unverified_jwt(in);
  auto compact = jose::verify_compact(in, f.keys, jose::AlgSet::all());
  for (const jose::ClaimRules* rules : {&f.strict, &f.lenient}) {
    auto full = jose::verify_jwt(in, f.keys, jose::AlgSet::all(), *rules, f.clock);
    if (full) {
      FUZZ_CHECK(compact && unverified);
      FUZZ_CHECK(jose::check_typ(full->header, *rules));
      FUZZ_CHECK(jose::validate_claims(full->claims, *rules, f.clock));
    }
    if (unverified) {
      (void)jose::check_typ(unverified->header, *rules);
      (void)jose::validate_claims(unverified->claims, *rules, f.clock);
    }
  }
}

void claims(std::string_view in) {
  const auto& f = fx();
  // Stay well inside kMaxTokenBytes once base64url-encoded (4/3) with header and signature.
  if (in.size() > jose::kMaxTokenBytes / 2) return;
  boost::system::error_code ec;
  bj::value v = bj::parse(in, ec);
  if (ec || !v.is_object()) return;
  // Boost.JSON reads an overflowing number (1e999) as ±inf and writes it back as "Infinity",
  // which is not JSON: such claims cannot be signed by anyone, so they are not a case here.
  if (bj::parse(bj::serialize(v), ec); ec) return;
  auto signed_token = jose::sign_jwt(f.ec, jose::Alg::ES256, v.get_object());
  FUZZ_CHECK(signed_token);
  FUZZ_CHECK(jose::decode_unverified_jwt(*signed_token));
  for (const jose::ClaimRules* rules : {&f.strict, &f.lenient}) {
    auto back = jose::verify_jwt(*signed_token, f.keys, {jose::Alg::ES256}, *rules, f.clock);
    if (back) {
      FUZZ_CHECK(back->claims == v.get_object());
      FUZZ_CHECK(back->kid == "ec-1");
    } else {
      FUZZ_CHECK(is_claim_error(back.error()));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in = fuzz::as_view(data, size);
  if (!in.empty() && in.front() == '{') {
    claims(in);
  } else {
    token(in);
  }
  return 0;
}
