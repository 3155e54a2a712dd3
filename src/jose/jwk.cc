#include "jose/jwk.h"

#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <limits>
#include <vector>

#include "core/encoding.h"
#include "jose/base64url.h"
#include "jose/ossl.h"
#include "jose/strict_json.h"

namespace ember::jose {

namespace {

namespace bj = boost::json;

constexpr std::size_t kMaxJwkBytes = 64 * 1024;

std::string b64url(std::string_view bytes) {
  return base64url_encode(bytes);
}

// A member that is absent (nullopt), or present as a string (value); Malformed otherwise.
Result<std::optional<std::string_view>, Error> opt_string(const bj::object& o,
                                                          std::string_view name) {
  auto it = o.find(name);
  if (it == o.end()) return std::optional<std::string_view>{};
  if (!it->value().is_string()) return fail(Error::InvalidKey);
  const auto& s = it->value().get_string();
  return std::optional<std::string_view>{std::string_view(s.data(), s.size())};
}

// A required base64url member holding an unsigned big-endian integer (RFC 7518 §2 Base64urlUInt).
Result<std::string, Error> uint_member(const bj::object& o, std::string_view name) {
  auto s = opt_string(o, name);
  if (!s) return fail(s.error());
  if (!*s || (*s)->empty()) return fail(Error::InvalidKey);
  auto bytes = base64url_decode_strict(**s);
  if (!bytes || bytes->empty()) return fail(Error::InvalidKey);
  return std::move(*bytes);
}

const char* group_name(Curve crv) {
  return crv == Curve::P256 ? "prime256v1" : "secp384r1";
}

std::optional<Curve> curve_from_group(std::string_view group) {
  if (group == "prime256v1" || group == "P-256" || group == "secp256r1") return Curve::P256;
  if (group == "secp384r1" || group == "P-384") return Curve::P384;
  return std::nullopt;
}

ossl::Bn to_bn(std::string_view bytes) {
  return ossl::Bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                            static_cast<int>(bytes.size()), nullptr));
}

ossl::SecretBn to_secret_bn(std::string_view bytes) {
  return ossl::SecretBn(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                                  static_cast<int>(bytes.size()), nullptr));
}

// Builds an EVP_PKEY from OSSL_PARAMs; `selection` is EVP_PKEY_PUBLIC_KEY or EVP_PKEY_KEYPAIR.
Result<EVP_PKEY*, Error> from_params(const char* type, OSSL_PARAM_BLD* bld, int selection) {
  ossl::Params params(OSSL_PARAM_BLD_to_param(bld));
  ossl::PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, selection, params.get()) <= 0) {
    ossl::drop_errors();
    return fail(Error::InvalidKey);
  }
  // SP 800-56B / SP 800-56A checks: RSA modulus and exponent sanity, EC point on the curve
  // and in the right subgroup; for private keys, that the private part matches the public.
  ossl::PkeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  int ok = !check                          ? 0
           : selection == EVP_PKEY_KEYPAIR ? EVP_PKEY_check(check.get())
                                           : EVP_PKEY_public_check(check.get());
  if (ok != 1) {
    EVP_PKEY_free(pkey);
    ossl::drop_errors();
    return fail(Error::InvalidKey);
  }
  return pkey;
}

Result<EVP_PKEY*, Error> rsa_from_jwk(const bj::object& jwk) {
  auto n = uint_member(jwk, "n");
  if (!n) return fail(n.error());
  auto e = uint_member(jwk, "e");
  if (!e) return fail(e.error());
  // RFC 7518 §6.3.1.1: n is the unsigned big-endian value without a leading zero octet.
  if ((*n)[0] == '\0' || (*e)[0] == '\0') return fail(Error::InvalidKey);
  if (n->size() * 8 < static_cast<std::size_t>(kMinRsaBits)) return fail(Error::WeakKey);
  if (n->size() * 8 > static_cast<std::size_t>(kMaxRsaBits)) return fail(Error::InvalidKey);
  // n odd; e odd with 2^16 < e < 2^64 (SP 800-56B §6.2.1; the upper bound is ours).
  // OpenSSL 3.0's public check does not enforce these, so we do.
  if ((n->back() & 1) == 0 || (e->back() & 1) == 0) return fail(Error::InvalidKey);
  if (e->size() > 8 || e->size() < 3) return fail(Error::InvalidKey);
  if (jwk.contains("oth")) return fail(Error::UnsupportedKeyType);  // RFC 7518 §6.3.2.7

  ossl::ParamBld bld(OSSL_PARAM_BLD_new());
  ossl::Bn bn_n = to_bn(*n), bn_e = to_bn(*e);
  if (!bld || !bn_n || !bn_e) return fail(Error::CryptoFailure);
  if (BN_num_bits(bn_n.get()) < kMinRsaBits) return fail(Error::WeakKey);
  OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get());
  OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get());

  static constexpr std::string_view kCrt[] = {"p", "q", "dp", "dq", "qi"};
  static constexpr const char* kCrtParams[] = {
      OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2, OSSL_PKEY_PARAM_RSA_EXPONENT1,
      OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1};
  std::vector<ossl::SecretBn> secrets;
  bool has_d = jwk.contains("d");
  std::size_t crt_count = 0;
  for (auto m : kCrt) crt_count += jwk.contains(m) ? 1 : 0;
  // RFC 7518 §6.3.2: d is required for a private key; the CRT members come all or none. A key
  // with d alone fails OpenSSL's key-pair check below (it needs the factors) and is refused.
  if ((!has_d && crt_count > 0) || (crt_count != 0 && crt_count != std::size(kCrt))) {
    return fail(Error::InvalidKey);
  }
  if (has_d) {
    auto d = uint_member(jwk, "d");
    if (!d) return fail(d.error());
    secrets.push_back(to_secret_bn(*d));
    OPENSSL_cleanse(d->data(), d->size());
    if (!secrets.back()) return fail(Error::CryptoFailure);
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_D, secrets.back().get());
    for (std::size_t i = 0; i < crt_count; ++i) {
      auto v = uint_member(jwk, kCrt[i]);
      if (!v) return fail(v.error());
      secrets.push_back(to_secret_bn(*v));
      OPENSSL_cleanse(v->data(), v->size());
      if (!secrets.back()) return fail(Error::CryptoFailure);
      OSSL_PARAM_BLD_push_BN(bld.get(), kCrtParams[i], secrets.back().get());
    }
  }
  return from_params("RSA", bld.get(), has_d ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY);
}

Result<EVP_PKEY*, Error> ec_from_jwk(const bj::object& jwk) {
  auto crv_name = opt_string(jwk, "crv");
  if (!crv_name) return fail(crv_name.error());
  if (!*crv_name) return fail(Error::InvalidKey);
  auto crv = parse_curve(**crv_name);
  if (!crv) return fail(Error::UnsupportedKeyType);
  auto x = uint_member(jwk, "x");
  if (!x) return fail(x.error());
  auto y = uint_member(jwk, "y");
  if (!y) return fail(y.error());
  // RFC 7518 §6.2.1.2-3: coordinates are the full field size, leading zeros kept.
  const std::size_t size = coordinate_size(*crv);
  if (x->size() != size || y->size() != size) return fail(Error::InvalidKey);

  ossl::ParamBld bld(OSSL_PARAM_BLD_new());
  if (!bld) return fail(Error::CryptoFailure);
  std::string point = "\x04" + *x + *y;  // SEC 1 §2.3.3 uncompressed point
  OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group_name(*crv), 0);
  OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  ossl::SecretBn d_bn;
  bool has_d = jwk.contains("d");
  if (has_d) {
    auto d = uint_member(jwk, "d");
    if (!d) return fail(d.error());
    if (d->size() != size) return fail(Error::InvalidKey);  // RFC 7518 §6.2.2.1
    d_bn = to_secret_bn(*d);
    OPENSSL_cleanse(d->data(), d->size());
    if (!d_bn) return fail(Error::CryptoFailure);
    OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d_bn.get());
  }
  return from_params("EC", bld.get(), has_d ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY);
}

// Checks "use" and "key_ops" (RFC 7517 §4.2-4.3): the key must be meant for signatures.
Result<void, Error> check_usage(const bj::object& jwk) {
  auto use = opt_string(jwk, "use");
  if (!use) return fail(use.error());
  if (*use && **use != "sig") return fail(Error::KeyUseMismatch);
  auto it = jwk.find("key_ops");
  if (it == jwk.end()) return {};
  if (!it->value().is_array()) return fail(Error::InvalidKey);
  bool signs = false;
  for (const auto& op : it->value().get_array()) {
    if (!op.is_string()) return fail(Error::InvalidKey);
    signs = signs || op.get_string() == "sign" || op.get_string() == "verify";
  }
  if (!signs) return fail(Error::KeyUseMismatch);
  return {};
}

std::string bn_bytes(const BIGNUM* bn, std::size_t pad_to) {
  std::size_t len = pad_to != 0 ? pad_to : static_cast<std::size_t>(BN_num_bytes(bn));
  std::string out(len, '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(len));
  return out;
}

bool has_bn_param(const EVP_PKEY* pkey, const char* name) {
  BIGNUM* bn = nullptr;
  bool ok = EVP_PKEY_get_bn_param(pkey, name, &bn) == 1;
  BN_clear_free(bn);
  ossl::drop_errors();
  return ok;
}

Result<std::string, Error> bio_string(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  if (len <= 0 || data == nullptr) return fail(Error::CryptoFailure);
  return std::string(data, static_cast<std::size_t>(len));
}

// Never prompt for a passphrase: encrypted PEM simply fails to load.
int no_passphrase(char*, int, int, void*) {
  return -1;
}

}  // namespace

Result<Key, Error> Key::adopt(EVP_PKEY* owned) {
  Key key;
  key.pkey_ = std::shared_ptr<EVP_PKEY>(owned, EVP_PKEY_free);
  EVP_PKEY* p = owned;
  key.bits_ = EVP_PKEY_get_bits(p);
  // EVP_PKEY_is_a("RSA") is false for RSASSA-PSS-restricted keys, which we do not take.
  if (EVP_PKEY_is_a(p, "RSA")) {
    key.type_ = KeyType::RSA;
    if (key.bits_ < kMinRsaBits) return fail(Error::WeakKey);
    if (key.bits_ > kMaxRsaBits) return fail(Error::InvalidKey);
    BIGNUM* n = nullptr;
    BIGNUM* e = nullptr;
    bool ok = EVP_PKEY_get_bn_param(p, OSSL_PKEY_PARAM_RSA_N, &n) == 1 &&
              EVP_PKEY_get_bn_param(p, OSSL_PKEY_PARAM_RSA_E, &e) == 1;
    ossl::Bn n_owned(n), e_owned(e);
    if (!ok) {
      ossl::drop_errors();
      return fail(Error::CryptoFailure);
    }
    key.pub1_ = b64url(bn_bytes(n, 0));
    key.pub2_ = b64url(bn_bytes(e, 0));
    key.private_ = has_bn_param(p, OSSL_PKEY_PARAM_RSA_D);
  } else if (EVP_PKEY_is_a(p, "EC")) {
    key.type_ = KeyType::EC;
    char group[64] = {};
    if (EVP_PKEY_get_utf8_string_param(p, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       nullptr) != 1) {
      ossl::drop_errors();
      return fail(Error::UnsupportedKeyType);  // explicit curve parameters, not a named group
    }
    key.curve_ = curve_from_group(group);
    if (!key.curve_) return fail(Error::UnsupportedKeyType);
    BIGNUM* x = nullptr;
    BIGNUM* y = nullptr;
    bool ok = EVP_PKEY_get_bn_param(p, OSSL_PKEY_PARAM_EC_PUB_X, &x) == 1 &&
              EVP_PKEY_get_bn_param(p, OSSL_PKEY_PARAM_EC_PUB_Y, &y) == 1;
    ossl::Bn x_owned(x), y_owned(y);
    if (!ok) {
      ossl::drop_errors();
      return fail(Error::InvalidKey);
    }
    const std::size_t size = coordinate_size(*key.curve_);
    key.pub1_ = b64url(bn_bytes(x, size));
    key.pub2_ = b64url(bn_bytes(y, size));
    key.private_ = has_bn_param(p, OSSL_PKEY_PARAM_PRIV_KEY);
  } else {
    return fail(Error::UnsupportedKeyType);
  }
  return key;
}

Result<Key, Error> Key::from_jwk(const bj::object& jwk) {
  auto kty = opt_string(jwk, "kty");
  if (!kty) return fail(kty.error());
  if (!*kty) return fail(Error::InvalidKey);
  // "oct" and anything else (OKP, ...) are not ours; see the header comment.
  if (**kty != "RSA" && **kty != "EC") return fail(Error::UnsupportedKeyType);
  const KeyType type = **kty == "RSA" ? KeyType::RSA : KeyType::EC;

  if (auto usage = check_usage(jwk); !usage) return fail(usage.error());
  auto kid = opt_string(jwk, "kid");
  if (!kid) return fail(kid.error());
  if (*kid && (*kid)->size() > kMaxKidLength) return fail(Error::InvalidKey);
  auto alg_name = opt_string(jwk, "alg");
  if (!alg_name) return fail(alg_name.error());
  std::optional<Alg> alg;
  if (*alg_name) {
    alg = parse_alg(**alg_name);
    if (!alg) return fail(Error::UnsupportedAlg);
    if (key_type_for(*alg) != type) return fail(Error::KeyAlgMismatch);
  }

  auto pkey = type == KeyType::RSA ? rsa_from_jwk(jwk) : ec_from_jwk(jwk);
  if (!pkey) return fail(pkey.error());
  auto key = adopt(*pkey);
  if (!key) return key;
  if (*kid) key->kid_ = std::string(**kid);
  if (alg) {
    if (auto pinned = key->pin_alg(*alg); !pinned) return fail(pinned.error());
  }
  return key;
}

Result<Key, Error> Key::from_jwk_json(std::string_view text) {
  if (text.size() > kMaxJwkBytes) return fail(Error::TooLarge);
  auto obj = parse_object_strict(text);
  if (!obj) return fail(obj.error());
  return from_jwk(*obj);
}

Result<Key, Error> Key::from_pem(std::string_view pem) {
  if (pem.size() > kMaxJwkBytes) return fail(Error::TooLarge);
  EVP_PKEY* pkey = nullptr;
  {
    ossl::Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) return fail(Error::CryptoFailure);
    pkey = PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr);
  }
  if (pkey == nullptr) {
    ossl::Bio bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) return fail(Error::CryptoFailure);
    pkey = PEM_read_bio_PUBKEY(bio.get(), nullptr, no_passphrase, nullptr);
  }
  ossl::drop_errors();
  if (pkey == nullptr) return fail(Error::InvalidKey);
  auto key = adopt(pkey);
  if (key) key->kid_ = key->thumbprint();
  return key;
}

// A freshly generated key (nullptr = OpenSSL failed), with its RFC 7638 thumbprint as kid.
Result<Key, Error> Key::adopt_generated(EVP_PKEY* pkey) {
  if (pkey == nullptr) {
    ossl::drop_errors();
    return fail(Error::CryptoFailure);
  }
  auto key = adopt(pkey);
  if (key) key->kid_ = key->thumbprint();
  return key;
}

Result<Key, Error> Key::generate_rsa(int bits) {
  if (bits < kMinRsaBits) return fail(Error::WeakKey);
  if (bits > kMaxRsaBits) return fail(Error::InvalidKey);
  return adopt_generated(
      EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(bits)));
}

Result<Key, Error> Key::generate_ec(Curve crv) {
  return adopt_generated(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", group_name(crv)));
}

Result<void, Error> Key::pin_alg(Alg alg) {
  if (key_type_for(alg) != type_ || curve_for(alg) != curve_) return fail(Error::KeyAlgMismatch);
  alg_ = alg;
  return {};
}

bool Key::fits(Alg alg) const {
  if (alg_ && *alg_ != alg) return false;
  return key_type_for(alg) == type_ && curve_for(alg) == curve_;
}

std::string Key::thumbprint() const {
  // RFC 7638 §3.2-3.3: required members only, lexicographic order, no whitespace.
  std::string canonical =
      type_ == KeyType::RSA ? R"({"e":")" + pub2_ + R"(","kty":"RSA","n":")" + pub1_ + R"("})"
                            : R"({"crv":")" + std::string(to_string(*curve_)) +
                                  R"(","kty":"EC","x":")" + pub1_ + R"(","y":")" + pub2_ + R"("})";
  return base64url_encode(sha256(canonical));
}

bj::object Key::public_jwk() const {
  bj::object o;
  o["kty"] = type_ == KeyType::RSA ? "RSA" : "EC";
  if (!kid_.empty()) o["kid"] = kid_;
  o["use"] = "sig";
  if (alg_) o["alg"] = to_string(*alg_);
  if (type_ == KeyType::RSA) {
    o["n"] = pub1_;
    o["e"] = pub2_;
  } else {
    o["crv"] = to_string(*curve_);
    o["x"] = pub1_;
    o["y"] = pub2_;
  }
  return o;
}

Result<std::string, Error> Key::private_pem() const {
  if (!private_) return fail(Error::NotPrivateKey);
  ossl::Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PKCS8PrivateKey(bio.get(), pkey_.get(), nullptr, nullptr, 0, nullptr,
                                            nullptr) != 1) {
    ossl::drop_errors();
    return fail(Error::CryptoFailure);
  }
  return bio_string(bio.get());
}

Result<std::string, Error> Key::public_pem() const {
  ossl::Bio bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), pkey_.get()) != 1) {
    ossl::drop_errors();
    return fail(Error::CryptoFailure);
  }
  return bio_string(bio.get());
}

Result<Key, Error> Key::public_key() const {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(pkey_.get(), &der);
  if (len <= 0) {
    ossl::drop_errors();
    return fail(Error::CryptoFailure);
  }
  const unsigned char* cursor = der;
  EVP_PKEY* pub = d2i_PUBKEY(nullptr, &cursor, len);
  OPENSSL_free(der);
  if (pub == nullptr) {
    ossl::drop_errors();
    return fail(Error::CryptoFailure);
  }
  auto key = adopt(pub);
  if (!key) return key;
  key->kid_ = kid_;
  key->alg_ = alg_;
  return key;
}

}  // namespace ember::jose
