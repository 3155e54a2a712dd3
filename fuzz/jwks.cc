// Fuzz target: JWK and JWK Set parsing (jose/jwk.h, jose/jwks.h), as a client's registration
// document or jwks_uri would deliver them. Properties: every accepted key re-imports from its
// public JWK (see check_key for the one exception) with the same RFC 7638 thumbprint and never exports private members publicly; the
// public JWK Set re-parses to the same number of keys; key selection never picks a key that
// does not fit the alg.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "jose/jwk.h"
#include "jose/jwks.h"

using namespace ember;
namespace bj = boost::json;

namespace {

void check_key(const jose::Key& k) {
  const bj::object pub = k.public_jwk();
  FUZZ_CHECK(!pub.contains("d") && !pub.contains("p") && !pub.contains("q"));
  auto again = jose::Key::from_jwk(pub);
  if (!again) {
    // OpenSSL's RSA public-key check (SP 800-56B) tests the modulus with random Miller-Rabin
    // bases, so a made-up modulus without small factors may pass once and fail the next time
    // (corpus: regress_rsa_random_modulus). A real key always passes.
    FUZZ_CHECK(k.type() == jose::KeyType::RSA && again.error() == jose::Error::InvalidKey);
    return;
  }
  FUZZ_CHECK(!again->is_private());
  FUZZ_CHECK(again->thumbprint() == k.thumbprint());
  FUZZ_CHECK(again->kid() == k.kid());
  FUZZ_CHECK(again->type() == k.type() && again->bits() == k.bits());
  for (jose::Alg alg : jose::kAllAlgs) FUZZ_CHECK(again->fits(alg) == k.fits(alg));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in = fuzz::as_view(data, size);

  if (auto key = jose::Key::from_jwk_json(in)) check_key(*key);

  auto set = jose::KeySet::parse(in);
  if (!set) return 0;
  FUZZ_CHECK(set->size() <= jose::kMaxJwksKeys);
  for (const auto& k : set->keys()) check_key(k);
  auto again = jose::KeySet::parse(bj::serialize(set->to_public_json()));
  FUZZ_CHECK(again && again->size() == set->size());
  for (jose::Alg alg : jose::kAllAlgs) {
    if (auto any = set->select(std::nullopt, alg)) FUZZ_CHECK((*any)->fits(alg));
    for (const auto& k : set->keys()) {
      if (auto chosen = set->select(k.kid(), alg)) {
        FUZZ_CHECK((*chosen)->fits(alg) && (*chosen)->kid() == k.kid());
      }
    }
  }
  return 0;
}
