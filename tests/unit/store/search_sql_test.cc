#include "store/sql/search_sql.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace ember::store::sql {
namespace {

Predicate ref(std::string param, std::string id) {
  Predicate p;
  p.param = std::move(param);
  p.type = store::ParamType::Reference;
  p.target_type = "Patient";
  p.target_id = std::move(id);
  return p;
}

Predicate token(std::string param, std::string code) {
  Predicate p;
  p.param = std::move(param);
  p.type = store::ParamType::Token;
  p.code = std::move(code);
  return p;
}

bool has(const std::string& sql, std::string_view part) {
  return sql.find(part) != std::string::npos;
}

// Every test builds the SQL of both dialects; the statements run on both databases in
// resource_store_test.cc.
class SearchSql : public ::testing::TestWithParam<Dialect> {
 protected:
  Dialect dialect() const { return GetParam(); }
  bool sqlite() const { return dialect() == Dialect::Sqlite; }
};

TEST_P(SearchSql, MostSelectiveClauseDrivesOthersProbe) {
  Query q;
  q.resource_type = "Observation";
  q.all_of.push_back({{token("category", "laboratory")}});
  q.all_of.push_back({{ref("patient", "alice")}});
  auto sql = build_search_sql(q, dialect());
  ASSERT_TRUE(sql);
  // The reference drives (rowid lookups); the category is probed per row. SQLite needs the
  // unary-plus hint to keep off the type index; PostgreSQL has no such syntax.
  EXPECT_EQ(has(sql->sql, "+r.type = ?"), sqlite()) << sql->sql;
  EXPECT_EQ(has(sql->sql, "+"), sqlite()) << sql->sql;
  EXPECT_TRUE(has(sql->sql, "r.pk IN (SELECT pk FROM idx_ref")) << sql->sql;
  EXPECT_TRUE(has(sql->sql, "EXISTS (SELECT 1 FROM idx_token x WHERE x.pk = r.pk"));
  EXPECT_TRUE(has(sql->sql, "LIMIT ? OFFSET ?"));
}

TEST_P(SearchSql, IdClauseKeepsTypeIndexAndNegationsNeverDrive) {
  Query q;
  q.resource_type = "Patient";
  Predicate id;
  id.param = "_id";
  id.code = "alice";
  q.all_of.push_back({{id}});
  auto sql = build_search_sql(q, dialect());
  ASSERT_TRUE(sql);
  EXPECT_FALSE(has(sql->sql, "+r.type"));
  EXPECT_TRUE(has(sql->sql, "r.id = ?"));

  Query n;
  n.resource_type = "Observation";
  Predicate no = token("status", "final");
  no.modifier = Modifier::Not;
  n.all_of.push_back({{no}});
  auto nsql = build_search_sql(n, dialect());
  ASSERT_TRUE(nsql);
  EXPECT_TRUE(has(nsql->sql, "NOT EXISTS"));
  EXPECT_FALSE(has(nsql->sql, "+r.type"));
}

TEST_P(SearchSql, BindsMatchPlaceholders) {
  Query q;
  q.resource_type = "Observation";
  q.all_of.push_back({{ref("patient", "a"), ref("patient", "b")}});
  Predicate d;
  d.param = "date";
  d.type = store::ParamType::Date;
  d.prefix = Prefix::Ge;
  q.all_of.push_back({{d}});
  Predicate s;
  s.param = "name";
  s.type = store::ParamType::String;
  s.modifier = Modifier::Contains;
  s.text = "a?b";
  q.all_of.push_back({{s}});
  q.sort.push_back({"date", store::ParamType::Date, true});
  for (auto build : {build_search_sql, build_count_sql}) {
    auto sql = build(q, dialect());
    ASSERT_TRUE(sql);
    auto placeholders = std::count(sql->sql.begin(), sql->sql.end(), '?');
    EXPECT_EQ(static_cast<std::size_t>(placeholders), sql->binds.size()) << sql->sql;
  }
}

// LIKE: SQLite's ignores ASCII case; PostgreSQL's ILIKE does the same under COLLATE "C".
TEST_P(SearchSql, ContainsUsesTheDialectsCaseInsensitiveLike) {
  Query q;
  q.resource_type = "Patient";
  Predicate s;
  s.param = "name";
  s.type = store::ParamType::String;
  s.modifier = Modifier::Contains;
  s.text = "50%_";
  q.all_of.push_back({{s}});
  auto sql = build_search_sql(q, dialect());
  ASSERT_TRUE(sql);
  EXPECT_TRUE(has(sql->sql, sqlite() ? "norm LIKE ? ESCAPE '\\'" : "norm ILIKE ? ESCAPE '\\'"))
      << sql->sql;
  EXPECT_NE(std::find(sql->binds.begin(), sql->binds.end(), Value(std::string("%50\\%\\_%"))),
            sql->binds.end());
}

// A prefix search is a range on the index: [p, upper) where upper is above every string
// starting with p in byte order, and valid text for the database.
TEST_P(SearchSql, PrefixUpperBound) {
  const std::string upper = prefix_upper("abc", dialect());
  EXPECT_TRUE(upper.starts_with("abc"));
  EXPECT_GT(upper, std::string("abc\xF4\x8F\xBF\xBE"));
  EXPECT_GT(upper, std::string("abc\xEF\xBF\xBF"));
  EXPECT_LT(upper, std::string("abd"));
  if (!sqlite()) {
    EXPECT_EQ(upper, "abc\xF4\x8F\xBF\xBF");  // U+10FFFF: valid UTF-8
  }
}

TEST_P(SearchSql, SortKeysAndDefaultOrder) {
  Query q;
  q.resource_type = "Patient";
  q.sort.push_back({"name", store::ParamType::String, false});
  q.sort.push_back({"_lastUpdated", store::ParamType::Date, true});
  auto sql = build_search_sql(q, dialect());
  ASSERT_TRUE(sql);
  EXPECT_TRUE(has(sql->sql,
                  "ORDER BY (SELECT MIN(norm) FROM idx_string x WHERE x.pk = r.pk AND "
                  "x.param = ?) IS NULL"))
      << sql->sql;
  EXPECT_TRUE(has(sql->sql, "r.last_updated DESC, r.pk ASC LIMIT"));
  q.sort = {{"code", store::ParamType::Composite, false}};
  EXPECT_EQ(build_search_sql(q, dialect()).error().code, StoreErrc::Invalid);
}

TEST_P(SearchSql, UnsearchableTypeIsAnError) {
  Query q;
  q.resource_type = "Observation";
  Predicate c;
  c.param = "code-value-quantity";
  c.type = store::ParamType::Composite;
  q.all_of.push_back({{c}});
  auto sql = build_search_sql(q, dialect());
  ASSERT_FALSE(sql);
  EXPECT_EQ(sql.error().code, StoreErrc::Invalid);
}

INSTANTIATE_TEST_SUITE_P(Dialects, SearchSql, ::testing::Values(Dialect::Sqlite, Dialect::Postgres),
                         [](const auto& info) {
                           return info.param == Dialect::Sqlite ? "sqlite" : "postgres";
                         });

}  // namespace
}  // namespace ember::store::sql
