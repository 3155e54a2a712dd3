// Discovery: smart-configuration first, the CapabilityStatement's oauth-uris as the fallback,
// openid-configuration for the id_token keys.
#include "ember/client/discovery.h"

#include <gtest/gtest.h>

#include "fake_server.h"

namespace ember::client {
namespace {

using testing::FakeServer;
using testing::json_response;

constexpr const char* kCapability = R"({
  "resourceType": "CapabilityStatement",
  "rest": [{"mode": "server", "security": {"extension": [{
    "url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
    "extension": [
      {"url": "authorize", "valueUri": "https://old.example/auth"},
      {"url": "token", "valueUri": "https://old.example/token"},
      {"url": "revoke", "valueUri": "https://old.example/revoke"}
    ]}]}}]})";

TEST(Discovery, ReadsTheSmartConfiguration) {
  FakeServer server;
  auto c = discover(std::string(testing::kBase) + "/", server.services());
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_EQ(c->source, "smart-configuration");
  EXPECT_EQ(c->fhir_base, testing::kBase);  // trailing slash dropped
  EXPECT_EQ(c->issuer, testing::kIssuer);
  EXPECT_EQ(c->authorization_endpoint, testing::kAuthorize);
  EXPECT_EQ(c->token_endpoint, testing::kToken);
  EXPECT_EQ(c->revocation_endpoint, testing::kRevoke);
  EXPECT_EQ(c->jwks_uri, testing::kJwksUri);
  EXPECT_TRUE(c->has_capability("permission-offline"));
  EXPECT_FALSE(c->has_capability("launch-ehr"));
  ASSERT_EQ(server.requests.size(), 1u);
  ASSERT_EQ(server.requests[0].headers.size(), 1u);
  EXPECT_EQ(server.requests[0].headers[0].second, "application/json");
}

TEST(Discovery, FallsBackToTheCapabilityStatement) {
  FakeServer server;
  server.on("GET", std::string(testing::kBase) + "/.well-known/smart-configuration",
            [](const HttpRequest&) { return json_response(404, "{}"); });
  server.on("GET", std::string(testing::kBase) + "/metadata",
            [](const HttpRequest&) { return json_response(200, kCapability); });
  auto c = discover(testing::kBase, server.services());
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_EQ(c->source, "capability-statement");
  EXPECT_EQ(c->authorization_endpoint, "https://old.example/auth");
  EXPECT_EQ(c->token_endpoint, "https://old.example/token");
  EXPECT_EQ(c->revocation_endpoint, "https://old.example/revoke");
  EXPECT_TRUE(c->issuer.empty());
}

TEST(Discovery, FallsBackWhenTheConfigurationIsUnusable) {
  FakeServer server;
  server.on("GET", std::string(testing::kBase) + "/.well-known/smart-configuration",
            [](const HttpRequest&) { return json_response(200, "<html>hi</html>"); });
  server.on("GET", std::string(testing::kBase) + "/metadata",
            [](const HttpRequest&) { return json_response(200, kCapability); });
  auto c = discover(testing::kBase, server.services());
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_EQ(c->source, "capability-statement");
}

TEST(Discovery, NeitherDocumentIsAClearError) {
  FakeServer server;
  server.on("GET", std::string(testing::kBase) + "/.well-known/smart-configuration",
            [](const HttpRequest&) { return json_response(404, "{}"); });
  server.on("GET", std::string(testing::kBase) + "/metadata",
            [](const HttpRequest&) { return json_response(200, R"({"resourceType":"CapabilityStatement"})"); });
  auto c = discover(testing::kBase, server.services());
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().kind, ErrorKind::InvalidResponse);
  EXPECT_EQ(c.error().reason, "missing_token_endpoint");
}

TEST(Discovery, TransportErrorsAreReturnedAsIs) {
  Services s;
  s.transport = [](const HttpRequest&) -> Result<HttpResponse> {
    return failure(ErrorKind::Transport, "connect: refused", "connect");
  };
  auto c = discover(testing::kBase, s);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().kind, ErrorKind::Transport);
  EXPECT_EQ(c.error().reason, "connect");
}

TEST(Discovery, RefusesANonHttpBase) {
  FakeServer server;
  auto c = discover("ftp://ehr.example/fhir", server.services());
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().kind, ErrorKind::InvalidArgument);
}

TEST(Discovery, OpenidConfigurationSuppliesIssuerAndKeys) {
  FakeServer server;
  server.on("GET", std::string(testing::kBase) + "/.well-known/openid-configuration",
            [](const HttpRequest&) {
              return json_response(200, R"({"issuer":"https://ehr.example/fhir",
                                            "jwks_uri":"https://ehr.example/keys"})");
            });
  auto c = parse_capability_statement(testing::kBase, kCapability);
  ASSERT_TRUE(c);
  auto services = server.services();
  ASSERT_TRUE(complete_openid_configuration(*c, services));
  EXPECT_EQ(c->issuer, "https://ehr.example/fhir");
  EXPECT_EQ(c->jwks_uri, "https://ehr.example/keys");
}

}  // namespace
}  // namespace ember::client
