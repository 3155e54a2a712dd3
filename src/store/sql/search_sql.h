// Translates a store::Query into SQL over the index tables (pure: no connection needed), so the
// translation is unit-testable. The likeliest-selective clause drives the query as
// `r.pk IN (subquery)` on a (type, param, value) index; every other predicate is a correlated
// [NOT] EXISTS probe on the (pk, param) index, so no large set is ever materialized. The SQL is
// the same for SQLite and PostgreSQL but for the few places where the dialects differ.
#pragma once
#include <string>
#include <vector>

#include "store/query.h"
#include "store/sql/db.h"

namespace ember::store::sql {

struct SqlQuery {
  std::string sql;
  std::vector<Value> binds;
};

// SELECT r.pk, r.id, r.version, r.last_updated, v.json ... one page, in order.
StoreResult<SqlQuery> build_search_sql(const Query& q, Dialect dialect);
// SELECT COUNT(*) with the same conditions.
StoreResult<SqlQuery> build_count_sql(const Query& q, Dialect dialect);

// The index table holding rows of a parameter type ("" for types without rows).
std::string_view index_table(ParamType type);

// The exclusive upper bound of the strings starting with p, in byte order (what "C" and SQLite's
// BINARY collation compare by), so a prefix search is a range scan on an index.
std::string prefix_upper(const std::string& p, Dialect dialect);

}  // namespace ember::store::sql
