#include "jose/jwt.h"

#include <cmath>
#include <limits>

#include "jose/strict_json.h"

namespace ember::jose {

namespace bj = boost::json;

namespace {

// Beyond any real date; keeps the arithmetic below free of overflow.
constexpr std::int64_t kMaxNumericDate = std::int64_t{1} << 40;

// nullopt: absent. Error: present but not a NumericDate.
Result<std::optional<std::int64_t>, Error> numeric_date(const bj::object& claims,
                                                        std::string_view name) {
  auto it = claims.find(name);
  if (it == claims.end()) return std::optional<std::int64_t>{};
  const bj::value& v = it->value();
  std::int64_t secs = 0;
  if (v.is_int64()) {
    secs = v.get_int64();
  } else if (v.is_uint64()) {
    return fail(Error::InvalidClaim);  // above int64: not a date
  } else if (v.is_double() && std::isfinite(v.get_double())) {
    double d = std::floor(v.get_double());
    if (std::fabs(d) > static_cast<double>(kMaxNumericDate)) return fail(Error::InvalidClaim);
    secs = static_cast<std::int64_t>(d);
  } else {
    return fail(Error::InvalidClaim);
  }
  if (secs > kMaxNumericDate || secs < -kMaxNumericDate) return fail(Error::InvalidClaim);
  return std::optional<std::int64_t>{secs};
}

// Checks a StringOrURI claim's type and, when `expected` is set, its value.
Result<void, Error> string_claim(const bj::object& claims, std::string_view name,
                                 const std::optional<std::string>& expected, Error mismatch) {
  auto it = claims.find(name);
  if (it == claims.end()) {
    if (expected) return fail(Error::MissingClaim);
    return {};
  }
  if (!it->value().is_string()) return fail(Error::InvalidClaim);
  if (expected && it->value().get_string() != *expected) return fail(mismatch);
  return {};
}

// RFC 7519 §4.1.3: a string, or an array of strings.
Result<void, Error> audience_claim(const bj::object& claims,
                                   const std::optional<std::string>& expected) {
  auto it = claims.find("aud");
  if (it == claims.end()) {
    if (expected) return fail(Error::MissingClaim);
    return {};
  }
  const bj::value& v = it->value();
  if (v.is_string()) {
    if (expected && v.get_string() != *expected) return fail(Error::AudienceMismatch);
    return {};
  }
  if (!v.is_array()) return fail(Error::InvalidClaim);
  bool found = false;
  for (const auto& a : v.get_array()) {
    if (!a.is_string()) return fail(Error::InvalidClaim);
    found = found || (expected && a.get_string() == *expected);
  }
  if (expected && !found) return fail(Error::AudienceMismatch);
  return {};
}

// RFC 7515 §4.1.9: media type names compare case-insensitively; "application/" may be omitted.
std::string normalize_typ(std::string_view typ) {
  std::string out;
  out.reserve(typ.size());
  for (char c : typ) out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  constexpr std::string_view kPrefix = "application/";
  if (out.starts_with(kPrefix) && out.find('/', kPrefix.size()) == std::string::npos) {
    out.erase(0, kPrefix.size());
  }
  return out;
}

Result<Jwt, Error> to_jwt(Jws&& jws) {
  auto claims = parse_object_strict(jws.payload);
  if (!claims) return fail(claims.error());
  return Jwt{std::move(jws.header), std::move(*claims), jws.alg, std::move(jws.kid)};
}

Result<Jwt, Error> after_signature(Result<Jws, Error> jws, const ClaimRules& rules,
                                   const Clock& clock) {
  if (!jws) return fail(jws.error());
  auto jwt = to_jwt(std::move(*jws));
  if (!jwt) return jwt;
  if (auto ok = check_typ(jwt->header, rules); !ok) return fail(ok.error());
  if (auto ok = validate_claims(jwt->claims, rules, clock); !ok) return fail(ok.error());
  return jwt;
}

}  // namespace

Result<std::string, Error> sign_jwt(const Key& key, Alg alg, const bj::object& claims,
                                    const SignOptions& options) {
  return sign_compact(key, alg, bj::serialize(claims), options);
}

Result<Jwt, Error> decode_unverified_jwt(std::string_view token) {
  auto jws = decode_unverified(token);
  if (!jws) return fail(jws.error());
  return to_jwt(std::move(*jws));
}

Result<Jwt, Error> verify_jwt(std::string_view token, const KeySet& keys, AlgSet allowed,
                              const ClaimRules& rules, const Clock& clock) {
  return after_signature(verify_compact(token, keys, allowed), rules, clock);
}

Result<Jwt, Error> verify_jwt(std::string_view token, const Key& key, AlgSet allowed,
                              const ClaimRules& rules, const Clock& clock) {
  return after_signature(verify_compact(token, key, allowed), rules, clock);
}

Result<void, Error> check_typ(const bj::object& header, const ClaimRules& rules) {
  if (!rules.typ) return {};
  auto it = header.find("typ");
  if (it == header.end()) {
    if (rules.require_typ) return fail(Error::TypMismatch);
    return {};
  }
  if (!it->value().is_string()) return fail(Error::Malformed);
  if (normalize_typ(std::string_view(it->value().get_string())) != normalize_typ(*rules.typ)) {
    return fail(Error::TypMismatch);
  }
  return {};
}

Result<void, Error> validate_claims(const bj::object& claims, const ClaimRules& rules,
                                    const Clock& clock) {
  const std::int64_t now = clock.now_s();
  const std::int64_t leeway = rules.leeway.count();

  auto exp = numeric_date(claims, "exp");
  if (!exp) return fail(exp.error());
  auto nbf = numeric_date(claims, "nbf");
  if (!nbf) return fail(nbf.error());
  auto iat = numeric_date(claims, "iat");
  if (!iat) return fail(iat.error());

  if (!*exp && (rules.require_exp || rules.max_lifetime)) return fail(Error::MissingClaim);
  if (!*iat && rules.require_iat) return fail(Error::MissingClaim);
  for (const auto& name : rules.required) {
    if (!claims.contains(name)) return fail(Error::MissingClaim);
  }
  if (auto ok = string_claim(claims, "iss", rules.issuer, Error::IssuerMismatch); !ok) return ok;
  if (auto ok = string_claim(claims, "sub", rules.subject, Error::SubjectMismatch); !ok) return ok;
  if (auto ok = string_claim(claims, "jti", std::nullopt, Error::InvalidClaim); !ok) return ok;
  if (auto ok = audience_claim(claims, rules.audience); !ok) return ok;

  // §4.1.4: the current time MUST be before exp.
  if (*exp && now - leeway >= **exp) return fail(Error::Expired);
  // §4.1.5: the current time MUST be after or equal to nbf.
  if (*nbf && now + leeway < **nbf) return fail(Error::NotYetValid);
  // §4.1.6 only records iat; one from the future means a skewed or forged issuer.
  if (*iat && **iat > now + leeway) return fail(Error::IssuedInFuture);
  if (rules.max_lifetime && **exp - now > rules.max_lifetime->count() + leeway) {
    return fail(Error::LifetimeTooLong);
  }
  return {};
}

}  // namespace ember::jose
