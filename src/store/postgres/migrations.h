// Versioned schema migrations for PostgreSQL: the same versions, tables, columns and index names
// as store/sqlite/migrations.cc, in PostgreSQL DDL. Each runs once, in order, in a transaction,
// under an advisory lock (so instances starting together do not race), and is recorded in
// schema_migrations; a database newer than this binary is refused.
#pragma once
#include <span>
#include <string_view>

#include "store/sql/migration.h"
#include "store/postgres/connection.h"

namespace ember::store::postgres {

using sql::Migration;

std::span<const Migration> migrations();
// Brings the schema named by the connection's search_path to the latest version; returns the
// version it is at afterwards.
StoreResult<int> migrate(Connection& db);

}  // namespace ember::store::postgres
