#include "store/sqlite/shared.h"

#include "store/sqlite/migrations.h"

namespace ember::store::sqlite {

StoreResult<std::string> sqlite_path(const std::string& url) {
  std::string path = url;
  if (path.starts_with("sqlite:")) path = path.substr(7);
  if (path.find("://") != std::string::npos && !path.starts_with("file:")) {
    return fail(StoreError{StoreErrc::Invalid,
                           "unknown store URL scheme (expected sqlite:PATH or postgresql://…)"});
  }
  if (path.empty()) return fail(StoreError{StoreErrc::Invalid, "empty store URL"});
  return path;
}

StoreResult<std::unique_ptr<Connection>> open_writer(const std::string& path) {
  auto writer = Connection::open(path, /*read_only=*/false);
  if (!writer) return fail(writer.error());
  Connection& db = **writer;
  // journal_size_limit: a burst of writes (`ember seed`) can grow the WAL to the checkpointer's
  // inline bound (64 MiB); without a limit the file keeps that size until the last connection
  // closes. With it, the WAL is truncated to kWalSizeLimitBytes whenever it restarts.
  const std::string size_limit =
      "PRAGMA journal_size_limit = " + std::to_string(kWalSizeLimitBytes);
  for (const char* pragma :
       {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL", "PRAGMA foreign_keys = OFF",
        "PRAGMA temp_store = MEMORY", size_limit.c_str()}) {
    if (auto r = db.exec(pragma); !r) return fail(r.error());
  }
  if (auto v = migrate(db); !v) return fail(v.error());
  return std::move(*writer);
}

}  // namespace ember::store::sqlite
