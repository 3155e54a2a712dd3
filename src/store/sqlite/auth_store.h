// The SQLite implementation of AuthStore, on the same database file as the resource store (it
// runs the same migrations, so either may be opened first). WAL journal; one writer connection
// behind a mutex (BEGIN IMMEDIATE for the read-modify-write operations, so consume_code and
// rotate_refresh are atomic across Ember instances too); reads on one read-only connection per
// thread, so the per-request revocation check never queues behind a writer.
#pragma once
#include <memory>
#include <string>

#include "store/auth_store.h"

namespace ember::store::sqlite {

// path: a file path, or ":memory:" (a private in-memory database: all work on one connection).
// Deletes are idempotent: deleting a missing row succeeds.
StoreResult<std::unique_ptr<AuthStore>> open_sqlite_auth_store(const std::string& path);

}  // namespace ember::store::sqlite
