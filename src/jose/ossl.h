// Internal to src/jose: owning handles for the OpenSSL 3 objects this module uses, so every
// early return frees what it allocated. Not part of the module's public API.
#pragma once
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <memory>

namespace ember::jose::ossl {

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};

using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using PkeyCtx = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using Bn = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
// For private scalars: zeroed before release.
using SecretBn = std::unique_ptr<BIGNUM, Deleter<BN_clear_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using ParamBld = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD_free>>;
using Params = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM_free>>;
using EcdsaSig = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG_free>>;

// OpenSSL reports failures on a per-thread queue; a failed check must not leave entries behind
// for unrelated code (e.g. the TLS layer) to trip over.
inline void drop_errors() {
  ERR_clear_error();
}

}  // namespace ember::jose::ossl
