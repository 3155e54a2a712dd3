#include "oauth/key_encryption.h"

#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <memory>
#include <vector>

#include "core/encoding.h"

namespace ember::oauth {

namespace {

constexpr std::size_t kNonce = 12, kTag = 16;
constexpr std::string_view kInfo = "ember signing keys at rest v1";

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

Result<KeyEncryption, std::string> KeyEncryption::from_secret(std::string_view secret) {
  if (secret.size() < kMinKeyEncryptionSecret) {
    return fail("the key encryption key must be at least " +
                std::to_string(kMinKeyEncryptionSecret) + " characters");
  }
  KeyEncryption k;
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr), EVP_PKEY_CTX_free);
  std::size_t len = k.key_.size();
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) <= 0 ||
      EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()) <= 0 ||
      EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), bytes(secret), static_cast<int>(secret.size())) <= 0 ||
      EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), bytes(kInfo), static_cast<int>(kInfo.size())) <= 0 ||
      EVP_PKEY_derive(ctx.get(), k.key_.data(), &len) <= 0 || len != k.key_.size()) {
    return fail(std::string("cannot derive the key encryption key"));
  }
  return k;
}

std::string KeyEncryption::seal(std::string_view plaintext, std::string_view kid,
                                Random& random) const {
  std::vector<std::uint8_t> out(kNonce + plaintext.size() + kTag);
  random.fill(std::span(out.data(), kNonce));
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int n = 0;
  EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), out.data());
  EVP_EncryptUpdate(ctx.get(), nullptr, &n, bytes(kid), static_cast<int>(kid.size()));
  EVP_EncryptUpdate(ctx.get(), out.data() + kNonce, &n, bytes(plaintext),
                    static_cast<int>(plaintext.size()));
  EVP_EncryptFinal_ex(ctx.get(), out.data() + kNonce + n, &n);
  EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTag),
                      out.data() + kNonce + plaintext.size());
  return std::string(kSealedPrefix) + base64url_encode(out);
}

Result<std::string, std::string> KeyEncryption::open(std::string_view sealed,
                                                     std::string_view kid) const {
  if (!is_sealed(sealed)) return fail(std::string("the key is not sealed"));
  auto raw = base64url_decode(sealed.substr(kSealedPrefix.size()));
  if (!raw || raw->size() < kNonce + kTag) return fail(std::string("the sealed key is corrupt"));
  const std::size_t len = raw->size() - kNonce - kTag;
  std::string plain(len, '\0');
  const auto* in = bytes(*raw);
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int n = 0;
  bool ok =
      ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key_.data(), in) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &n, bytes(kid), static_cast<int>(kid.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &n, in + kNonce,
                        static_cast<int>(len)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTag),
                          const_cast<unsigned char*>(in + kNonce + len)) == 1;
  int m = 0;
  if (!ok ||
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + n, &m) != 1) {
    return fail(std::string(
        "the sealed key does not open with this key encryption key (wrong secret or kid)"));
  }
  return plain;
}

}  // namespace ember::oauth
