// SQLite set-up shared by its backend and tools: the store-URL forms it accepts, and how the
// writer connection is opened (WAL, synchronous=NORMAL, migrations).
#pragma once
#include <chrono>
#include <string>
#include <string_view>

#include "store/op_timer.h"
#include "store/sqlite/connection.h"
#include "store/store.h"

namespace ember::store::sqlite {

using store::OpTimer;

// "sqlite:PATH", a plain path or ":memory:" → the path; an error for other schemes.
StoreResult<std::string> sqlite_path(const std::string& url);
// The writer connection of a store: WAL, synchronous=NORMAL, migrated to the latest schema.
StoreResult<std::unique_ptr<Connection>> open_writer(const std::string& path);

}  // namespace ember::store::sqlite
