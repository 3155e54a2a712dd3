#include "oauth/client_auth.h"

#include <gtest/gtest.h>

#include "core/encoding.h"

namespace ember::oauth {
namespace {

std::optional<store::ClientRecord> auth_lookup(const std::string& id) {
  store::ClientRecord c;
  c.client_id = id;
  if (id == "pub") return c;
  if (id == "conf" || id == "with:colon") {
    c.type = store::ClientType::ConfidentialSymmetric;
    c.secret_hash = "s3cret";
    return c;
  }
  return std::nullopt;
}
bool check(const store::ClientRecord& c, const std::string& secret) {
  return secret == c.secret_hash;
}

http::Request with_basic(std::string creds) {
  http::Request req{http::bhttp::verb::post, "/oauth/token", 11};
  req.set(http::bhttp::field::authorization, "Basic " + [&] {
    std::string b = base64url_encode(creds);
    for (auto& ch : b) ch = ch == '-' ? '+' : ch == '_' ? '/' : ch;
    while (b.size() % 4) b += '=';
    return b;
  }());
  return req;
}

TEST(ClientAuth, PublicClientSendsClientId) {
  http::Request req{http::bhttp::verb::post, "/oauth/token", 11};
  auto r = authenticate_client(req, {{"client_id", "pub"}}, auth_lookup, check);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->method, "none");
  // A confidential client cannot pass as public.
  auto c = authenticate_client(req, {{"client_id", "conf"}}, auth_lookup, check);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, Errc::InvalidClient);
  EXPECT_FALSE(authenticate_client(req, {}, auth_lookup, check));
  EXPECT_FALSE(authenticate_client(req, {{"client_id", "ghost"}}, auth_lookup, check));
}

TEST(ClientAuth, BasicCredentialsAreFormDecoded) {
  auto ok = authenticate_client(with_basic("conf:s3cret"), {}, auth_lookup, check);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->method, "client_secret_basic");
  // RFC 6749 §2.3.1: "with:colon" arrives as "with%3Acolon".
  EXPECT_TRUE(authenticate_client(with_basic("with%3Acolon:s3cret"), {}, auth_lookup, check));
  auto bad = authenticate_client(with_basic("conf:wrong"), {}, auth_lookup, check);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::InvalidClient);
  EXPECT_TRUE(bad.error().basic_auth_used);
  auto mismatch = authenticate_client(with_basic("conf:s3cret"), {{"client_id", "pub"}}, auth_lookup,
                                      check);
  ASSERT_FALSE(mismatch);
  EXPECT_EQ(mismatch.error().code, Errc::InvalidRequest);
}

TEST(ClientAuth, SecretPost) {
  http::Request req{http::bhttp::verb::post, "/oauth/token", 11};
  auto ok = authenticate_client(req, {{"client_id", "conf"}, {"client_secret", "s3cret"}}, auth_lookup,
                                check);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->method, "client_secret_post");
  EXPECT_FALSE(authenticate_client(req, {{"client_id", "conf"}, {"client_secret", "x"}}, auth_lookup,
                                   check));
  EXPECT_FALSE(authenticate_client(req, {{"client_id", "pub"}, {"client_secret", "x"}}, auth_lookup,
                                   check));
}

}  // namespace
}  // namespace ember::oauth
