// Shape checks of the built AuditEvents against the BALP / ATNA codes (audit/balp.h), one test
// per pattern, and the rule that no secret ever reaches an AuditEvent.
#include "audit/balp.h"

#include <gtest/gtest.h>

#include "audit/redact.h"
#include "json/exact.h"

namespace ember::audit {
namespace {

namespace bj = boost::json;

const Source kSource{"https://ember.test", "https://ember.test/fhir", "ember.test"};
constexpr std::int64_t kTime = 1700000000123;  // 2023-11-14T22:13:20.123Z

std::string code_of(const bj::value& coding) {
  return std::string(coding.at("code").as_string());
}
std::string system_of(const bj::value& coding) {
  return std::string(coding.at("system").as_string());
}

// The first agent whose type has `code`.
const bj::object* agent_with(const bj::object& ae, std::string_view code) {
  for (const auto& a : ae.at("agent").as_array()) {
    for (const auto& c : a.at("type").at("coding").as_array()) {
      if (c.at("code").as_string() == code) return &a.as_object();
    }
  }
  return nullptr;
}

std::vector<const bj::object*> entities_with_role(const bj::object& ae, std::string_view role) {
  std::vector<const bj::object*> out;
  if (!ae.contains("entity")) return out;
  for (const auto& en : ae.at("entity").as_array()) {
    const auto& o = en.as_object();
    if (o.contains("role") && o.at("role").at("code").as_string() == role) out.push_back(&o);
  }
  return out;
}

Event rest_event(Kind k) {
  Event e;
  e.kind = k;
  e.time_ms = kTime;
  e.user = "dr.smith";
  e.fhir_user = "Practitioner/dr-smith";
  e.client_id = "my-app";
  e.remote_addr = "127.0.0.1";
  e.request_id = "req-1";
  e.resource_type = "Observation";
  e.resource_id = "obs-1";
  e.http_status = 200;
  return e;
}

TEST(Balp, PatientReadFollowsTheRestPattern) {
  Event e = rest_event(Kind::Read);
  add_patient(e, "alice");
  auto ae = build_audit_event(e, kSource);
  EXPECT_EQ(ae.at("resourceType").as_string(), "AuditEvent");
  EXPECT_EQ(system_of(ae.at("type")), kAuditEventType);
  EXPECT_EQ(code_of(ae.at("type")), "rest");
  EXPECT_EQ(system_of(ae.at("subtype").as_array()[0]), kRestfulInteraction);
  EXPECT_EQ(code_of(ae.at("subtype").as_array()[0]), "read");
  EXPECT_EQ(ae.at("action").as_string(), "R");
  EXPECT_EQ(ae.at("outcome").as_string(), "0");
  EXPECT_EQ(ae.at("recorded").as_string(), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(ae.at("meta").at("profile").as_array()[0].as_string(),
            "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientRead");
  // Read: the client receives the data (Destination), the server is its Source.
  const auto* client = agent_with(ae, "110152");
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(client->at("who").at("identifier").at("value").as_string(), "my-app");
  EXPECT_EQ(client->at("network").at("address").as_string(), "127.0.0.1");
  EXPECT_EQ(client->at("network").at("type").as_string(), "2");
  EXPECT_FALSE(client->at("requestor").as_bool());
  const auto* server = agent_with(ae, "110153");
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(server->at("network").at("address").as_string(), "https://ember.test/fhir");
  const auto* user = agent_with(ae, "IRCP");
  ASSERT_NE(user, nullptr);
  EXPECT_TRUE(user->at("requestor").as_bool());
  EXPECT_EQ(user->at("who").at("reference").as_string(), "Practitioner/dr-smith");
  EXPECT_EQ(user->at("who").at("identifier").at("value").as_string(), "dr.smith");
  // Entities: the resource read (2 System Object, role 4 Domain Resource), the patient (1 Person,
  // role 1 Patient), the request id (BALP XrequestId).
  auto data = entities_with_role(ae, "4");
  ASSERT_EQ(data.size(), 1u);
  EXPECT_EQ(data[0]->at("what").at("reference").as_string(), "Observation/obs-1");
  EXPECT_EQ(code_of(data[0]->at("type")), "2");
  auto patients = entities_with_role(ae, "1");
  ASSERT_EQ(patients.size(), 1u);
  EXPECT_EQ(patients[0]->at("what").at("reference").as_string(), "Patient/alice");
  EXPECT_EQ(system_of(patients[0]->at("type")), kEntityType);
  EXPECT_EQ(code_of(patients[0]->at("type")), "1");
  bool request_id = false;
  for (const auto& en : ae.at("entity").as_array()) {
    if (en.at("type").at("code").as_string() == "XrequestId") {
      request_id = en.at("what").at("identifier").at("value").as_string() == "req-1";
    }
  }
  EXPECT_TRUE(request_id);
  EXPECT_EQ(ae.at("source").at("site").as_string(), "ember.test");
  EXPECT_EQ(ae.at("source").at("observer").at("display").as_string(), "Ember");
  EXPECT_EQ(code_of(ae.at("source").at("type").as_array()[0]), "4");
}

TEST(Balp, SearchRecordsTheQueryInBase64) {
  Event e = rest_event(Kind::Search);
  e.resource_id.clear();
  e.query = "patient=alice&code=1234-5";
  add_patient(e, "alice");
  auto ae = build_audit_event(e, kSource);
  EXPECT_EQ(code_of(ae.at("subtype").as_array()[0]), "search-type");
  EXPECT_EQ(ae.at("action").as_string(), "E");
  EXPECT_NE(agent_with(ae, "110153"), nullptr);  // client = Source Role ID for queries
  auto q = entities_with_role(ae, "24");
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0]->at("query").as_string(), base64_encode("Observation?patient=alice&code=1234-5"));
  EXPECT_EQ(q[0]->at("description").as_string(), "Observation?patient=alice&code=1234-5");
  EXPECT_EQ(ae.at("meta").at("profile").as_array()[0].as_string(),
            "https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientQuery");
}

TEST(Balp, RestSubtypesAndActions) {
  struct Row {
    Kind kind;
    std::string_view subtype, action;
  };
  const Row rows[] = {{Kind::VRead, "vread", "R"},   {Kind::Create, "create", "C"},
                      {Kind::Update, "update", "U"}, {Kind::Patch, "patch", "U"},
                      {Kind::Delete, "delete", "D"}, {Kind::History, "history-instance", "R"},
                      {Kind::Batch, "batch", "E"}};
  for (const auto& r : rows) {
    auto ae = build_audit_event(rest_event(r.kind), kSource);
    EXPECT_EQ(code_of(ae.at("subtype").as_array()[0]), r.subtype);
    EXPECT_EQ(ae.at("action").as_string(), r.action);
  }
  // Writes name the user as author; delete names the client Application, the server Custodian.
  EXPECT_NE(agent_with(build_audit_event(rest_event(Kind::Create), kSource), "AUT"), nullptr);
  auto del = build_audit_event(rest_event(Kind::Delete), kSource);
  EXPECT_NE(agent_with(del, "110150"), nullptr);
  EXPECT_NE(agent_with(del, "custodian"), nullptr);
}

TEST(Balp, FailuresCarryTheirOutcomeAndNoProfile) {
  Event e = rest_event(Kind::Read);
  e.outcome = outcome_of_status(403);
  e.outcome_desc = "needs a scope granting 'r' on Observation";
  auto ae = build_audit_event(e, kSource);
  EXPECT_EQ(ae.at("outcome").as_string(), "4");
  EXPECT_EQ(ae.at("outcomeDesc").as_string(), "needs a scope granting 'r' on Observation");
  EXPECT_FALSE(ae.contains("meta"));  // BALP profiles fix outcome 0
  EXPECT_EQ(outcome_of_status(500), Outcome::SeriousFailure);
  EXPECT_EQ(outcome_of_status(201), Outcome::Success);
}

TEST(Balp, LoginAndLogout) {
  Event e;
  e.kind = Kind::Login;
  e.time_ms = kTime;
  e.user = "alice";
  e.fhir_user = "Patient/alice";
  e.remote_addr = "10.0.0.7";
  e.channel = Channel::Portal;
  auto ae = build_audit_event(e, kSource);
  EXPECT_EQ(system_of(ae.at("type")), kDcm);
  EXPECT_EQ(code_of(ae.at("type")), "110114");
  EXPECT_EQ(system_of(ae.at("subtype").as_array()[0]), kDcm);
  EXPECT_EQ(code_of(ae.at("subtype").as_array()[0]), "110122");
  EXPECT_EQ(ae.at("action").as_string(), "E");
  const auto* user = agent_with(ae, "humanuser");
  ASSERT_NE(user, nullptr);
  EXPECT_TRUE(user->at("requestor").as_bool());
  // A patient signing in is searchable by patient (agent.who is a Patient reference).
  EXPECT_EQ(user->at("who").at("reference").as_string(), "Patient/alice");
  const auto* browser = agent_with(ae, "110150");
  ASSERT_NE(browser, nullptr);
  EXPECT_EQ(browser->at("network").at("address").as_string(), "10.0.0.7");
  EXPECT_NE(agent_with(ae, "authserver"), nullptr);
  EXPECT_EQ(code_of(ae.at("source").at("type").as_array()[0]), "6");  // Security Server

  e.kind = Kind::Logout;
  auto out = build_audit_event(e, kSource);
  EXPECT_EQ(code_of(out.at("subtype").as_array()[0]), "110123");

  Event failed;
  failed.kind = Kind::Login;
  failed.time_ms = kTime;
  failed.user = "mallory";
  failed.outcome = Outcome::MinorFailure;
  failed.outcome_desc = "wrong username or password";
  auto f = build_audit_event(failed, kSource);
  EXPECT_EQ(f.at("outcome").as_string(), "4");
}

TEST(Balp, AuthorizationDecisionIsASecurityAlertWithAuthZConsent) {
  Event e;
  e.kind = Kind::Authorization;
  e.time_ms = kTime;
  e.user = "dr.smith";
  e.fhir_user = "Practitioner/dr-smith";
  e.client_id = "my-app";
  e.grant_id = "g-1";
  e.scope = "launch/patient patient/*.rs";
  add_patient(e, "alice");
  auto ae = build_audit_event(e, kSource);
  EXPECT_EQ(code_of(ae.at("type")), "110113");
  EXPECT_EQ(system_of(ae.at("subtype").as_array()[0]), kAuthZSubtype);
  EXPECT_EQ(code_of(ae.at("subtype").as_array()[0]), "AuthZ-Consent");
  EXPECT_NE(agent_with(ae, "110150"), nullptr);   // the app
  EXPECT_NE(agent_with(ae, "IRCP"), nullptr);     // the user
  EXPECT_NE(agent_with(ae, "authserver"), nullptr);
  auto sec = entities_with_role(ae, "13");
  ASSERT_EQ(sec.size(), 1u);
  EXPECT_EQ(entities_with_role(ae, "1").size(), 1u);
}

TEST(Balp, TokenEventsUseIuaIti71AndTheJti) {
  const std::pair<Kind, std::string_view> rows[] = {
      {Kind::TokenIssue, "authorization_code"},
      {Kind::TokenRefresh, "refresh_token"},
      {Kind::TokenClientCredentials, "client_credentials"}};
  for (const auto& [kind, grant] : rows) {
    Event e;
    e.kind = kind;
    e.time_ms = kTime;
    e.client_id = "my-app";
    e.jti = "abc";
    auto ae = build_audit_event(e, kSource);
    EXPECT_EQ(code_of(ae.at("type")), "110114");
    const auto& sub = ae.at("subtype").as_array();
    ASSERT_EQ(sub.size(), 2u);
    EXPECT_EQ(system_of(sub[0]), kIheEventTypeCode);
    EXPECT_EQ(code_of(sub[0]), "ITI-71");
    EXPECT_EQ(system_of(sub[1]), kEmberSubtype);
    EXPECT_EQ(code_of(sub[1]), grant);
    auto sec = entities_with_role(ae, "13");
    ASSERT_EQ(sec.size(), 1u);
    EXPECT_EQ(sec[0]->at("what").at("identifier").at("value").as_string(),
              "urn:ietf:params:oauth:jti:abc");
  }
  Event revoke;
  revoke.kind = Kind::TokenRevoke;
  revoke.time_ms = kTime;
  EXPECT_EQ(code_of(build_audit_event(revoke, kSource).at("subtype").as_array()[0]),
            "token-revoke");
}

TEST(Balp, RegistrationIsASecurityConfigurationChange) {
  const std::pair<Kind, std::string_view> rows[] = {{Kind::ClientRegister, "C"},
                                                    {Kind::ClientUpdate, "U"},
                                                    {Kind::ClientDelete, "D"}};
  for (const auto& [kind, action] : rows) {
    Event e;
    e.kind = kind;
    e.time_ms = kTime;
    e.client_id = "new-app";
    auto ae = build_audit_event(e, kSource);
    EXPECT_EQ(code_of(ae.at("type")), "110113");
    EXPECT_EQ(code_of(ae.at("subtype").as_array()[0]), "110129");
    EXPECT_EQ(ae.at("action").as_string(), action);
  }
}

TEST(Balp, EveryKindSerializesAsAValidResourceShape) {
  // No empty strings, arrays or objects (R4 json.html), whatever the event leaves out.
  for (int k = 0; k <= static_cast<int>(Kind::Batch); ++k) {
    Event e;
    e.kind = static_cast<Kind>(k);
    e.time_ms = kTime;
    const std::string text = json::serialize_exact(build_audit_event(e, kSource));
    EXPECT_EQ(text.find("\"\""), std::string::npos) << text;
    EXPECT_EQ(text.find("[]"), std::string::npos) << text;
    EXPECT_EQ(text.find("{}"), std::string::npos) << text;
  }
}

}  // namespace
}  // namespace ember::audit

namespace ember::audit {
namespace {

TEST(Balp, RequestDerivedTextIsMadeValid) {
  Event e;
  e.kind = Kind::Login;
  e.time_ms = 1;
  e.user = std::string("evil\xff\x00name", 10);
  e.outcome = Outcome::MinorFailure;
  e.outcome_desc = std::string(10000, 'x');
  const std::string text = json::serialize_exact(build_audit_event(e, {"https://e", "https://e/fhir", "e"}));
  EXPECT_NE(text.find("evil??name"), std::string::npos) << text;
  EXPECT_LT(text.size(), 3000u);
}

}  // namespace
}  // namespace ember::audit
