// patient_search_query: the bounded, family-sorted Patient query and its name-or-identifier
// clause, as built and as a SQLite store runs it.
#include "fhir/patient_search.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "core/clock.h"
#include "fhir/ingest.h"
#include "store/sqlite/sqlite_store.h"
#include "../support/memory_store.h"

namespace ember::fhir {
namespace {

TEST(PatientSearchQuery, WithoutTextListsEveryPatientByFamily) {
  const auto q = patient_search_query("", 200);
  EXPECT_EQ(q.resource_type, "Patient");
  EXPECT_EQ(q.count, 200u);
  EXPECT_EQ(q.offset, 0u);
  EXPECT_EQ(q.total, store::TotalMode::None);
  ASSERT_EQ(q.sort.size(), 1u);
  EXPECT_EQ(q.sort[0].param, "family");
  EXPECT_EQ(q.sort[0].type, store::ParamType::String);
  EXPECT_FALSE(q.sort[0].descending);
  EXPECT_TRUE(q.all_of.empty());
}

TEST(PatientSearchQuery, TextMatchesANameOrAnExactIdentifier) {
  const auto q = patient_search_query("  JOSÉ ", 51);
  EXPECT_EQ(q.count, 51u);
  ASSERT_EQ(q.all_of.size(), 1u);  // one clause: its predicates are alternatives
  const auto& any = q.all_of[0].any_of;
  ASSERT_EQ(any.size(), 2u);
  EXPECT_EQ(any[0].param, "name");
  EXPECT_EQ(any[0].type, store::ParamType::String);
  EXPECT_EQ(any[0].modifier, store::Modifier::None);
  EXPECT_EQ(any[0].text, "jose");  // normalized like the index
  EXPECT_EQ(any[1].param, "identifier");
  EXPECT_EQ(any[1].type, store::ParamType::Token);
  EXPECT_FALSE(any[1].system.has_value());  // any identifier system
  EXPECT_EQ(any[1].code, "  JOSÉ ");        // as typed
}

class PatientSearchStore : public test_support::MemoryStoreTest {
 protected:
  void SetUp() override {
    MemoryStoreTest::SetUp();
    if (HasFatalFailure()) return;
    put("alice", R"({"resourceType":"Patient","name":[{"family":"Carter","given":["Alice"]}],
      "identifier":[{"type":{"coding":[{"code":"MR"}]},"value":"100001"}]})");
    put("bob", R"({"resourceType":"Patient","name":[{"family":"Adams","given":["Bob"]}],
      "identifier":[{"value":"100002"}]})");
    put("jose", R"({"resourceType":"Patient","name":[{"family":"Zapata","given":["José"]}]})");
  }

  void put(const std::string& id, const std::string& text) {
    std::vector<store::WriteOp> ops;
    ops.push_back(make_put("Patient", id, boost::json::parse(text).as_object()));
    ASSERT_TRUE(store_->write(std::move(ops))) << id;
  }

  std::vector<std::string> ids(std::string_view text, std::size_t limit = 10) {
    auto page = store_->search(patient_search_query(text, limit));
    EXPECT_TRUE(page);
    std::vector<std::string> out;
    if (page) {
      for (const auto& rec : page->resources) out.push_back(rec.id);
    }
    return out;
  }

};

TEST_F(PatientSearchStore, FindsByNameOrIdentifierSortedByFamily) {
  using V = std::vector<std::string>;
  EXPECT_EQ(ids(""), (V{"bob", "alice", "jose"}));
  EXPECT_EQ(ids("", 2), (V{"bob", "alice"}));
  EXPECT_EQ(ids("car"), V{"alice"});   // a name part's start, any case
  EXPECT_EQ(ids("jose"), V{"jose"});   // accents folded
  EXPECT_EQ(ids("100002"), V{"bob"});  // an identifier, exactly
  EXPECT_EQ(ids("10000"), V{});        // not a prefix of one
  EXPECT_EQ(ids("nobody"), V{});
}

}  // namespace
}  // namespace ember::fhir
