#include "jose/jwks.h"

#include "jose/strict_json.h"

namespace ember::jose {

namespace bj = boost::json;

namespace {

// Errors that mean "not a key for us" rather than "a broken key".
bool skippable(Error e) {
  return e == Error::UnsupportedKeyType || e == Error::KeyUseMismatch ||
         e == Error::UnsupportedAlg || e == Error::WeakKey;
}

}  // namespace

Result<KeySet, Error> KeySet::parse(std::string_view json) {
  if (json.size() > kMaxJwksBytes) return fail(Error::TooLarge);
  auto obj = parse_object_strict(json);
  if (!obj) return fail(obj.error());
  return from_json(*obj);
}

Result<KeySet, Error> KeySet::from_json(const bj::object& jwks) {
  auto it = jwks.find("keys");
  if (it == jwks.end() || !it->value().is_array()) return fail(Error::Malformed);
  const auto& arr = it->value().get_array();
  if (arr.size() > kMaxJwksKeys) return fail(Error::TooLarge);
  KeySet set;
  for (const auto& v : arr) {
    if (!v.is_object()) return fail(Error::Malformed);
    auto key = Key::from_jwk(v.get_object());
    if (key) {
      set.keys_.push_back(std::move(*key));
    } else if (!skippable(key.error())) {
      return fail(key.error());
    }
  }
  return set;
}

bj::object KeySet::to_public_json() const {
  bj::array arr;
  arr.reserve(keys_.size());
  for (const auto& k : keys_) arr.push_back(k.public_jwk());
  bj::object o;
  o["keys"] = std::move(arr);
  return o;
}

Result<const Key*, Error> KeySet::select(std::optional<std::string_view> kid, Alg alg) const {
  const Key* found = nullptr;
  bool kid_matched = false;
  for (const auto& k : keys_) {
    if (kid && k.kid() != *kid) continue;
    kid_matched = true;
    if (!k.fits(alg)) continue;
    if (found != nullptr) return fail(Error::KeyAmbiguous);
    found = &k;
  }
  if (found != nullptr) return found;
  return fail(kid && kid_matched ? Error::KeyAlgMismatch : Error::KeyNotFound);
}

}  // namespace ember::jose
