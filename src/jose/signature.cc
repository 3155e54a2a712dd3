#include "jose/signature.h"

#include <openssl/rsa.h>

#include "jose/ossl.h"

namespace ember::jose {

namespace {

const EVP_MD* digest_for(Alg alg) {
  switch (alg) {
    case Alg::RS256:
    case Alg::PS256:
    case Alg::ES256:
      return EVP_sha256();
    case Alg::RS384:
    case Alg::PS384:
    case Alg::ES384:
      return EVP_sha384();
    case Alg::RS512:
      return EVP_sha512();
  }
  return nullptr;
}

bool is_pss(Alg alg) {
  return alg == Alg::PS256 || alg == Alg::PS384;
}

// Sets RSA padding on a DigestSign/DigestVerify context (RFC 7518 §3.3, §3.5).
bool set_padding(EVP_PKEY_CTX* pctx, Alg alg) {
  if (key_type_for(alg) != KeyType::RSA) return true;
  if (!is_pss(alg)) return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0;
  return EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) > 0 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) > 0 &&
         EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, digest_for(alg)) > 0;
}

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// RFC 7518 §3.4: DER ECDSA-Sig-Value -> R||S, each left-padded to the curve size.
std::optional<std::string> der_to_raw(std::string_view der, std::size_t size) {
  const unsigned char* p = bytes(der);
  ossl::EcdsaSig sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) return std::nullopt;
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string out(2 * size, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  if (BN_bn2binpad(r, o, static_cast<int>(size)) < 0 ||
      BN_bn2binpad(s, o + size, static_cast<int>(size)) < 0) {
    return std::nullopt;
  }
  return out;
}

// R||S -> DER; nullopt unless the input is exactly twice the curve size.
std::optional<std::string> raw_to_der(std::string_view raw, std::size_t size) {
  if (raw.size() != 2 * size) return std::nullopt;
  ossl::Bn r(BN_bin2bn(bytes(raw), static_cast<int>(size), nullptr));
  ossl::Bn s(BN_bin2bn(bytes(raw) + size, static_cast<int>(size), nullptr));
  ossl::EcdsaSig sig(ECDSA_SIG_new());
  if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return std::nullopt;
  r.release();  // now owned by sig
  s.release();
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), static_cast<std::size_t>(len));
  OPENSSL_free(der);
  return out;
}

}  // namespace

Result<std::string, Error> create_signature(const Key& key, Alg alg,
                                            std::string_view signing_input) {
  if (!key.fits(alg)) return fail(Error::KeyAlgMismatch);
  if (!key.is_private()) return fail(Error::NotPrivateKey);
  ossl::MdCtx ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  std::size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, digest_for(alg), nullptr, key.native()) != 1 ||
      !set_padding(pctx, alg) ||
      EVP_DigestSign(ctx.get(), nullptr, &len, bytes(signing_input), signing_input.size()) != 1) {
    ossl::drop_errors();
    return fail(Error::CryptoFailure);
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     bytes(signing_input), signing_input.size()) != 1) {
    ossl::drop_errors();
    return fail(Error::CryptoFailure);
  }
  sig.resize(len);
  if (key.type() == KeyType::RSA) return sig;
  auto raw = der_to_raw(sig, coordinate_size(*key.curve()));
  if (!raw) {
    ossl::drop_errors();
    return fail(Error::CryptoFailure);
  }
  return std::move(*raw);
}

Result<void, Error> check_signature(const Key& key, Alg alg, std::string_view signing_input,
                                    std::string_view signature) {
  if (!key.fits(alg)) return fail(Error::KeyAlgMismatch);
  std::string der;
  if (key.type() == KeyType::EC) {
    auto converted = raw_to_der(signature, coordinate_size(*key.curve()));
    if (!converted) {
      ossl::drop_errors();
      return fail(Error::BadSignature);
    }
    der = std::move(*converted);
    signature = der;
  } else if (signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(key.native()))) {
    // RFC 8017 §8.2.2 step 1: the signature is exactly k octets.
    return fail(Error::BadSignature);
  }
  ossl::MdCtx ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  bool ok = ctx &&
            EVP_DigestVerifyInit(ctx.get(), &pctx, digest_for(alg), nullptr, key.native()) == 1 &&
            set_padding(pctx, alg) &&
            EVP_DigestVerify(ctx.get(), bytes(signature), signature.size(), bytes(signing_input),
                             signing_input.size()) == 1;
  if (!ok) {
    ossl::drop_errors();
    return fail(Error::BadSignature);
  }
  return {};
}

}  // namespace ember::jose
