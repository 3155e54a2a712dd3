// RFC 7591 client metadata validation, table-driven: one row per rule, valid and invalid, and the
// §3.2.1 view (which must validate back to the same record, so a GET body can be PUT again).
#include "oauth/client_metadata.h"

#include <gtest/gtest.h>

#include "jose/jwk.h"

namespace ember::oauth {
namespace {

namespace bj = boost::json;
using store::ClientType;
using E = RegistrationErrc;

// A public EC P-384 JWK Set with kid "k1", generated once: substituted for $JWKS in the rows.
const std::string& jwks_text() {
  static const std::string text = [] {
    auto key = jose::Key::generate_ec(jose::Curve::P384);
    EXPECT_TRUE(key);
    key->set_kid("k1");
    bj::object jwk = key->public_jwk();
    return bj::serialize(bj::object{{"keys", bj::array{jwk}}});
  }();
  return text;
}

// The same key twice under one kid, once without a kid, and RFC 7517 A.2's private P-256 key.
std::string jwks_variant(std::string_view which) {
  bj::object jwk = bj::parse(jwks_text()).as_object()["keys"].as_array()[0].as_object();
  if (which == "dup") return bj::serialize(bj::object{{"keys", bj::array{jwk, jwk}}});
  if (which == "nokid") {
    jwk.erase("kid");
    return bj::serialize(bj::object{{"keys", bj::array{jwk}}});
  }
  return R"({"keys":[{"kty":"EC","crv":"P-256","kid":"p",)"
         R"("x":"MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",)"
         R"("y":"4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM",)"
         R"("d":"870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE"}]})";
}

std::string expand(std::string text) {
  const std::pair<std::string_view, std::string> subs[] = {
      {"$JWKS_DUP", jwks_variant("dup")},
      {"$JWKS_NOKID", jwks_variant("nokid")},
      {"$JWKS_PRIVATE", jwks_variant("private")},
      {"$JWKS", jwks_text()},
      {"$LONG", std::string(kMaxUriLength, 'a')},
      {"$NAME", std::string(kMaxClientNameLength + 1, 'n')},
  };
  for (const auto& [from, to] : subs) {
    for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos)) {
      text.replace(pos, from.size(), to);
      pos += to.size();
    }
  }
  return text;
}

Result<store::ClientRecord, RegistrationError> validate(const std::string& json,
                                                        bool sandbox = true) {
  return validate_client_metadata(bj::parse(expand(json)), MetadataPolicy{.sandbox = sandbox});
}

// Fragments of rows: a redirect URI and the parts of an asymmetric / backend registration.
#define RU R"("redirect_uris":["https://app.example/cb"])"
#define PKJ R"("token_endpoint_auth_method":"private_key_jwt")"
#define CC R"("grant_types":["client_credentials"])"

struct ValidRow {
  const char* name;
  const char* json;
  ClientType type;
  bool sandbox = true;
};

const ValidRow kValid[] = {
    {"default_method_is_client_secret_basic", "{" RU "}", ClientType::ConfidentialSymmetric},
    {"public", R"({"token_endpoint_auth_method":"none",)" RU "}", ClientType::Public},
    {"secret_post", R"({"token_endpoint_auth_method":"client_secret_post",)" RU "}",
     ClientType::ConfidentialSymmetric},
    {"asymmetric_inline_jwks", "{" PKJ "," RU R"(,"jwks":$JWKS})",
     ClientType::ConfidentialAsymmetric},
    {"asymmetric_jwks_uri", "{" PKJ "," RU R"(,"jwks_uri":"https://app.example/jwks"})",
     ClientType::ConfidentialAsymmetric},
    {"backend_jwks_uri", "{" PKJ "," CC R"(,"jwks_uri":"https://app.example/jwks"})",
     ClientType::Backend},
    {"backend_inline_jwks", "{" PKJ "," CC R"(,"jwks":$JWKS,"scope":"system/Patient.rs"})",
     ClientType::Backend},
    {"backend_empty_redirect_uris",
     "{" PKJ "," CC R"(,"jwks":$JWKS,"redirect_uris":[],"response_types":[]})",
     ClientType::Backend},
    {"loopback_ipv4", R"({"redirect_uris":["http://127.0.0.1:8765/cb"]})",
     ClientType::ConfidentialSymmetric},
    {"loopback_ipv6", R"({"redirect_uris":["http://[::1]:8765/cb"]})",
     ClientType::ConfidentialSymmetric},
    {"loopback_localhost", R"({"redirect_uris":["http://LocalHost:3000/cb"]})",
     ClientType::ConfidentialSymmetric},
    {"loopback_allowed_in_production", R"({"redirect_uris":["http://127.0.0.1/cb"]})",
     ClientType::ConfidentialSymmetric, false},
    {"private_use_scheme", R"({"redirect_uris":["com.example.app:/oauth2redirect"]})",
     ClientType::ConfidentialSymmetric},
    {"query_in_redirect", R"({"redirect_uris":["https://app.example/cb?tenant=1"]})",
     ClientType::ConfidentialSymmetric},
    {"several_redirects", R"({"redirect_uris":["https://a.example/cb","https://b.example/cb"]})",
     ClientType::ConfidentialSymmetric},
    {"unknown_members_ignored", "{" RU R"(,"foo":{"bar":1},"client_name#fr":"Appli"})",
     ClientType::ConfidentialSymmetric},
    {"nulls_are_omitted", "{" RU R"(,"scope":null,"logo_uri":null,"jwks":null})",
     ClientType::ConfidentialSymmetric},
    {"code_and_refresh", "{" RU R"(,"grant_types":["authorization_code","refresh_token"]})",
     ClientType::ConfidentialSymmetric},
    {"response_types_code", "{" RU R"(,"response_types":["code"]})",
     ClientType::ConfidentialSymmetric},
    {"launch_uri", "{" RU R"(,"launch_uri":"https://app.example/launch"})",
     ClientType::ConfidentialSymmetric},
    {"initiate_login_uri", "{" RU R"(,"initiate_login_uri":"https://app.example/launch"})",
     ClientType::ConfidentialSymmetric},
    {"launch_uri_both_names_equal",
     "{" RU R"(,"launch_uri":"https://a.example/l","initiate_login_uri":"https://a.example/l"})",
     ClientType::ConfidentialSymmetric},
    {"jwks_uri_loopback_http_in_sandbox",
     "{" PKJ "," RU R"(,"jwks_uri":"http://127.0.0.1:9000/jwks"})",
     ClientType::ConfidentialAsymmetric},
    {"software_statement_ignored", "{" RU R"(,"software_statement":"a.b.c"})",
     ClientType::ConfidentialSymmetric},
    {"contacts_logo_name",
     "{" RU R"(,"contacts":["dev@app.example"],"logo_uri":"https://app.example/l.png",)"
     R"("client_name":"Growth Charts"})",
     ClientType::ConfidentialSymmetric},
    {"v1_scopes", "{" RU R"(,"scope":"launch/patient patient/*.read openid fhirUser"})",
     ClientType::ConfidentialSymmetric},
};

class ValidMetadata : public ::testing::TestWithParam<ValidRow> {};

TEST_P(ValidMetadata, IsAccepted) {
  const auto& row = GetParam();
  auto r = validate(row.json, row.sandbox);
  ASSERT_TRUE(r) << r.error().description;
  EXPECT_EQ(r->type, row.type);
  EXPECT_TRUE(r->client_id.empty());
  EXPECT_TRUE(r->secret_hash.empty());
  EXPECT_TRUE(r->registration_token_hash.empty());
  EXPECT_FALSE(r->allowed_scopes.empty());
  EXPECT_FALSE(r->name.empty());
}

// RFC 7592 §2.2: a client may PUT back what it read. The view validates to the same record.
TEST_P(ValidMetadata, ViewRoundTrips) {
  const auto& row = GetParam();
  auto first = validate(row.json, row.sandbox);
  ASSERT_TRUE(first);
  bj::object view = client_metadata_json(*first);
  EXPECT_FALSE(view.contains("client_secret"));
  EXPECT_FALSE(view.contains("registration_access_token"));
  auto again = validate_client_metadata(view, MetadataPolicy{.sandbox = row.sandbox});
  ASSERT_TRUE(again) << again.error().description << "\n" << bj::serialize(view);
  EXPECT_EQ(again->type, first->type);
  EXPECT_EQ(again->name, first->name);
  EXPECT_EQ(again->auth_method, first->auth_method);
  EXPECT_EQ(again->grant_types, first->grant_types);
  EXPECT_EQ(again->redirect_uris, first->redirect_uris);
  EXPECT_EQ(again->launch_url, first->launch_url);
  EXPECT_EQ(again->allowed_scopes, first->allowed_scopes);
  EXPECT_EQ(again->jwks, first->jwks);
  EXPECT_EQ(again->jwks_uri, first->jwks_uri);
  EXPECT_EQ(again->logo_uri, first->logo_uri);
  EXPECT_EQ(again->contacts, first->contacts);
}

INSTANTIATE_TEST_SUITE_P(Rfc7591, ValidMetadata, ::testing::ValuesIn(kValid),
                         [](const auto& info) { return std::string(info.param.name); });

struct InvalidRow {
  const char* name;
  const char* json;
  RegistrationErrc code;
  const char* mentions;  // in the description: the rule that fired is the row's rule
  bool sandbox = true;
};

const InvalidRow kInvalid[] = {
    // The document.
    {"body_array", R"([])", E::InvalidClientMetadata, "JSON object"},
    {"body_string", R"("x")", E::InvalidClientMetadata, "JSON object"},
    // redirect_uris (RFC 7591 §2, RFC 6749 §3.1.2, RFC 8252 §7).
    {"redirect_missing", R"({})", E::InvalidRedirectUri, "required"},
    {"redirect_empty", R"({"redirect_uris":[]})", E::InvalidRedirectUri, "required"},
    {"redirect_not_array", R"({"redirect_uris":"https://app.example/cb"})", E::InvalidRedirectUri,
     "array of strings"},
    {"redirect_not_string", R"({"redirect_uris":[42]})", E::InvalidRedirectUri, "array of strings"},
    {"redirect_fragment", R"({"redirect_uris":["https://app.example/cb#x"]})",
     E::InvalidRedirectUri, "fragment"},
    {"redirect_userinfo", R"({"redirect_uris":["https://u:p@app.example/cb"]})",
     E::InvalidRedirectUri, "user information"},
    {"redirect_http_remote", R"({"redirect_uris":["http://app.example/cb"]})",
     E::InvalidRedirectUri, "https"},
    {"redirect_http_other_loopback_address", R"({"redirect_uris":["http://127.0.0.2/cb"]})",
     E::InvalidRedirectUri, "https"},
    {"redirect_relative", R"({"redirect_uris":["/cb"]})", E::InvalidRedirectUri, "absolute"},
    {"redirect_scheme_without_dot", R"({"redirect_uris":["myapp:/cb"]})", E::InvalidRedirectUri,
     "private-use"},
    {"redirect_javascript", R"j({"redirect_uris":["javascript:alert(1)"]})j", E::InvalidRedirectUri,
     "private-use"},
    {"redirect_https_without_host", R"({"redirect_uris":["https:/cb"]})", E::InvalidRedirectUri,
     "no host"},
    {"redirect_too_long", R"({"redirect_uris":["https://app.example/$LONG"]})",
     E::InvalidRedirectUri, "overlong"},
    {"redirect_too_many",
     R"({"redirect_uris":["https://a/1","https://a/2","https://a/3","https://a/4","https://a/5",)"
     R"("https://a/6","https://a/7","https://a/8","https://a/9","https://a/10","https://a/11",)"
     R"("https://a/12","https://a/13","https://a/14","https://a/15","https://a/16","https://a/17",)"
     R"("https://a/18","https://a/19","https://a/20","https://a/21"]})",
     E::InvalidRedirectUri, "more than 20"},
    // token_endpoint_auth_method.
    {"method_unsupported", R"({"token_endpoint_auth_method":"client_secret_jwt",)" RU "}",
     E::InvalidClientMetadata, "not supported"},
    {"method_not_string", R"({"token_endpoint_auth_method":1,)" RU "}", E::InvalidClientMetadata,
     "must be a string"},
    // grant_types.
    {"grant_implicit", R"({"grant_types":["implicit"],)" RU "}", E::InvalidClientMetadata,
     "implicit"},
    {"grant_password", R"({"grant_types":["password"],)" RU "}", E::InvalidClientMetadata,
     "password"},
    {"grant_empty", R"({"grant_types":[],)" RU "}", E::InvalidClientMetadata, "empty"},
    {"grant_refresh_alone", R"({"grant_types":["refresh_token"],)" RU "}", E::InvalidClientMetadata,
     "requires authorization_code"},
    {"client_credentials_with_secret",
     "{" CC R"(,"token_endpoint_auth_method":"client_secret_basic"})", E::InvalidClientMetadata,
     "private_key_jwt"},
    {"client_credentials_public", "{" CC R"(,"token_endpoint_auth_method":"none"})",
     E::InvalidClientMetadata, "private_key_jwt"},
    {"client_credentials_default_method", "{" CC "}", E::InvalidClientMetadata, "private_key_jwt"},
    {"client_credentials_and_code",
     "{" PKJ "," RU R"(,"grant_types":["client_credentials","authorization_code"],"jwks":$JWKS})",
     E::InvalidClientMetadata, "combined"},
    // response_types (code <=> authorization_code).
    {"response_token", R"({"response_types":["token"],)" RU "}", E::InvalidClientMetadata,
     "not supported"},
    {"response_empty_with_code", R"({"response_types":[],)" RU "}", E::InvalidClientMetadata,
     "inconsistent"},
    {"response_code_for_backend", "{" PKJ "," CC R"(,"jwks":$JWKS,"response_types":["code"]})",
     E::InvalidClientMetadata, "inconsistent"},
    // Backend clients have no browser.
    {"backend_with_redirects", "{" PKJ "," CC "," RU R"(,"jwks":$JWKS})", E::InvalidClientMetadata,
     "only used with authorization_code"},
    {"backend_with_launch_uri",
     "{" PKJ "," CC R"(,"jwks":$JWKS,"launch_uri":"https://a.example/l"})",
     E::InvalidClientMetadata, "launch_uri"},
    // jwks / jwks_uri.
    {"pkj_without_keys", "{" PKJ "," RU "}", E::InvalidClientMetadata, "needs jwks or jwks_uri"},
    {"jwks_and_jwks_uri", "{" PKJ "," RU R"(,"jwks":$JWKS,"jwks_uri":"https://a.example/j"})",
     E::InvalidClientMetadata, "both"},
    {"jwks_for_secret_client", "{" RU R"(,"jwks":$JWKS})", E::InvalidClientMetadata,
     "need private_key_jwt"},
    {"jwks_uri_for_public_client",
     R"({"token_endpoint_auth_method":"none",)" RU R"(,"jwks_uri":"https://a.example/j"})",
     E::InvalidClientMetadata, "need private_key_jwt"},
    {"jwks_not_object", "{" PKJ "," RU R"(,"jwks":"keys"})", E::InvalidClientMetadata,
     "JSON object"},
    {"jwks_without_keys", "{" PKJ "," RU R"(,"jwks":{}})", E::InvalidClientMetadata, "malformed"},
    {"jwks_only_unusable_keys", "{" PKJ "," RU R"(,"jwks":{"keys":[{"kty":"oct","k":"AAAA"}]}})",
     E::InvalidClientMetadata, "no usable"},
    {"jwks_bad_key",
     "{" PKJ "," RU R"(,"jwks":{"keys":[{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}]}})",
     E::InvalidClientMetadata, "invalid_key"},
    {"jwks_kid_missing", "{" PKJ "," RU R"(,"jwks":$JWKS_NOKID})", E::InvalidClientMetadata, "kid"},
    {"jwks_kid_duplicate", "{" PKJ "," RU R"(,"jwks":$JWKS_DUP})", E::InvalidClientMetadata,
     "not unique"},
    {"jwks_private_key", "{" PKJ "," RU R"(,"jwks":$JWKS_PRIVATE})", E::InvalidClientMetadata,
     "private"},
    {"jwks_uri_http_loopback_in_production", "{" PKJ "," RU R"(,"jwks_uri":"http://127.0.0.1/j"})",
     E::InvalidClientMetadata, "https", false},
    {"jwks_uri_http_remote", "{" PKJ "," RU R"(,"jwks_uri":"http://a.example/j"})",
     E::InvalidClientMetadata, "https"},
    {"jwks_uri_fragment", "{" PKJ "," RU R"(,"jwks_uri":"https://a.example/j#k"})",
     E::InvalidClientMetadata, "fragment"},
    // scope (SMART grammar, strict; system/ only for backend clients).
    {"scope_malformed", "{" RU R"(,"scope":"patient/*.xyz"})", E::InvalidClientMetadata, "scope:"},
    {"scope_empty", "{" RU R"(,"scope":""})", E::InvalidClientMetadata, "empty"},
    {"scope_not_string", "{" RU R"(,"scope":["openid"]})", E::InvalidClientMetadata,
     "must be a string"},
    {"scope_system_for_app", "{" RU R"(,"scope":"openid system/*.rs"})", E::InvalidClientMetadata,
     "client_credentials"},
    {"scope_patient_for_backend", "{" PKJ "," CC R"(,"jwks":$JWKS,"scope":"patient/*.rs"})",
     E::InvalidClientMetadata, "system/"},
    // logo_uri, launch_uri / initiate_login_uri.
    {"logo_http_remote", "{" RU R"(,"logo_uri":"http://a.example/l.png"})",
     E::InvalidClientMetadata, "https"},
    {"logo_not_string", "{" RU R"(,"logo_uri":{}})", E::InvalidClientMetadata, "must be a string"},
    {"launch_ftp", "{" RU R"(,"launch_uri":"ftp://a.example/l"})", E::InvalidClientMetadata,
     "https"},
    {"launch_fragment", "{" RU R"(,"launch_uri":"https://a.example/l#x"})",
     E::InvalidClientMetadata, "fragment"},
    {"launch_names_differ",
     "{" RU R"(,"launch_uri":"https://a.example/1","initiate_login_uri":"https://a.example/2"})",
     E::InvalidClientMetadata, "differ"},
    // contacts, client_name.
    {"contacts_not_array", "{" RU R"(,"contacts":"dev@a.example"})", E::InvalidClientMetadata,
     "array of strings"},
    {"contacts_not_strings", "{" RU R"(,"contacts":[1]})", E::InvalidClientMetadata,
     "array of strings"},
    {"contacts_too_many", "{" RU R"(,"contacts":["a","b","c","d","e","f","g","h","i","j","k"]})",
     E::InvalidClientMetadata, "more than 10"},
    {"name_not_string", "{" RU R"(,"client_name":7})", E::InvalidClientMetadata,
     "must be a string"},
    {"name_too_long", "{" RU R"(,"client_name":"$NAME"})", E::InvalidClientMetadata, "longer than"},
    {"name_control_chars", "{" RU R"(,"client_name":"a\u0007b"})", E::InvalidClientMetadata,
     "control"},
    // software_statement (RFC 7591 §2.3).
    {"software_statement_number", "{" RU R"(,"software_statement":42})",
     E::InvalidSoftwareStatement, "JWT"},
    {"software_statement_not_jws", "{" RU R"(,"software_statement":"abc"})",
     E::InvalidSoftwareStatement, "JWT"},
};

class InvalidMetadata : public ::testing::TestWithParam<InvalidRow> {};

TEST_P(InvalidMetadata, IsRejectedWithItsCode) {
  const auto& row = GetParam();
  auto r = validate(row.json, row.sandbox);
  ASSERT_FALSE(r) << "accepted: " << expand(row.json);
  EXPECT_EQ(registration_error_code(r.error().code), registration_error_code(row.code))
      << r.error().description;
  EXPECT_NE(r.error().description.find(row.mentions), std::string::npos) << r.error().description;
}

INSTANTIATE_TEST_SUITE_P(Rfc7591, InvalidMetadata, ::testing::ValuesIn(kInvalid),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ClientMetadata, DefaultsForAnAppClient) {
  auto r = validate("{" RU "}");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->name, kDefaultClientName);
  EXPECT_EQ(r->auth_method, "client_secret_basic");  // RFC 7591 §2
  EXPECT_EQ(r->grant_types, std::vector<std::string>{"authorization_code"});
  EXPECT_EQ(r->allowed_scopes, kDefaultAppScope);
  EXPECT_EQ(r->redirect_uris, std::vector<std::string>{"https://app.example/cb"});
}

TEST(ClientMetadata, DefaultsForABackendClient) {
  auto r = validate("{" PKJ "," CC R"(,"jwks":$JWKS})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->type, ClientType::Backend);
  EXPECT_EQ(r->allowed_scopes, kDefaultBackendScope);
  EXPECT_TRUE(r->redirect_uris.empty());
  EXPECT_EQ(client_metadata_json(*r).at("response_types"), bj::array{});
}

TEST(ClientMetadata, PolicyDefaultsAreUsed) {
  MetadataPolicy policy;
  policy.default_app_scope = "openid fhirUser";
  auto r = validate_client_metadata(bj::parse("{" RU "}"), policy);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->allowed_scopes, "openid fhirUser");
}

TEST(ClientMetadata, KeepsExactStringsAndNormalizesLists) {
  auto r = validate(R"({"redirect_uris":["https://App.example/cb/","https://App.example/cb/"],)"
                    R"("grant_types":["authorization_code","refresh_token","refresh_token"],)"
                    R"("initiate_login_uri":"https://app.example/launch","client_name":""})");
  ASSERT_TRUE(r);
  // CLI-02: compared exactly later, so stored as sent (duplicates dropped).
  EXPECT_EQ(r->redirect_uris, std::vector<std::string>{"https://App.example/cb/"});
  EXPECT_EQ(r->grant_types, (std::vector<std::string>{"authorization_code", "refresh_token"}));
  EXPECT_EQ(r->launch_url, "https://app.example/launch");
  EXPECT_EQ(r->name, kDefaultClientName);
}

TEST(ClientMetadata, InlineJwksIsStoredAsPublicKeys) {
  auto r = validate("{" PKJ "," RU R"(,"jwks":$JWKS})");
  ASSERT_TRUE(r);
  auto stored = bj::parse(r->jwks).as_object();
  ASSERT_EQ(stored.at("keys").as_array().size(), 1u);
  const auto& key = stored.at("keys").as_array()[0].as_object();
  EXPECT_EQ(key.at("kid"), "k1");
  EXPECT_FALSE(key.contains("d"));
}

TEST(ClientMetadata, ViewOfCliRecordShowsWhatItsTypeImplies) {
  store::ClientRecord c;
  c.client_id = "cli-app";
  c.name = "CLI app";
  c.type = ClientType::ConfidentialSymmetric;
  c.secret_hash = "$argon2id$...";
  c.redirect_uris = {"https://app.example/cb"};
  c.allowed_scopes = "openid";
  c.launch_url = "https://app.example/launch";
  bj::object v = client_metadata_json(c);
  EXPECT_EQ(v.at("token_endpoint_auth_method"), "client_secret_basic");
  EXPECT_EQ(v.at("grant_types"), (bj::array{"authorization_code", "refresh_token"}));
  EXPECT_EQ(v.at("response_types"), bj::array{"code"});
  EXPECT_EQ(v.at("launch_uri"), "https://app.example/launch");
  EXPECT_EQ(v.at("initiate_login_uri"), "https://app.example/launch");
  EXPECT_FALSE(v.contains("client_secret"));
  EXPECT_FALSE(v.contains("client_id"));  // the endpoint adds identifiers, not the view

  c.type = ClientType::Backend;
  c.redirect_uris.clear();
  EXPECT_EQ(effective_auth_method(c), "private_key_jwt");
  EXPECT_EQ(client_metadata_json(c).at("grant_types"), bj::array{"client_credentials"});
  c.type = ClientType::Public;
  EXPECT_EQ(effective_auth_method(c), "none");
}

TEST(ClientMetadata, ErrorCodesAreRfc7591) {
  EXPECT_EQ(registration_error_code(E::InvalidRedirectUri), "invalid_redirect_uri");
  EXPECT_EQ(registration_error_code(E::InvalidClientMetadata), "invalid_client_metadata");
  EXPECT_EQ(registration_error_code(E::InvalidSoftwareStatement), "invalid_software_statement");
}

}  // namespace
}  // namespace ember::oauth
