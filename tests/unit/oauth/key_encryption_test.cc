#include "oauth/key_encryption.h"

#include <gtest/gtest.h>

#include "core/clock.h"
#include "oauth/signing_keys.h"
#include "store/auth_store.h"

namespace ember::oauth {
namespace {

const std::string kSecret = "correct horse battery staple, 32+ chars";

TEST(KeyEncryption, SealsAndOpensBoundToTheKid) {
  auto kek = KeyEncryption::from_secret(kSecret);
  ASSERT_TRUE(kek) << kek.error();
  auto random = make_system_random();
  const std::string pem = "-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n";
  std::string sealed = kek->seal(pem, "kid-1", *random);
  EXPECT_TRUE(is_sealed(sealed));
  EXPECT_EQ(sealed.find("BEGIN PRIVATE KEY"), std::string::npos);
  EXPECT_NE(kek->seal(pem, "kid-1", *random), sealed);  // a fresh nonce every time
  auto opened = kek->open(sealed, "kid-1");
  ASSERT_TRUE(opened) << opened.error();
  EXPECT_EQ(*opened, pem);

  EXPECT_FALSE(kek->open(sealed, "kid-2"));  // moved to another key id
  auto other = KeyEncryption::from_secret(kSecret + "!");
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->open(sealed, "kid-1"));  // wrong secret
  std::string tampered = sealed;
  tampered[kSealedPrefix.size() + 20] = tampered[kSealedPrefix.size() + 20] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(kek->open(tampered, "kid-1"));
  EXPECT_FALSE(kek->open(std::string(kSealedPrefix) + "AAAA", "kid-1"));  // too short
  EXPECT_FALSE(kek->open(pem, "kid-1"));                                  // not sealed
}

TEST(KeyEncryption, RefusesShortSecrets) {
  EXPECT_FALSE(KeyEncryption::from_secret("short"));
  EXPECT_FALSE(KeyEncryption::from_secret(std::string(kMinKeyEncryptionSecret - 1, 'x')));
  EXPECT_TRUE(KeyEncryption::from_secret(std::string(kMinKeyEncryptionSecret, 'x')));
}

TEST(KeyEncryption, SigningKeysAreSealedInTheStoreAndNeedTheSecret) {
  auto store = store::open_auth_store(store::StoreOptions{":memory:"});
  ASSERT_TRUE(store) << store.error().message;
  ManualClock clock;
  // Keys created in the clear first, as before an operator set a key encryption key.
  ASSERT_TRUE(open_signing_keys(**store, clock));
  auto stored = [&] {
    auto keys = (*store)->list_keys();
    EXPECT_TRUE(keys);
    return keys ? *keys : std::vector<store::KeyRecord>{};
  };
  for (const auto& k : stored()) EXPECT_FALSE(is_sealed(k.private_pem));

  auto kek = KeyEncryption::from_secret(kSecret);
  ASSERT_TRUE(kek);
  auto keys = open_signing_keys(**store, clock, &*kek);
  ASSERT_TRUE(keys) << keys.error();
  for (const auto& k : stored()) EXPECT_TRUE(is_sealed(k.private_pem)) << k.kid;
  boost::json::object claims{{"sub", "x"}};
  auto jwt = (*keys)->sign_access_token(claims);
  ASSERT_TRUE(jwt) << jwt.error();
  EXPECT_TRUE((*keys)->verify_access_token(*jwt));

  ASSERT_TRUE(rotate_signing_keys(**store, clock, &*kek));
  for (const auto& k : stored()) EXPECT_TRUE(is_sealed(k.private_pem)) << k.kid;

  // Without the secret, or with another one, the keys do not open: start-up fails loudly.
  auto without = open_signing_keys(**store, clock);
  ASSERT_FALSE(without);
  EXPECT_NE(without.error().find("EMBER_KEY_ENCRYPTION_KEY"), std::string::npos);
  auto wrong = KeyEncryption::from_secret(kSecret + "?");
  EXPECT_FALSE(open_signing_keys(**store, clock, &*wrong));
  EXPECT_TRUE(open_signing_keys(**store, clock, &*kek));
}

}  // namespace
}  // namespace ember::oauth
