// Query redaction and the cheap patient extraction (audit/redact.h).
#include "audit/redact.h"

#include <gtest/gtest.h>

namespace ember::audit {
namespace {

TEST(Redact, SecretParametersNeverReachTheQuery) {
  http::QueryParams q{{"patient", "alice"},   {"access_token", "eyJsecret"},
                      {"code", "c0de"},       {"client_secret", "s3cret"},
                      {"refresh_token", "rt"}, {"client_assertion", "jwt"},
                      {"code_verifier", "v"},  {"password", "demo"}};
  const std::string s = safe_query(q);
  for (const char* secret : {"eyJsecret", "c0de", "s3cret", "rt&", "jwt", "=v", "demo"}) {
    EXPECT_EQ(s.find(secret), std::string::npos) << secret << " in " << s;
  }
  EXPECT_NE(s.find("patient=alice"), std::string::npos);
  EXPECT_NE(s.find("access_token=%5Bredacted%5D"), std::string::npos);
}

TEST(Redact, PatientsFromSearchParameters) {
  const std::string base = "https://ember.test/fhir";
  struct Row {
    std::string type, name, value;
    std::vector<std::string> expected;
  };
  const Row rows[] = {
      {"Observation", "patient", "alice", {"alice"}},
      {"Observation", "patient", "Patient/bob,carol", {"bob", "carol"}},
      {"Observation", "subject", "Patient/alice", {"alice"}},
      {"Observation", "subject", "Group/g1", {}},
      {"Observation", "subject", "alice", {}},  // bare id of an untyped reference: not known
      {"Observation", "subject:Patient", "alice", {}},
      {"Observation", "patient:missing", "true", {}},
      {"Observation", "patient", base + "/Patient/dave", {"dave"}},
      {"Patient", "_id", "erin", {"erin"}},
      {"Observation", "_id", "obs-1", {}},
      {"Observation", "code", "Patient/x", {}},
  };
  for (const auto& r : rows) {
    Event e;
    add_patients_from_query(e, r.type, {{r.name, r.value}}, base);
    EXPECT_EQ(e.patients, r.expected) << r.name << "=" << r.value;
  }
}

TEST(Redact, PatientsFromAnswers) {
  const std::string base = "https://ember.test/fhir";
  Event e;
  add_patients_from_json(
      e,
      R"({"resourceType":"Bundle","entry":[{"fullUrl":"https://ember.test/fhir/Patient/p1",)"
      R"("resource":{"resourceType":"Patient","id":"p1"}},{"fullUrl":"https://ember.test/fhir/Observation/o1",)"
      R"("resource":{"subject":{"reference":"Patient/p2"},"performer":[{"reference":"Practitioner/x"}],)"
      R"("focus":[{"reference":"Patient/p2/_history/3"}],"note":[{"text":"see Patient/p9"}]}},)"
      R"({"resource":{"subject":{"reference":"https://ember.test/fhir/Patient/p3"}}}]})",
      base);
  EXPECT_EQ(e.patients, (std::vector<std::string>{"p2", "p3", "p1"}));
}

TEST(Redact, PatientListIsBounded) {
  Event e;
  std::string json;
  for (int i = 0; i < 100; ++i) json += R"({"reference":"Patient/p)" + std::to_string(i) + "\"}";
  add_patients_from_json(e, json, "");
  EXPECT_EQ(e.patients.size(), kMaxPatients);
}

TEST(Redact, Base64) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("foobar"), "Zm9vYmFy");
}

}  // namespace
}  // namespace ember::audit

namespace ember::audit {
namespace {

TEST(Redact, CleanTextKeepsValidUtf8AndBoundsLength) {
  EXPECT_EQ(clean_text("dr.smith", 200), "dr.smith");
  EXPECT_EQ(clean_text("Zoë 日本", 200), "Zoë 日本");
  EXPECT_EQ(clean_text(std::string("a\0b\x01\xff\xc3(", 7), 200), "a?b??" "?(");
  EXPECT_EQ(clean_text("\xed\xa0\x80", 200), "???");  // a surrogate
  EXPECT_EQ(clean_text("abcdef", 3), "abc\xe2\x80\xa6");
  EXPECT_EQ(clean_text("ëëë", 3), "ë\xe2\x80\xa6");  // never cuts a character
}

}  // namespace
}  // namespace ember::audit
