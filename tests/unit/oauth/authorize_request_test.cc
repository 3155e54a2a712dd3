#include "oauth/authorize_request.h"

#include <gtest/gtest.h>

namespace ember::oauth {
namespace {

constexpr const char* kBase = "http://h/fhir";
constexpr const char* kChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

std::optional<store::ClientRecord> lookup(const std::string& id) {
  if (id == "app") {
    store::ClientRecord c;
    c.client_id = "app";
    c.redirect_uris = {"https://app.example/cb", "https://app.example/cb2?x=1"};
    return c;
  }
  if (id == "backend") {
    store::ClientRecord c;
    c.client_id = "backend";
    c.type = store::ClientType::Backend;
    c.redirect_uris = {"https://b.example/cb"};
    return c;
  }
  return std::nullopt;
}

http::QueryParams good() {
  return {{"response_type", "code"},  {"client_id", "app"},
          {"redirect_uri", "https://app.example/cb"}, {"scope", "openid patient/*.rs"},
          {"state", "s1"},            {"aud", kBase},
          {"code_challenge", kChallenge}, {"code_challenge_method", "S256"}};
}

http::QueryParams with(std::string name, std::string value) {
  auto p = good();
  bool found = false;
  for (auto& q : p) {
    if (q.name == name) {
      q.value = value;
      found = true;
    }
  }
  if (!found) p.push_back({name, value});
  return p;
}

http::QueryParams without(std::string_view name) {
  auto p = good();
  std::erase_if(p, [&](const auto& q) { return q.name == name; });
  return p;
}

TEST(AuthorizeRequest, ValidRequest) {
  auto r = validate_authorize_request(good(), kBase, lookup);
  ASSERT_TRUE(std::holds_alternative<AuthorizeRequest>(r));
  EXPECT_EQ(std::get<AuthorizeRequest>(r).redirect_uri, "https://app.example/cb");
  // aud with a trailing slash identifies the same base.
  EXPECT_TRUE(std::holds_alternative<AuthorizeRequest>(
      validate_authorize_request(with("aud", std::string(kBase) + "/"), kBase, lookup)));
}

TEST(AuthorizeRequest, ErrorsBeforeTheRedirectUriIsTrustedArePages) {
  for (const auto& params : {without("client_id"), with("client_id", "nobody"),
                             with("redirect_uri", "https://app.example/cb/"),
                             with("redirect_uri", "https://evil.example/cb"),
                             with("redirect_uri", "https://app.example/cb#frag"),
                             without("redirect_uri")}) {
    auto r = validate_authorize_request(params, kBase, lookup);
    EXPECT_TRUE(std::holds_alternative<PageError>(r));
  }
  auto dup = good();
  dup.push_back({"client_id", "app"});
  EXPECT_TRUE(std::holds_alternative<PageError>(validate_authorize_request(dup, kBase, lookup)));
}

TEST(AuthorizeRequest, LaterErrorsRedirectWithState) {
  struct Case {
    http::QueryParams params;
    Errc code;
  } cases[] = {
      {with("response_type", "token"), Errc::UnsupportedResponseType},
      {without("response_type"), Errc::InvalidRequest},
      {without("aud"), Errc::InvalidRequest},
      {with("aud", "https://other.example/fhir"), Errc::InvalidRequest},
      {without("scope"), Errc::InvalidRequest},
      {without("code_challenge"), Errc::InvalidRequest},
      {without("code_challenge_method"), Errc::InvalidRequest},
      {with("code_challenge_method", "plain"), Errc::InvalidRequest},
      {with("code_challenge", "short"), Errc::InvalidRequest},
      {without("state"), Errc::InvalidRequest},
  };
  for (const auto& c : cases) {
    auto r = validate_authorize_request(c.params, kBase, lookup);
    ASSERT_TRUE(std::holds_alternative<RedirectError>(r));
    const auto& e = std::get<RedirectError>(r);
    EXPECT_EQ(e.error.code, c.code);
    EXPECT_EQ(e.redirect_uri, "https://app.example/cb");
  }
  auto backend = with("client_id", "backend");
  for (auto& q : backend) {
    if (q.name == "redirect_uri") q.value = "https://b.example/cb";
  }
  auto r = validate_authorize_request(backend, kBase, lookup);
  ASSERT_TRUE(std::holds_alternative<RedirectError>(r));
  EXPECT_EQ(std::get<RedirectError>(r).error.code, Errc::UnauthorizedClient);
}

TEST(AuthorizeRequest, AppendQueryKeepsExistingQueryAndDropsFragment) {
  EXPECT_EQ(append_query("https://a/cb", {{"code", "c"}, {"state", "a b"}}),
            "https://a/cb?code=c&state=a%20b");
  EXPECT_EQ(append_query("https://a/cb?x=1#f", {{"code", "c"}}), "https://a/cb?x=1&code=c");
}

TEST(AuthorizeRequest, LoopbackRedirectUrisAcceptAnyPortOnly) {
  EXPECT_TRUE(redirect_uri_matches("https://app.example/cb", "https://app.example/cb"));
  EXPECT_FALSE(redirect_uri_matches("https://app.example/cb", "https://app.example:444/cb"));
  EXPECT_TRUE(redirect_uri_matches("http://127.0.0.1/callback", "http://127.0.0.1:53123/callback"));
  EXPECT_FALSE(redirect_uri_matches("http://127.0.0.1:8000/callback", "http://127.0.0.1:9/callback"));
  EXPECT_TRUE(redirect_uri_matches("http://127.0.0.1:8000/callback", "http://127.0.0.1:8000/callback"));
  EXPECT_TRUE(redirect_uri_matches("http://[::1]/callback", "http://[::1]:4000/callback"));
  EXPECT_FALSE(redirect_uri_matches("http://127.0.0.1/callback", "http://127.0.0.1:53123/other"));
  EXPECT_FALSE(redirect_uri_matches("http://127.0.0.1/callback", "http://127.0.0.2:53123/callback"));
  EXPECT_FALSE(redirect_uri_matches("http://127.0.0.1/callback", "https://127.0.0.1:53123/callback"));
  EXPECT_FALSE(redirect_uri_matches("http://localhost/callback", "http://localhost:53123/callback"));
  EXPECT_FALSE(redirect_uri_matches("http://127.0.0.1/callback", "http://127.0.0.1:1/callback?x=1"));
  EXPECT_FALSE(redirect_uri_matches("http://127.0.0.1/callback", "http://user@127.0.0.1:1/callback"));
  EXPECT_FALSE(redirect_uri_matches("http://127.0.0.1/callback", "http://127.0.0.1:1/callback#f"));
  EXPECT_FALSE(redirect_uri_matches("http://127.0.0.1/callback", "http://127.0.0.1.evil.example:1/callback"));
}

}  // namespace
}  // namespace ember::oauth
