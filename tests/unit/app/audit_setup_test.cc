// The audit writer's store adapter (app/audit_setup.cc) stores build_audit_event's output without
// running the FHIR validator on every event: these tests hold every kind of event, bare and with
// every field filled, to fhir::validate_resource instead, and check that the adapter's events
// land in a real store, searchable like any AuditEvent.
#include "app/audit_setup.h"

#include <gtest/gtest.h>

#include "audit/balp.h"
#include "core/clock.h"
#include "core/random.h"
#include "fhir/ingest.h"
#include "json/exact.h"
#include "store/store.h"

namespace ember::app {
namespace {

const audit::Source kSource{"https://ember.test", "https://ember.test/fhir", "ember.test"};

audit::Event full_event(audit::Kind kind) {
  audit::Event e;
  e.kind = kind;
  e.outcome = audit::Outcome::MinorFailure;
  e.outcome_desc = "invalid_grant";
  e.time_ms = 1700000000000;
  e.user = "dr.smith";
  e.fhir_user = "Practitioner/dr-smith";
  e.client_id = "app-1";
  e.remote_addr = "127.0.0.1";
  e.request_id = "req-1";
  e.resource_type = "Observation";
  e.resource_id = "obs-1";
  e.version_id = "2";
  e.query = "patient=alice&category=laboratory";
  e.http_status = 400;
  e.patients = {"alice", "bob"};
  e.grant_id = "grant-1";
  e.jti = "jti-1";
  e.scope = "launch/patient patient/*.rs";
  return e;
}

TEST(AuditSetup, EveryKindOfEventIsAValidAuditEvent) {
  for (int k = 0; k <= static_cast<int>(audit::Kind::Batch); ++k) {
    const auto kind = static_cast<audit::Kind>(k);
    audit::Event bare;
    bare.kind = kind;
    bare.time_ms = 1;
    for (const audit::Event& e : {bare, full_event(kind)}) {
      const boost::json::value v = audit::build_audit_event(e, kSource);
      auto r = fhir::validate_resource(v, "AuditEvent");
      EXPECT_TRUE(r) << "kind " << k << ": " << (r ? std::string() : r.error().diagnostics) << "\n"
                     << json::serialize_exact(v);
    }
  }
}

TEST(AuditSetup, TheWriterStoresSearchableEvents) {
  ManualClock clock(1700000000000);
  auto random = make_seeded_random(3);
  auto store = store::open_store(store::StoreOptions{":memory:", &clock});
  ASSERT_TRUE(store) << store.error().message;
  auto writer = make_audit_writer(audit::Level::All, **store, clock, *random, "https://ember.test");
  ASSERT_TRUE(writer);
  writer->record(full_event(audit::Kind::Read));
  writer->record(full_event(audit::Kind::TokenFailure));
  ASSERT_TRUE(writer->flush(std::chrono::seconds(5)));
  EXPECT_EQ(writer->stats().written, 2u);

  store::Query q;
  q.resource_type = "AuditEvent";
  auto page = (*store)->search(q);
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->resources.size(), 2u);
  for (const auto& r : page->resources) {
    EXPECT_EQ(r.version, 1);
    auto v = json::parse_exact(r.json);
    ASSERT_TRUE(v);
    EXPECT_EQ(v->at("resourceType").as_string(), "AuditEvent");
    EXPECT_EQ(v->at("meta").at("versionId").as_string(), "1");
    EXPECT_TRUE(fhir::validate_resource(*v, "AuditEvent"));
  }
}

TEST(AuditSetup, OffMeansNoWriter) {
  ManualClock clock;
  auto random = make_seeded_random(4);
  auto store = store::open_store(store::StoreOptions{":memory:", &clock});
  ASSERT_TRUE(store);
  EXPECT_EQ(make_audit_writer(audit::Level::Off, **store, clock, *random, "https://e"), nullptr);
}

}  // namespace
}  // namespace ember::app
