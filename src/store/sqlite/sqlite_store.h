// The SQLite implementation of ResourceStore: WAL journal, one writer connection (writes are
// serialized by a mutex, and across processes by SQLite's lock with a busy timeout), one
// read-only connection per thread, prepared statements cached per connection.
#pragma once
#include <memory>
#include <string>

#include "core/clock.h"
#include "store/store.h"

namespace ember::store::sqlite {

// path: a file path, or ":memory:" (a private in-memory database: all work on one connection).
StoreResult<std::unique_ptr<ResourceStore>> open_sqlite_store(const std::string& path,
                                                             const Clock& clock);

}  // namespace ember::store::sqlite
