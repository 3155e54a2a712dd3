#include "store/sqlite/search_sql.h"

#include <gtest/gtest.h>

namespace ember::store::sqlite {
namespace {

Predicate ref(std::string param, std::string id) {
  Predicate p;
  p.param = std::move(param);
  p.type = ParamType::Reference;
  p.target_type = "Patient";
  p.target_id = std::move(id);
  return p;
}

Predicate token(std::string param, std::string code) {
  Predicate p;
  p.param = std::move(param);
  p.type = ParamType::Token;
  p.code = std::move(code);
  return p;
}

TEST(SearchSql, MostSelectiveClauseDrivesOthersProbe) {
  Query q;
  q.resource_type = "Observation";
  q.all_of.push_back({{token("category", "laboratory")}});
  q.all_of.push_back({{ref("patient", "alice")}});
  auto sql = build_search_sql(q);
  ASSERT_TRUE(sql);
  // The reference drives (rowid lookups); the category is probed per row.
  EXPECT_NE(sql->sql.find("+r.type = ?"), std::string::npos);
  EXPECT_NE(sql->sql.find("r.pk IN (SELECT pk FROM idx_ref"), std::string::npos) << sql->sql;
  EXPECT_NE(sql->sql.find("EXISTS (SELECT 1 FROM idx_token x WHERE x.pk = r.pk"),
            std::string::npos);
  EXPECT_NE(sql->sql.find("LIMIT ? OFFSET ?"), std::string::npos);
}

TEST(SearchSql, IdClauseKeepsTypeIndexAndNegationsNeverDrive) {
  Query q;
  q.resource_type = "Patient";
  Predicate id;
  id.param = "_id";
  id.code = "alice";
  q.all_of.push_back({{id}});
  auto sql = build_search_sql(q);
  ASSERT_TRUE(sql);
  EXPECT_EQ(sql->sql.find("+r.type"), std::string::npos);
  EXPECT_NE(sql->sql.find("r.id = ?"), std::string::npos);

  Query n;
  n.resource_type = "Observation";
  Predicate no = token("status", "final");
  no.modifier = Modifier::Not;
  n.all_of.push_back({{no}});
  auto nsql = build_search_sql(n);
  ASSERT_TRUE(nsql);
  EXPECT_NE(nsql->sql.find("NOT EXISTS"), std::string::npos);
  EXPECT_EQ(nsql->sql.find("+r.type"), std::string::npos);
}

TEST(SearchSql, BindsMatchPlaceholders) {
  Query q;
  q.resource_type = "Observation";
  q.all_of.push_back({{ref("patient", "a"), ref("patient", "b")}});
  Predicate d;
  d.param = "date";
  d.type = ParamType::Date;
  d.prefix = Prefix::Ge;
  q.all_of.push_back({{d}});
  q.sort.push_back({"date", ParamType::Date, true});
  for (auto build : {build_search_sql, build_count_sql}) {
    auto sql = build(q);
    ASSERT_TRUE(sql);
    auto placeholders = std::count(sql->sql.begin(), sql->sql.end(), '?');
    EXPECT_EQ(static_cast<std::size_t>(placeholders), sql->binds.size()) << sql->sql;
  }
}

TEST(SearchSql, UnsearchableTypeIsAnError) {
  Query q;
  q.resource_type = "Observation";
  Predicate c;
  c.param = "code-value-quantity";
  c.type = ParamType::Composite;
  q.all_of.push_back({{c}});
  auto sql = build_search_sql(q);
  ASSERT_FALSE(sql);
  EXPECT_EQ(sql.error().code, StoreErrc::Invalid);
}

}  // namespace
}  // namespace ember::store::sqlite
