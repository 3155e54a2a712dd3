// SQLite set-up shared by its backend and tools: the store-URL forms it accepts, and how the
// writer connection is opened (WAL, synchronous=NORMAL, migrations).
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "store/op_timer.h"
#include "store/sqlite/connection.h"
#include "store/store.h"

namespace ember::store::sqlite {

using store::OpTimer;

// "sqlite:PATH", a plain path or ":memory:" → the path; an error for other schemes.
StoreResult<std::string> sqlite_path(const std::string& url);
// What the WAL file is truncated to when it restarts after a checkpoint: 4× the size at which the
// checkpoint thread is asked (1,000 pages), so a steady load reuses the file as it is.
inline constexpr std::int64_t kWalSizeLimitBytes = 16 * 1024 * 1024;
// The writer connection of a store: WAL, synchronous=NORMAL, journal_size_limit, migrated to
// the latest schema.
StoreResult<std::unique_ptr<Connection>> open_writer(const std::string& path);

}  // namespace ember::store::sqlite
