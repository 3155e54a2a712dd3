// The resource store (store/sql/resource_store.cc) on every backend of backends.h: the same
// behaviour on SQLite and PostgreSQL, including under concurrent writers.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <tuple>

#include "backends.h"
#include "store/sql/stores.h"
#include "store/sqlite/connection.h"

namespace ember::store {
namespace {

class ResourceStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    EMBER_REQUIRE_DATABASE(db_);
    store_ = open();
    ASSERT_TRUE(store_);
  }
  void TearDown() override { store_.reset(); }

  // Another store instance on the same database (another server process, as far as the data
  // is concerned).
  std::unique_ptr<ResourceStore> open() {
    auto backend = sql::open_backend(db_.url());
    if (!backend) {
      ADD_FAILURE() << backend.error().message;
      return nullptr;
    }
    return sql::make_resource_store(std::move(*backend), clock_);
  }

  static WriteOp put(std::string type, std::string id, IndexEntries ix = {},
                     std::optional<std::int64_t> if_match = std::nullopt) {
    WriteOp op;
    op.type = type;
    op.id = id;
    op.if_match = if_match;
    op.index = std::move(ix);
    op.render = [type, id](const Stamp& s) {
      return R"({"resourceType":")" + type + R"(","id":")" + id + R"(","meta":{"versionId":")" +
             std::to_string(s.version) + R"("},"value":1.50})";
    };
    return op;
  }
  static WriteOp del(std::string type, std::string id) {
    WriteOp op;
    op.kind = WriteOp::Kind::Delete;
    op.type = std::move(type);
    op.id = std::move(id);
    return op;
  }
  std::vector<std::string> ids(const Query& q) {
    auto page = store_->search(q);
    EXPECT_TRUE(page) << page.error().message;
    std::vector<std::string> out;
    if (page) {
      for (const auto& r : page->resources) out.push_back(r.id);
    }
    return out;
  }
  static Predicate string_pred(std::string param, std::string text, Modifier m = Modifier::None) {
    Predicate p;
    p.param = std::move(param);
    p.type = store::ParamType::String;
    p.text = std::move(text);
    p.modifier = m;
    return p;
  }

  testing::TestDatabase db_{GetParam()};
  ManualClock clock_;
  std::unique_ptr<ResourceStore> store_;
};

TEST_P(ResourceStoreTest, CreateReadUpdateKeepsExactTextAndVersions) {
  auto w = store_->write({put("Patient", "a")});
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_TRUE((*w)[0].created);
  EXPECT_EQ((*w)[0].record.version, 1);
  EXPECT_EQ((*w)[0].record.last_updated_ms, clock_.now_ms());
  clock_.advance_ms(1000);
  auto w2 = store_->write({put("Patient", "a")});
  ASSERT_TRUE(w2);
  EXPECT_FALSE((*w2)[0].created);
  EXPECT_EQ((*w2)[0].record.version, 2);
  auto r = store_->read("Patient", "a");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->version, 2);
  EXPECT_EQ(r->last_updated_ms, clock_.now_ms());
  EXPECT_NE(r->json.find("\"value\":1.50"), std::string::npos);
  auto v1 = store_->vread("Patient", "a", 1);
  ASSERT_TRUE(v1);
  EXPECT_NE(v1->json.find("\"versionId\":\"1\""), std::string::npos);
  EXPECT_EQ(store_->vread("Patient", "a", 3).error().code, StoreErrc::NotFound);
  EXPECT_EQ(store_->read("Patient", "b").error().code, StoreErrc::NotFound);
  EXPECT_TRUE(store_->ping());
}

TEST_P(ResourceStoreTest, LastUpdatedNeverGoesBackwards) {
  clock_.set_ms(5000);
  ASSERT_TRUE(store_->write({put("Patient", "a")}));
  clock_.set_ms(1000);
  auto w = store_->write({put("Patient", "a")});
  ASSERT_TRUE(w);
  EXPECT_EQ((*w)[0].record.last_updated_ms, 5000);
}

TEST_P(ResourceStoreTest, DeleteMakesGoneAndHistoryShowsAll) {
  ASSERT_TRUE(store_->write({put("Patient", "a")}));
  ASSERT_TRUE(store_->write({del("Patient", "a")}));
  EXPECT_EQ(store_->read("Patient", "a").error().code, StoreErrc::Gone);
  EXPECT_EQ(store_->vread("Patient", "a", 2).error().code, StoreErrc::Gone);
  auto h = store_->history({.type = "Patient", .id = std::string("a")});
  ASSERT_TRUE(h);
  ASSERT_EQ(h->resources.size(), 2u);
  EXPECT_TRUE(h->resources[0].deleted);
  EXPECT_TRUE(h->resources[0].json.empty());
  EXPECT_EQ(*h->total, 2);
  // Deleting again, or what never existed, changes nothing.
  auto again = store_->write({del("Patient", "a"), del("Patient", "never")});
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)[0].record.version, 2);
  EXPECT_EQ((*again)[1].record.version, 0);
  // A deleted resource can be created again.
  auto w = store_->write({put("Patient", "a")});
  ASSERT_TRUE(w);
  EXPECT_TRUE((*w)[0].created);
  EXPECT_EQ((*w)[0].record.version, 3);
}

TEST_P(ResourceStoreTest, HistoryOrdersPagesAndFilters) {
  for (int i = 0; i < 3; ++i) {
    clock_.advance_ms(10);
    ASSERT_TRUE(store_->write({put("Patient", "p" + std::to_string(i))}));
    clock_.advance_ms(10);
    ASSERT_TRUE(store_->write({put("Observation", "o" + std::to_string(i))}));
  }
  auto all = store_->history({.count = 4});
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_EQ(*all->total, 6);
  ASSERT_EQ(all->resources.size(), 4u);
  EXPECT_EQ(all->resources[0].id, "o2");
  EXPECT_EQ(all->resources[1].id, "p2");
  auto rest = store_->history({.count = 4, .offset = 4});
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->resources.size(), 2u);
  EXPECT_EQ(rest->resources[1].id, "p0");
  auto since =
      store_->history({.type = "Patient", .since_ms = (*all).resources[3].last_updated_ms});
  ASSERT_TRUE(since);
  EXPECT_EQ(*since->total, 2);
}

TEST_P(ResourceStoreTest, IfMatchConflictWritesNothing) {
  ASSERT_TRUE(store_->write({put("Patient", "a")}));
  auto w = store_->write({put("Patient", "a", {}, 7)});
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code, StoreErrc::VersionConflict);
  EXPECT_EQ(store_->read("Patient", "a")->version, 1);
  EXPECT_TRUE(store_->write({put("Patient", "a", {}, 1)}));
}

TEST_P(ResourceStoreTest, TransactionIsAtomic) {
  // The last op fails (must not exist yet, but the first op created it), so the ones before
  // roll back too: the creation, the update and its index rows, the deletion.
  IndexEntries ix;
  ix.tokens.push_back({"status", "", "final", ""});
  ASSERT_TRUE(store_->write({put("Patient", "existing"), put("Observation", "o", ix)}));
  IndexEntries amended;
  amended.tokens.push_back({"status", "", "amended", ""});
  auto w = store_->write({put("Patient", "new"), put("Observation", "o", amended),
                          del("Patient", "existing"), put("Patient", "new", {}, 0)});
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code, StoreErrc::VersionConflict);
  EXPECT_EQ(store_->read("Patient", "new").error().code, StoreErrc::NotFound);
  EXPECT_EQ(store_->read("Patient", "existing")->version, 1);
  EXPECT_EQ(store_->read("Observation", "o")->version, 1);
  Query q;
  q.resource_type = "Observation";
  Predicate p;
  p.param = "status";
  p.code = "final";
  q.all_of.push_back({{p}});
  EXPECT_EQ(ids(q), std::vector<std::string>{"o"});
  // The store is usable afterwards.
  EXPECT_TRUE(store_->write({put("Patient", "new")}));
}

TEST_P(ResourceStoreTest, SearchUsesIndexRowsAndPaging) {
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
  subj.type = store::ParamType::Reference;
  subj.target_type = "Patient";
  subj.target_id = "a";
  q.all_of.push_back({{subj}});
  auto page = store_->search(q);
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->resources.size(), 3u);
  EXPECT_EQ(*page->total, 3);

  Predicate code;
  code.param = "code";
  code.type = store::ParamType::Token;
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
  ge.type = store::ParamType::Date;
  ge.prefix = Prefix::Ge;
  ge.lo_ms = 2000;
  ge.hi_ms = 2999;
  d.all_of.push_back({{ge}});
  d.sort.push_back({"date", store::ParamType::Date, true});
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
  s.all_of.push_back({{string_pred("name", "ali")}});
  EXPECT_EQ(store_->search(s)->resources.size(), 4u);
  s.all_of = {{{string_pred("name", "Zoë", Modifier::Exact)}}};
  EXPECT_EQ(store_->search(s)->resources.size(), 1u);

  Query n;
  n.resource_type = "Observation";
  Predicate gt;
  gt.param = "value-quantity";
  gt.type = store::ParamType::Quantity;
  gt.prefix = Prefix::Gt;
  gt.number = 25;
  gt.code = "mg";
  n.all_of.push_back({{gt}});
  EXPECT_EQ(store_->search(n)->resources.size(), 2u);

  Query m;
  m.resource_type = "Observation";
  Predicate missing;
  missing.param = "value-quantity";
  missing.type = store::ParamType::Quantity;
  missing.modifier = Modifier::Missing;
  missing.missing = true;
  m.all_of.push_back({{missing}});
  EXPECT_EQ(store_->search(m)->resources.size(), 0u);

  Query c;
  c.resource_type = "Observation";
  c.count_only = true;
  page = store_->search(c);
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->resources.empty());
  EXPECT_EQ(*page->total, 5);
  c.count_only = false;
  c.total = TotalMode::None;
  page = store_->search(c);
  ASSERT_TRUE(page);
  EXPECT_FALSE(page->total);
  EXPECT_EQ(page->resources.size(), 5u);

  // The total of every page shape: full (counted), partial first and last (known from the
  // page), empty past the end (counted again).
  c.total = TotalMode::Accurate;
  for (auto [count, offset, rows] : std::vector<std::tuple<std::size_t, std::size_t, std::size_t>>{
           {2, 0, 2}, {2, 4, 1}, {10, 0, 5}, {5, 0, 5}, {2, 5, 0}, {2, 9, 0}}) {
    c.count = count;
    c.offset = offset;
    page = store_->search(c);
    ASSERT_TRUE(page);
    EXPECT_EQ(page->resources.size(), rows) << count << "@" << offset;
    ASSERT_TRUE(page->total);
    EXPECT_EQ(*page->total, 5) << count << "@" << offset;
  }

  auto refs = store_->references("Observation", {"o0", "o4"}, "subject");
  ASSERT_TRUE(refs);
  EXPECT_EQ(refs->size(), 2u);
}

// The secondary indexes of the resource tables, as SQLite lists them (empty on PostgreSQL).
std::set<std::string> sqlite_indexes(const testing::TestDatabase& db) {
  std::set<std::string> names;
  if (db.backend() != "sqlite") return names;
  auto c = sqlite::Connection::open((db.dir() / "t.db").string(), /*read_only=*/true);
  EXPECT_TRUE(c);
  if (!c) return names;
  auto st = (*c)->prepare(
      "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN "
      "('resources', 'resource_versions', 'idx_string', 'idx_token', 'idx_ref', 'idx_date', "
      "'idx_number', 'idx_uri')");
  EXPECT_TRUE(st);
  while (st && (*st)->step() == SQLITE_ROW) names.insert((*st)->text(0));
  return names;
}

IndexEntries subject_rows(std::string patient) {
  IndexEntries ix;
  ix.references.push_back({"subject", "Patient", std::move(patient), "Patient/x"});
  return ix;
}

TEST_P(ResourceStoreTest, BulkLoadSetsIndexesAsideAndRebuildsThem) {
  const auto indexes = sqlite_indexes(db_);
  auto begun = store_->begin_bulk_load();
  ASSERT_TRUE(begun) << begun.error().message;
  EXPECT_EQ(*begun, GetParam() == "sqlite");  // PostgreSQL loads with its indexes in place
  if (*begun) {
    EXPECT_GT(indexes.size(), 10u);
    EXPECT_TRUE(sqlite_indexes(db_).empty());
  }
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(store_->write(
        {put("Observation", "o" + std::to_string(i), subject_rows(i % 3 ? "a" : "b"))}));
  }
  // Searches are answered meanwhile, without the indexes.
  Predicate subj;
  subj.param = "subject";
  subj.type = store::ParamType::Reference;
  subj.target_type = "Patient";
  subj.target_id = "b";
  Query q;
  q.resource_type = "Observation";
  q.all_of.push_back({{subj}});
  EXPECT_EQ(ids(q).size(), 10u);
  ASSERT_TRUE(store_->end_bulk_load());
  EXPECT_EQ(sqlite_indexes(db_), indexes);
  EXPECT_EQ(ids(q).size(), 10u);
  ASSERT_TRUE(store_->write({put("Observation", "o0", subject_rows("a"))}));
  EXPECT_EQ(ids(q).size(), 9u);
}

TEST_P(ResourceStoreTest, ABulkLoadIsOnlyForAnEmptyStore) {
  ASSERT_TRUE(store_->write({put("Patient", "p1")}));
  const auto indexes = sqlite_indexes(db_);
  auto begun = store_->begin_bulk_load();
  ASSERT_TRUE(begun) << begun.error().message;
  EXPECT_FALSE(*begun);
  EXPECT_EQ(sqlite_indexes(db_), indexes);
}

TEST_P(ResourceStoreTest, OpeningAStoreRebuildsTheIndexesOfAnUnfinishedBulkLoad) {
  const auto indexes = sqlite_indexes(db_);
  auto begun = store_->begin_bulk_load();
  ASSERT_TRUE(begun) << begun.error().message;
  ASSERT_TRUE(store_->write({put("Observation", "o1", subject_rows("a"))}));
  store_.reset();  // the loader dies without end_bulk_load()
  store_ = open();
  ASSERT_TRUE(store_);
  EXPECT_EQ(sqlite_indexes(db_), indexes);
  EXPECT_TRUE(store_->read("Observation", "o1"));
  // Nothing is left set aside: a second open has nothing to rebuild, and a new bulk load into
  // this (non-empty) store does not start.
  auto again = store_->begin_bulk_load();
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
}

TEST_P(ResourceStoreTest, UpdateReplacesIndexRows) {
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
  p.type = store::ParamType::Token;
  p.code = "final";
  q.all_of.push_back({{p}});
  EXPECT_EQ(store_->search(q)->resources.size(), 0u);
  q.all_of[0].any_of[0].code = "amended";
  EXPECT_EQ(store_->search(q)->resources.size(), 1u);
  // A deletion removes them.
  ASSERT_TRUE(store_->write({del("Observation", "o")}));
  EXPECT_EQ(store_->search(q)->resources.size(), 0u);
}

// Dozens of index rows in one table go in batches; every one is searchable.
TEST_P(ResourceStoreTest, ManyIndexRowsAllSearchable) {
  IndexEntries ix;
  for (int i = 0; i < 45; ++i) ix.tokens.push_back({"code", "s", "c" + std::to_string(i), ""});
  for (int i = 0; i < 3; ++i) ix.dates.push_back({"date", i * 10L, i * 10L + 5});
  ASSERT_TRUE(store_->write({put("Observation", "many", ix), put("Observation", "none")}));
  for (int i = 0; i < 45; ++i) {
    Query q;
    q.resource_type = "Observation";
    Predicate p;
    p.param = "code";
    p.code = "c" + std::to_string(i);
    p.system = "s";
    q.all_of.push_back({{p}});
    ASSERT_EQ(ids(q), std::vector<std::string>{"many"}) << i;
  }
  Query q;
  q.resource_type = "Observation";
  Predicate p;
  p.param = "code";
  p.code = "c7";
  p.modifier = Modifier::Not;
  q.all_of.push_back({{p}});
  EXPECT_EQ(ids(q), std::vector<std::string>{"none"});
}

// Ids and string sort keys order by their bytes on both databases (SQLite's BINARY collation;
// COLLATE "C" in PostgreSQL, whatever the cluster's locale).
TEST_P(ResourceStoreTest, SortsByByteOrder) {
  const std::vector<std::string> names = {"b", "B", "a", "\xC3\xA9", "Z", "a-1", "a1"};
  for (const auto& id : names) {
    IndexEntries ix;
    ix.strings.push_back({"name", id, id});
    ASSERT_TRUE(store_->write({put("Patient", id, ix)}));
  }
  const std::vector<std::string> sorted = {"B", "Z", "a", "a-1", "a1", "b", "\xC3\xA9"};
  Query q;
  q.resource_type = "Patient";
  q.sort.push_back({"_id", store::ParamType::Token, false});
  EXPECT_EQ(ids(q), sorted);
  q.sort = {{"name", store::ParamType::String, true}};
  EXPECT_EQ(ids(q), std::vector<std::string>(sorted.rbegin(), sorted.rend()));
  // No sort: creation order.
  q.sort.clear();
  EXPECT_EQ(ids(q), names);
}

// Prefix, :contains and :exact on strings; :below, :above and :contains on URIs; non-ASCII text
// and LIKE's special characters taken literally.
TEST_P(ResourceStoreTest, StringAndUriMatching) {
  struct Doc {
    std::string id, norm, exact, uri;
  };
  const std::vector<Doc> docs = {
      {"1", "emile zola", "Émile Zola", "http://acme.org/fhir/ValueSet/a"},
      {"2", "\xC3\xA9mile", "\xC3\xA9mile", "http://acme.org/fhir"},
      {"3", "50% off_sale", "50% Off_Sale", "urn:oid:1.2.3"},
      {"4", "emilia", "Emilia", "HTTP://ACME.ORG/other"},
  };
  for (const auto& d : docs) {
    IndexEntries ix;
    ix.strings.push_back({"name", d.norm, d.exact});
    ix.uris.push_back({"url", d.uri});
    ASSERT_TRUE(store_->write({put("ValueSet", d.id, ix)}));
  }
  auto by = [&](Predicate p) {
    Query q;
    q.resource_type = "ValueSet";
    q.all_of.push_back({{std::move(p)}});
    return ids(q);
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(by(string_pred("name", "emil")), (V{"1", "4"}));
  EXPECT_EQ(by(string_pred("name", "\xC3\xA9mi")), (V{"2"}));
  EXPECT_EQ(by(string_pred("name", "")), (V{"1", "2", "3", "4"}));
  EXPECT_EQ(by(string_pred("name", "zola", Modifier::Contains)), (V{"1"}));
  EXPECT_EQ(by(string_pred("name", "ZOLA", Modifier::Contains)), (V{"1"}));
  EXPECT_EQ(by(string_pred("name", "0% off_", Modifier::Contains)), (V{"3"}));
  EXPECT_EQ(by(string_pred("name", "0%_off", Modifier::Contains)), V{});
  EXPECT_EQ(by(string_pred("name", "Émile Zola", Modifier::Exact)), (V{"1"}));
  EXPECT_EQ(by(string_pred("name", "émile zola", Modifier::Exact)), V{});

  Predicate u;
  u.param = "url";
  u.type = store::ParamType::Uri;
  u.text = "http://acme.org/fhir";
  EXPECT_EQ(by(u), (V{"2"}));
  u.modifier = Modifier::Below;
  EXPECT_EQ(by(u), (V{"1", "2"}));
  u.modifier = Modifier::Above;
  u.text = "http://acme.org/fhir/ValueSet/a/b";
  EXPECT_EQ(by(u), (V{"1", "2"}));
  u.modifier = Modifier::Contains;
  u.text = "acme.org";
  EXPECT_EQ(by(u), (V{"1", "2", "4"}));
}

TEST_P(ResourceStoreTest, NumbersKeepFullPrecision) {
  const double values[] = {0.1 + 0.2, 0.3, 1e-300, -2.5e300, 123456789.125};
  int i = 0;
  for (double v : values) {
    IndexEntries ix;
    ix.numbers.push_back({"value", v, "", ""});
    ASSERT_TRUE(store_->write({put("Observation", "n" + std::to_string(i++), ix)}));
  }
  auto count = [&](Prefix prefix, double number) {
    Query q;
    q.resource_type = "Observation";
    Predicate p;
    p.param = "value";
    p.type = store::ParamType::Number;
    p.prefix = prefix;
    p.number = number;
    q.all_of.push_back({{p}});
    return ids(q).size();
  };
  EXPECT_EQ(count(Prefix::Gt, 0.3), 2u);  // 0.30000000000000004 and 123456789.125
  EXPECT_EQ(count(Prefix::Ge, 0.3), 3u);
  EXPECT_EQ(count(Prefix::Gt, 0), 4u);
  EXPECT_EQ(count(Prefix::Lt, -1e300), 1u);
  EXPECT_EQ(count(Prefix::Le, 123456789.125), 5u);
}

TEST_P(ResourceStoreTest, ReferencesForManyIdsInOneQuery) {
  const std::vector<std::string> sources = {"a", "b\"q", "c\\d", "e,f", "{g}"};
  for (const auto& id : sources) {
    IndexEntries ix;
    ix.references.push_back({"subject", "Patient", "p-" + id, "Patient/p-" + id});
    ix.references.push_back({"performer", "Practitioner", "dr", "Practitioner/dr"});
    ix.references.push_back({"subject", "", "", "http://elsewhere/Patient/1"});
    ASSERT_TRUE(store_->write({put("Observation", id, ix)}));
  }
  auto refs = store_->references("Observation", sources, "subject");
  ASSERT_TRUE(refs) << refs.error().message;
  ASSERT_EQ(refs->size(), sources.size());
  std::set<std::string> seen;
  for (const auto& r : *refs) {
    EXPECT_EQ(r.target_type, "Patient");
    EXPECT_EQ(r.target_id, "p-" + r.source_id);
    seen.insert(r.source_id);
  }
  EXPECT_EQ(seen.size(), sources.size());
  EXPECT_TRUE(store_->references("Observation", {}, "subject")->empty());
  EXPECT_TRUE(store_->references("Observation", {"zzz"}, "subject")->empty());
}

TEST_P(ResourceStoreTest, TwoInstancesSeeEachOthersWrites) {
  auto other = open();
  ASSERT_TRUE(other);
  ASSERT_TRUE(store_->write({put("Patient", "a")}));
  auto r = other->read("Patient", "a");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->version, 1);
  ASSERT_TRUE(other->write({put("Patient", "a", {}, 1)}));
  EXPECT_EQ(store_->read("Patient", "a")->version, 2);
  EXPECT_FALSE(store_->write({put("Patient", "a", {}, 1)}));
}

// Many threads on two instances updating one resource: every update lands exactly once, with
// versions 1…N (the read-modify-write of the version is serialized).
TEST_P(ResourceStoreTest, ConcurrentUpdatesLoseNothing) {
  auto other = open();
  ASSERT_TRUE(other);
  constexpr int kThreads = 4, kEach = 10;
  std::atomic<int> ok{0}, busy{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ResourceStore& s = t % 2 ? *other : *store_;
      for (int i = 0; i < kEach; ++i) {
        auto w = s.write({put("Patient", "shared")});
        if (w) {
          ++ok;
        } else if (w.error().code == StoreErrc::Unavailable) {
          ++busy;
        } else {
          ADD_FAILURE() << w.error().message;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok + busy, kThreads * kEach);
  EXPECT_EQ(busy, 0);
  auto r = store_->read("Patient", "shared");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->version, ok.load());
  auto h = store_->history({.type = "Patient", .id = std::string("shared"), .count = 100});
  ASSERT_TRUE(h);
  EXPECT_EQ(*h->total, ok.load());
}

// Two instances creating the same new id at once: with If-None-Exist-like semantics (if_match 0)
// exactly one wins and the other gets VersionConflict; plain puts both succeed, one creating
// and one updating. Never two rows, never a crash.
TEST_P(ResourceStoreTest, ConcurrentCreatesOfOneId) {
  auto other = open();
  ASSERT_TRUE(other);
  for (int round = 0; round < 10; ++round) {
    for (bool create_only : {true, false}) {
      const std::string id = "c" + std::to_string(round) + (create_only ? "x" : "p");
      std::optional<std::int64_t> if_match;
      if (create_only) if_match = 0;
      StoreResult<std::vector<WriteResult>> a = fail(StoreError{StoreErrc::Internal, ""});
      StoreResult<std::vector<WriteResult>> b = a;
      std::thread ta([&] { a = store_->write({put("Patient", id, {}, if_match)}); });
      std::thread tb([&] { b = other->write({put("Patient", id, {}, if_match)}); });
      ta.join();
      tb.join();
      auto h = store_->history({.type = "Patient", .id = id});
      ASSERT_TRUE(h);
      if (create_only) {
        ASSERT_NE(static_cast<bool>(a), static_cast<bool>(b)) << id;
        const auto& lost = a ? b : a;
        EXPECT_TRUE(lost.error().code == StoreErrc::VersionConflict ||
                    lost.error().code == StoreErrc::Unavailable)
            << lost.error().message;
        EXPECT_EQ(*h->total, 1);
      } else {
        ASSERT_TRUE(a) << a.error().message;
        ASSERT_TRUE(b) << b.error().message;
        EXPECT_NE((*a)[0].created, (*b)[0].created);
        EXPECT_EQ((*a)[0].record.version + (*b)[0].record.version, 3);
        EXPECT_EQ(*h->total, 2);
      }
      Query q;
      q.resource_type = "Patient";
      Predicate p;
      p.param = "_id";
      p.code = id;
      q.all_of.push_back({{p}});
      EXPECT_EQ(ids(q).size(), 1u);
    }
  }
}

TEST_P(ResourceStoreTest, OptimizeAndDescribe) {
  ASSERT_TRUE(store_->write({put("Patient", "a")}));
  store_->optimize();
  EXPECT_TRUE(store_->read("Patient", "a"));
  const std::string d = store_->describe();
  EXPECT_TRUE(d.starts_with(GetParam() == "sqlite" ? "sqlite:" : "postgres")) << d;
}

INSTANTIATE_TEST_SUITE_P(Backends, ResourceStoreTest, ::testing::ValuesIn(testing::test_backends()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace ember::store
