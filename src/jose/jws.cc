#include "jose/jws.h"

#include "core/encoding.h"
#include "jose/base64url.h"
#include "jose/signature.h"
#include "jose/strict_json.h"

namespace ember::jose {

namespace bj = boost::json;

namespace {

// The unauthenticated pieces verification needs besides the public Jws.
struct Parsed {
  Jws jws;
  std::string_view signing_input;  // view into the token
  std::string signature;
};

// RFC 7515 §4.1.11 crit and RFC 7797 §3 b64.
Result<void, Error> check_extensions(const bj::object& header) {
  if (auto it = header.find("crit"); it != header.end()) {
    // §4.1.11: a non-empty array of names; we understand no extension, so any list refuses.
    if (!it->value().is_array() || it->value().get_array().empty()) return fail(Error::Malformed);
    for (const auto& name : it->value().get_array()) {
      if (!name.is_string()) return fail(Error::Malformed);
    }
    return fail(Error::CritUnsupported);
  }
  if (auto it = header.find("b64"); it != header.end()) {
    if (!it->value().is_bool()) return fail(Error::Malformed);
    if (!it->value().get_bool()) return fail(Error::UnencodedPayload);
  }
  return {};
}

Result<Alg, Error> header_alg(const bj::object& header) {
  auto it = header.find("alg");
  if (it == header.end()) return fail(Error::MissingAlg);
  if (!it->value().is_string()) return fail(Error::Malformed);
  std::string_view name(it->value().get_string());
  if (name == "none") return fail(Error::AlgNone);
  if (name.starts_with("HS")) return fail(Error::HmacRefused);
  auto alg = parse_alg(name);
  if (!alg) return fail(Error::UnsupportedAlg);
  return *alg;
}

Result<Parsed, Error> parse(std::string_view token) {
  if (token.size() > kMaxTokenBytes) return fail(Error::TooLarge);
  const auto dot1 = token.find('.');
  if (dot1 == std::string_view::npos) return fail(Error::Malformed);
  const auto dot2 = token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return fail(Error::Malformed);  // JWE (five parts) and JSON serialization land here too
  }
  auto header_json = base64url_decode_strict(token.substr(0, dot1));
  auto payload = base64url_decode_strict(token.substr(dot1 + 1, dot2 - dot1 - 1));
  auto signature = base64url_decode_strict(token.substr(dot2 + 1));
  if (!header_json || header_json->empty() || !payload || !signature) {
    return fail(Error::Malformed);
  }
  auto header = parse_object_strict(*header_json);
  if (!header) return fail(header.error());
  auto alg = header_alg(*header);
  if (!alg) return fail(alg.error());
  if (auto ext = check_extensions(*header); !ext) return fail(ext.error());

  Parsed p;
  if (auto it = header->find("kid"); it != header->end()) {
    if (!it->value().is_string()) return fail(Error::Malformed);
    p.jws.kid = std::string(it->value().get_string());
  }
  if (auto it = header->find("typ"); it != header->end() && !it->value().is_string()) {
    return fail(Error::Malformed);
  }
  p.jws.header = std::move(*header);
  p.jws.alg = *alg;
  p.jws.payload = std::move(*payload);
  p.signing_input = token.substr(0, dot2);
  p.signature = std::move(*signature);
  return p;
}

Result<Jws, Error> finish(Parsed& p, const Key& key) {
  if (auto ok = check_signature(key, p.jws.alg, p.signing_input, p.signature); !ok) {
    return fail(ok.error());
  }
  return std::move(p.jws);
}

}  // namespace

Result<std::string, Error> sign_compact(const Key& key, Alg alg, std::string_view payload,
                                        const SignOptions& options) {
  if (!key.fits(alg)) return fail(Error::KeyAlgMismatch);
  if (!key.is_private()) return fail(Error::NotPrivateKey);
  for (std::string_view reserved : {"alg", "kid", "typ", "crit", "b64"}) {
    if (options.extra_header.contains(reserved)) return fail(Error::Malformed);
  }
  bj::object header;
  header["alg"] = to_string(alg);
  if (options.include_kid && !key.kid().empty()) header["kid"] = key.kid();
  if (!options.typ.empty()) header["typ"] = options.typ;
  for (const auto& m : options.extra_header) header[m.key()] = m.value();

  std::string token = base64url_encode(bj::serialize(header));
  token += '.';
  token += base64url_encode(payload);
  auto sig = create_signature(key, alg, token);
  if (!sig) return fail(sig.error());
  token += '.';
  token += base64url_encode(*sig);
  return token;
}

Result<Jws, Error> decode_unverified(std::string_view token) {
  auto p = parse(token);
  if (!p) return fail(p.error());
  return std::move(p->jws);
}

Result<Jws, Error> verify_compact(std::string_view token, const Key& key, AlgSet allowed) {
  auto p = parse(token);
  if (!p) return fail(p.error());
  if (!allowed.contains(p->jws.alg)) return fail(Error::UnsupportedAlg);
  return finish(*p, key);
}

Result<Jws, Error> verify_compact(std::string_view token, const KeySet& keys, AlgSet allowed) {
  auto p = parse(token);
  if (!p) return fail(p.error());
  if (!allowed.contains(p->jws.alg)) return fail(Error::UnsupportedAlg);
  auto key = keys.select(p->jws.kid, p->jws.alg);
  if (!key) return fail(key.error());
  return finish(*p, **key);
}

}  // namespace ember::jose
