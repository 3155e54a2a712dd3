// Versioned schema migrations for the SQLite store. Each migration runs once, in order, inside a
// transaction, and is recorded in schema_migrations; a database newer than this binary is refused.
#pragma once
#include <span>
#include <string_view>

#include "store/sql/migration.h"
#include "store/sqlite/connection.h"

namespace ember::store::sqlite {

using sql::Migration;

std::span<const Migration> migrations();
// Brings the database to the latest version; returns the version it is at afterwards.
StoreResult<int> migrate(Connection& db);

}  // namespace ember::store::sqlite
