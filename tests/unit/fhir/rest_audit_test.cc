// The FHIR API's audit hook (fhir/rest_audit.cc) and the read-only audit trail (fhir/rest.cc):
// one event per interaction with its principal, resource, query (secrets redacted) and patients;
// none for metadata; writes to AuditEvent refused with 405 whatever the policy allows.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <mutex>

#include "audit/sink.h"
#include "fhir/api.h"
#include "fhir/policy.h"
#include "store/sqlite/sqlite_store.h"
#include "../support/memory_store.h"

namespace ember::fhir {
namespace {

namespace bj = boost::json;
namespace bhttp = boost::beast::http;

class RecordingSink final : public audit::Sink {
 public:
  bool enabled(audit::Category) const override { return true; }
  void record(audit::Event e) override {
    std::lock_guard lock(mu_);
    events.push_back(std::move(e));
  }
  std::vector<audit::Event> events;

 private:
  std::mutex mu_;
};

// Everything allowed, as a named user of an app with alice in context.
class ActingPolicy final : public AccessPolicy {
 public:
  ActingPolicy() { who_ = {"dr.smith", "my-app", "Practitioner/dr-smith", ""}; }
  Result<void, FhirError> allow(Interaction, std::string_view type) const override {
    if (type == "Device") return fail(forbidden("needs a scope granting 'r' on Device"));
    return {};
  }
  std::vector<store::Clause> constraints(Interaction, std::string_view) const override {
    return {};
  }
  bool unrestricted() const override { return true; }
  const Principal& principal() const override { return who_; }

 private:
  Principal who_;
};

class RestAuditTest : public test_support::MemoryStoreTest {
 protected:
  void SetUp() override {
    MemoryStoreTest::SetUp();
    if (HasFatalFailure()) return;
    random_ = make_seeded_random(7);
    FhirOptions o{.base_url = "http://h/fhir"};
    o.audit = &sink_;
    o.authorizer = [](const http::Request&) -> Result<std::shared_ptr<const AccessPolicy>, FhirError> {
      return std::shared_ptr<const AccessPolicy>(std::make_shared<ActingPolicy>());
    };
    handler_ = make_fhir_handler(*store_, clock_, *random_, o);
  }

  http::Response call(bhttp::verb method, std::string target, std::string body = {}) {
    http::Request req{method, target, 11};
    if (!body.empty()) {
      req.set(bhttp::field::content_type, "application/fhir+json");
      req.body() = std::move(body);
      req.prepare_payload();
    }
    http::RequestContext ctx;
    ctx.remote_addr = "10.1.2.3";
    ctx.request_id = "rid-1";
    return handler_(req, ctx);
  }

  std::string create(const std::string& type, const std::string& json) {
    auto r = call(bhttp::verb::post, "/fhir/" + type, json);
    EXPECT_EQ(r.result_int(), 201) << r.body();
    return std::string(bj::parse(r.body()).at("id").as_string());
  }

  std::unique_ptr<Random> random_;
  RecordingSink sink_;
  http::Handler handler_;
};

TEST_F(RestAuditTest, AReadNamesItsResourcePrincipalAndPatient) {
  const std::string id = create("Observation",
                                R"({"resourceType":"Observation","status":"final","code":{"text":"x"},)"
                                R"("subject":{"reference":"Patient/p1"}})");
  sink_.events.clear();
  ASSERT_EQ(call(bhttp::verb::get, "/fhir/Observation/" + id).result_int(), 200);
  ASSERT_EQ(sink_.events.size(), 1u);
  const auto& e = sink_.events[0];
  EXPECT_EQ(e.kind, audit::Kind::Read);
  EXPECT_EQ(e.outcome, audit::Outcome::Success);
  EXPECT_EQ(e.resource_type, "Observation");
  EXPECT_EQ(e.resource_id, id);
  EXPECT_EQ(e.user, "dr.smith");
  EXPECT_EQ(e.client_id, "my-app");
  EXPECT_EQ(e.fhir_user, "Practitioner/dr-smith");
  EXPECT_EQ(e.remote_addr, "10.1.2.3");
  EXPECT_EQ(e.request_id, "rid-1");
  EXPECT_EQ(e.patients, std::vector<std::string>{"p1"});
}

TEST_F(RestAuditTest, ASearchRecordsItsQueryWithoutSecrets) {
  ASSERT_EQ(call(bhttp::verb::get, "/fhir/Observation?patient=p2&access_token=s3cr3t").result_int(),
            200);
  ASSERT_EQ(sink_.events.size(), 1u);
  const auto& e = sink_.events[0];
  EXPECT_EQ(e.kind, audit::Kind::Search);
  EXPECT_EQ(e.query.find("s3cr3t"), std::string::npos) << e.query;
  EXPECT_NE(e.query.find("patient=p2"), std::string::npos) << e.query;
  EXPECT_EQ(e.patients, std::vector<std::string>{"p2"});
}

TEST_F(RestAuditTest, FailuresAreRecordedWithTheirReasonAndMetadataIsNot) {
  ASSERT_EQ(call(bhttp::verb::get, "/fhir/Device/d1").result_int(), 403);
  ASSERT_EQ(call(bhttp::verb::get, "/fhir/metadata").result_int(), 200);
  ASSERT_EQ(sink_.events.size(), 1u);
  EXPECT_EQ(sink_.events[0].outcome, audit::Outcome::MinorFailure);
  EXPECT_NE(sink_.events[0].outcome_desc.find("403"), std::string::npos);
  EXPECT_NE(sink_.events[0].outcome_desc.find("Device"), std::string::npos);
}

TEST_F(RestAuditTest, TheAuditTrailIsReadOnly) {
  const std::string ae =
      R"({"resourceType":"AuditEvent","type":{"code":"rest"},"recorded":"2024-01-01T00:00:00Z",)"
      R"("agent":[{"requestor":true}],"source":{"observer":{"display":"x"}}})";
  auto post = call(bhttp::verb::post, "/fhir/AuditEvent", ae);
  EXPECT_EQ(post.result_int(), 405);
  EXPECT_EQ(post[bhttp::field::allow], "GET");
  EXPECT_EQ(bj::parse(post.body()).at("resourceType"), "OperationOutcome");
  EXPECT_EQ(call(bhttp::verb::put, "/fhir/AuditEvent/a1", ae).result_int(), 405);
  EXPECT_EQ(call(bhttp::verb::delete_, "/fhir/AuditEvent/a1").result_int(), 405);
  // Batch entries too.
  auto batch = call(bhttp::verb::post, "/fhir",
                    R"({"resourceType":"Bundle","type":"batch","entry":[{"resource":)" + ae +
                        R"(,"request":{"method":"POST","url":"AuditEvent"}}]})");
  ASSERT_EQ(batch.result_int(), 200) << batch.body();
  const std::string status(
      bj::parse(batch.body()).at("entry").at(0).at("response").at("status").as_string());
  EXPECT_TRUE(status.starts_with("405")) << status;
  // Reads and searches work.
  EXPECT_EQ(call(bhttp::verb::get, "/fhir/AuditEvent?patient=p1").result_int(), 200);
  // The CapabilityStatement lists no write interaction for AuditEvent.
  auto cap = bj::parse(call(bhttp::verb::get, "/fhir/metadata").body());
  for (const auto& r : cap.at("rest").at(0).at("resource").as_array()) {
    if (r.at("type") != "AuditEvent") continue;
    for (const auto& i : r.at("interaction").as_array()) {
      const auto code = i.at("code").as_string();
      EXPECT_TRUE(code != "create" && code != "update" && code != "delete" && code != "patch") << code;
    }
  }
}

}  // namespace
}  // namespace ember::fhir
