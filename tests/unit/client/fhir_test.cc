// The FHIR helper: bearer token on every call, paging through next links (bounded, never off
// the FHIR base), OperationOutcome errors, create/update/delete.
#include "ember/client/fhir.h"

#include <gtest/gtest.h>

#include "ember/client/session.h"
#include "fake_server.h"

namespace ember::client {
namespace {

using testing::FakeServer;
using testing::json_response;

const std::string kBase = testing::kBase;

std::string page(int n, const std::string& next) {
  std::string links = R"([{"relation":"self","url":")" + kBase + "/Observation?p=" +
                      std::to_string(n) + "\"}";
  if (!next.empty()) links += R"(,{"relation":"next","url":")" + next + "\"}";
  links += "]";
  return R"({"resourceType":"Bundle","type":"searchset","total":3,"link":)" + links +
         R"(,"entry":[{"resource":{"resourceType":"Observation","id":"o)" + std::to_string(n) +
         R"(","valueQuantity":{"value":1.50}}}]})";
}

class FhirTest : public ::testing::Test {
 protected:
  FhirTest() : session(state(), server.services()) {}

  static SessionState state() {
    SessionState s;
    s.fhir_base = kBase;
    s.token_endpoint = testing::kToken;
    s.credentials = ClientCredentials::public_client("app");
    s.tokens.access_token = "at-1";
    return s;
  }

  void serve_pages(const std::string& last_next = "") {
    server.on("GET", kBase + "/Observation", [](const HttpRequest& req) {
      if (req.url.find("page=2") != std::string::npos) {
        return json_response(200, page(2, kBase + "/Observation?page=3"));
      }
      return json_response(200, page(1, kBase + "/Observation?page=2"));
    });
    server.on("GET", kBase + "/Observation?page=3", [last_next](const HttpRequest&) {
      return json_response(200, page(3, last_next));
    });
  }

  FakeServer server;
  Session session;
};

TEST_F(FhirTest, ReadSendsTheBearerTokenAndFhirAccept) {
  server.on("GET", kBase + "/Patient/alice", [](const HttpRequest&) {
    return json_response(200, R"({"resourceType":"Patient","id":"alice"})");
  });
  auto p = session.fhir().read("Patient", "alice");
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_EQ((*p)["id"].string_or(), "alice");
  const auto& req = server.requests.back();
  EXPECT_EQ(req.method, "GET");
  bool bearer = false, accept = false;
  for (const auto& [n, v] : req.headers) {
    bearer |= n == "Authorization" && v == "Bearer at-1";
    accept |= n == "Accept" && v == "application/fhir+json";
  }
  EXPECT_TRUE(bearer);
  EXPECT_TRUE(accept);
}

TEST_F(FhirTest, SearchFollowsNextLinksIntoOneBundle) {
  serve_pages();
  auto bundle = session.fhir().search("Observation", {{"patient", "alice"}});
  ASSERT_TRUE(bundle) << bundle.error().describe();
  EXPECT_EQ((*bundle)["type"].string_or(), "searchset");
  EXPECT_EQ((*bundle)["total"].integer(), 3);
  ASSERT_EQ((*bundle)["entry"].size(), 3u);
  EXPECT_EQ((*bundle)["entry"][2]["resource"]["id"].string_or(), "o3");
  // Decimal text survives: 1.50, not 1.5.
  EXPECT_NE(bundle->dump().find("\"value\":1.50"), std::string::npos) << bundle->dump();
  EXPECT_TRUE((*bundle)["link"].is_null());
  EXPECT_EQ(server.requests[0].url, kBase + "/Observation?patient=alice");
}

TEST_F(FhirTest, SearchPagesAreBounded) {
  serve_pages();
  auto pages = session.fhir().search_pages("Observation", {}, 2);
  ASSERT_TRUE(pages);
  EXPECT_EQ(pages->size(), 2u);
  EXPECT_EQ(server.requests.size(), 2u);
}

TEST_F(FhirTest, ALoopingNextLinkStops) {
  serve_pages(kBase + "/Observation?page=3");  // page 3 points at itself
  auto pages = session.fhir().search_pages("Observation");
  ASSERT_TRUE(pages);
  EXPECT_EQ(pages->size(), 3u);
}

TEST_F(FhirTest, NextLinkOffTheBaseIsRefused) {
  serve_pages("https://evil.example/fhir/Observation?page=4");
  auto pages = session.fhir().search_pages("Observation");
  ASSERT_FALSE(pages);
  EXPECT_EQ(pages.error().reason, "outside_base");
  for (const auto& r : server.requests) EXPECT_TRUE(r.url.starts_with(kBase));
}

TEST_F(FhirTest, OperationOutcomeBecomesAFhirError) {
  server.on("GET", kBase + "/Patient/nobody", [](const HttpRequest&) {
    return json_response(404, R"({"resourceType":"OperationOutcome","issue":[{"severity":"error",
        "code":"not-found","diagnostics":"Patient/nobody is not known"}]})");
  });
  auto p = session.fhir().read("Patient", "nobody");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().kind, ErrorKind::FhirError);
  EXPECT_EQ(p.error().http_status, 404);
  ASSERT_EQ(p.error().issues.size(), 1u);
  EXPECT_EQ(p.error().issues[0].code, "not-found");
  EXPECT_EQ(p.error().issues[0].diagnostics, "Patient/nobody is not known");
  EXPECT_NE(p.error().describe().find("Patient/nobody is not known"), std::string::npos);
}

TEST_F(FhirTest, NonOutcomeErrorBodiesStillGiveTheStatus) {
  server.on("GET", kBase + "/Patient/x",
            [](const HttpRequest&) { return json_response(502, "bad gateway"); });
  auto p = session.fhir().read("Patient", "x");
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().kind, ErrorKind::FhirError);
  EXPECT_EQ(p.error().http_status, 502);
  EXPECT_TRUE(p.error().issues.empty());
}

TEST_F(FhirTest, CreateUpdateDeleteUseTheRightMethods) {
  server.on("POST", kBase + "/Observation", [](const HttpRequest&) {
    return json_response(201, R"({"resourceType":"Observation","id":"new"})");
  });
  server.on("PUT", kBase + "/Observation/new", [](const HttpRequest& req) {
    return json_response(200, req.body);
  });
  server.on("DELETE", kBase + "/Observation/new",
            [](const HttpRequest&) { return json_response(204, ""); });
  auto fhir = session.fhir();
  auto created = fhir.create("Observation", R"({"resourceType":"Observation"})");
  ASSERT_TRUE(created) << created.error().describe();
  EXPECT_EQ((*created)["id"].string_or(), "new");
  EXPECT_EQ(server.requests.back().content_type, "application/fhir+json");
  EXPECT_EQ(server.requests.back().body, R"({"resourceType":"Observation"})");
  auto updated = fhir.update("Observation", "new", R"({"resourceType":"Observation","id":"new"})");
  ASSERT_TRUE(updated);
  EXPECT_EQ(server.requests.back().method, "PUT");
  EXPECT_TRUE(fhir.remove("Observation", "new"));
  EXPECT_EQ(server.requests.back().method, "DELETE");
}

TEST_F(FhirTest, PathsResolveUnderTheBaseOnly) {
  server.on("GET", kBase + "/metadata",
            [](const HttpRequest&) { return json_response(200, R"({"resourceType":"CapabilityStatement"})"); });
  auto fhir = session.fhir();
  EXPECT_TRUE(fhir.get("/metadata"));
  EXPECT_TRUE(fhir.get(kBase + "/metadata"));
  auto away = fhir.get("https://ehr.example/fhir-other/metadata");
  ASSERT_FALSE(away);
  EXPECT_EQ(away.error().kind, ErrorKind::InvalidArgument);
  EXPECT_FALSE(fhir.read("Patient", "a/b"));
}

}  // namespace
}  // namespace ember::client
