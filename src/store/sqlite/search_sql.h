// Translates a store::Query into SQL over the index tables (pure: no connection needed), so the
// translation is unit-testable. The likeliest-selective clause drives the query as
// `r.pk IN (subquery)` on a (type, param, value) index; every other predicate is a correlated
// [NOT] EXISTS probe on the (pk, param) index, so no large set is ever materialized.
#pragma once
#include <string>
#include <vector>

#include "store/query.h"
#include "store/sqlite/connection.h"

namespace ember::store::sqlite {

struct SqlQuery {
  std::string sql;
  std::vector<Value> binds;
};

// SELECT r.pk, r.id, r.version, r.last_updated, v.json ... one page, in order.
StoreResult<SqlQuery> build_search_sql(const Query& q);
// SELECT COUNT(*) with the same conditions.
StoreResult<SqlQuery> build_count_sql(const Query& q);

// The index table holding rows of a parameter type ("" for types without rows).
std::string_view index_table(ParamType type);

}  // namespace ember::store::sqlite
