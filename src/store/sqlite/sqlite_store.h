// The resource store (store/sql/resource_store.cc) on a SQLite file opened directly by path,
// for tests and tools that want a private database without going through a store URL.
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
