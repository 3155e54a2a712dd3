#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "store/sqlite/connection.h"
#include "store/sqlite/migrations.h"

namespace ember::store {
namespace {

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ember-store-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto s = sqlite::open_sqlite_store((dir_ / "t.db").string(), clock_);
    ASSERT_TRUE(s) << s.error().message;
    store_ = std::move(*s);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  static WriteOp put(std::string type, std::string id, IndexEntries ix = {},
                     std::optional<std::int64_t> if_match = std::nullopt) {
    WriteOp op;
    op.type = type;
    op.id = id;
    op.if_match = if_match;
    op.index = std::move(ix);
    op.render = [type, id](const Stamp& s) {
      return R"({"resourceType":")" + type + R"(","id":")" + id +
             R"(","meta":{"versionId":")" + std::to_string(s.version) + R"("},"value":1.50})";
    };
    return op;
  }

  ManualClock clock_;
  std::filesystem::path dir_;
  std::unique_ptr<ResourceStore> store_;
};

TEST_F(SqliteStoreTest, CreateReadUpdateKeepsExactTextAndVersions) {
  auto w = store_->write({put("Patient", "a")});
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_TRUE((*w)[0].created);
  EXPECT_EQ((*w)[0].record.version, 1);
  clock_.advance_ms(1000);
  auto w2 = store_->write({put("Patient", "a")});
  ASSERT_TRUE(w2);
  EXPECT_FALSE((*w2)[0].created);
  EXPECT_EQ((*w2)[0].record.version, 2);
  auto r = store_->read("Patient", "a");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->version, 2);
  EXPECT_NE(r->json.find("\"value\":1.50"), std::string::npos);
  auto v1 = store_->vread("Patient", "a", 1);
  ASSERT_TRUE(v1);
  EXPECT_NE(v1->json.find("\"versionId\":\"1\""), std::string::npos);
  EXPECT_EQ(store_->vread("Patient", "a", 3).error().code, StoreErrc::NotFound);
  EXPECT_EQ(store_->read("Patient", "b").error().code, StoreErrc::NotFound);
}

TEST_F(SqliteStoreTest, DeleteMakesGoneAndHistoryShowsAll) {
  ASSERT_TRUE(store_->write({put("Patient", "a")}));
  WriteOp del;
  del.kind = WriteOp::Kind::Delete;
  del.type = "Patient";
  del.id = "a";
  ASSERT_TRUE(store_->write({del}));
  EXPECT_EQ(store_->read("Patient", "a").error().code, StoreErrc::Gone);
  auto h = store_->history({.type = "Patient", .id = std::string("a")});
  ASSERT_TRUE(h);
  ASSERT_EQ(h->resources.size(), 2u);
  EXPECT_TRUE(h->resources[0].deleted);
  EXPECT_EQ(*h->total, 2);
  // A deleted resource can be created again.
  auto w = store_->write({put("Patient", "a")});
  ASSERT_TRUE(w);
  EXPECT_TRUE((*w)[0].created);
  EXPECT_EQ((*w)[0].record.version, 3);
}

TEST_F(SqliteStoreTest, IfMatchConflictWritesNothing) {
  ASSERT_TRUE(store_->write({put("Patient", "a")}));
  auto w = store_->write({put("Patient", "a", {}, 7)});
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code, StoreErrc::VersionConflict);
  EXPECT_EQ(store_->read("Patient", "a")->version, 1);
}

TEST_F(SqliteStoreTest, TransactionIsAtomic) {
  // The second op fails (must not exist yet but does), so the first is rolled back too.
  ASSERT_TRUE(store_->write({put("Patient", "existing")}));
  auto w = store_->write({put("Patient", "new"), put("Patient", "existing", {}, 0)});
  ASSERT_FALSE(w);
  EXPECT_EQ(store_->read("Patient", "new").error().code, StoreErrc::NotFound);
}

TEST_F(SqliteStoreTest, SearchUsesIndexRowsAndPaging) {
  for (int i = 0; i < 5; ++i) {
    IndexEntries ix;
    ix.tokens.push_back({"code", "http://loinc.org", i % 2 ? "8867-4" : "2345-7", ""});
    ix.references.push_back({"subject", "Patient", i < 3 ? "a" : "b", "Patient/x"});
    ix.dates.push_back({"date", 1000L * i, 1000L * i + 999});
    ix.numbers.push_back({"value-quantity", 10.0 * i, "http://unitsofmeasure.org", "mg"});
    ix.strings.push_back({"name", i == 4 ? "zoe" : "alice", i == 4 ? "Zoë" : "Alice"});
    ASSERT_TRUE(store_->write({put("Observation", "o" + std::to_string(i), ix)}));
  }
  Query q;
  q.resource_type = "Observation";
  Predicate subj;
  subj.param = "subject";
  subj.type = ParamType::Reference;
  subj.target_type = "Patient";
  subj.target_id = "a";
  q.all_of.push_back({{subj}});
  auto page = store_->search(q);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->resources.size(), 3u);
  EXPECT_EQ(*page->total, 3);

  Predicate code;
  code.param = "code";
  code.type = ParamType::Token;
  code.code = "8867-4";
  code.system = "http://loinc.org";
  q.all_of.push_back({{code}});
  page = store_->search(q);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->resources.size(), 1u);
  EXPECT_EQ(page->resources[0].id, "o1");

  Query d;
  d.resource_type = "Observation";
  Predicate ge;
  ge.param = "date";
  ge.type = ParamType::Date;
  ge.prefix = Prefix::Ge;
  ge.lo_ms = 2000;
  ge.hi_ms = 2999;
  d.all_of.push_back({{ge}});
  d.sort.push_back({"date", ParamType::Date, true});
  d.count = 2;
  page = store_->search(d);
  ASSERT_TRUE(page) << page.error().message;
  ASSERT_EQ(page->resources.size(), 2u);
  EXPECT_EQ(page->resources[0].id, "o4");
  EXPECT_EQ(page->resources[1].id, "o3");
  EXPECT_EQ(*page->total, 3);
  d.offset = 2;
  page = store_->search(d);
  ASSERT_EQ(page->resources.size(), 1u);
  EXPECT_EQ(page->resources[0].id, "o2");

  Query s;
  s.resource_type = "Observation";
  Predicate name;
  name.param = "name";
  name.type = ParamType::String;
  name.text = "ali";
  s.all_of.push_back({{name}});
  EXPECT_EQ(store_->search(s)->resources.size(), 4u);
  name.modifier = Modifier::Exact;
  name.text = "Zoë";
  s.all_of = {{{name}}};
  EXPECT_EQ(store_->search(s)->resources.size(), 1u);

  Query n;
  n.resource_type = "Observation";
  Predicate gt;
  gt.param = "value-quantity";
  gt.type = ParamType::Quantity;
  gt.prefix = Prefix::Gt;
  gt.number = 25;
  gt.code = "mg";
  n.all_of.push_back({{gt}});
  EXPECT_EQ(store_->search(n)->resources.size(), 2u);

  Query m;
  m.resource_type = "Observation";
  Predicate missing;
  missing.param = "value-quantity";
  missing.type = ParamType::Quantity;
  missing.modifier = Modifier::Missing;
  missing.missing = true;
  m.all_of.push_back({{missing}});
  EXPECT_EQ(store_->search(m)->resources.size(), 0u);

  auto refs = store_->references("Observation", {"o0", "o4"}, "subject");
  ASSERT_TRUE(refs);
  EXPECT_EQ(refs->size(), 2u);
}

TEST_F(SqliteStoreTest, UpdateReplacesIndexRows) {
  IndexEntries a;
  a.tokens.push_back({"status", "", "final", ""});
  ASSERT_TRUE(store_->write({put("Observation", "o", a)}));
  IndexEntries b;
  b.tokens.push_back({"status", "", "amended", ""});
  ASSERT_TRUE(store_->write({put("Observation", "o", b)}));
  Query q;
  q.resource_type = "Observation";
  Predicate p;
  p.param = "status";
  p.type = ParamType::Token;
  p.code = "final";
  q.all_of.push_back({{p}});
  EXPECT_EQ(store_->search(q)->resources.size(), 0u);
}

TEST(SqliteMigrations, RunOnceAndRecordVersion) {
  auto db = sqlite::Connection::open(":memory:", false);
  ASSERT_TRUE(db);
  auto v = sqlite::migrate(**db);
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, sqlite::migrations().back().version);
  auto again = sqlite::migrate(**db);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *v);
  ASSERT_TRUE((*db)->exec("INSERT INTO schema_migrations (version, description) VALUES (999, 'x')"));
  auto newer = sqlite::migrate(**db);
  ASSERT_FALSE(newer);
  EXPECT_EQ(newer.error().code, StoreErrc::Invalid);
}

}  // namespace
}  // namespace ember::store
