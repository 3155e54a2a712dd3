#include "store/sqlite/connection.h"

namespace ember::store::sqlite {

namespace {
// Writers wait this long for the write lock before the store reports Unavailable.
constexpr int kBusyTimeoutMs = 5000;
}  // namespace

void Statement::bind_all(const std::vector<Value>& values) {
  int i = 1;
  for (const auto& v : values) {
    std::visit(
        [&](const auto& x) {
          using T = std::decay_t<decltype(x)>;
          if constexpr (std::is_same_v<T, std::nullptr_t>) {
            bind_null(i);
          } else if constexpr (std::is_same_v<T, std::string>) {
            bind(i, std::string_view(x));
          } else {
            bind(i, x);
          }
        },
        v);
    ++i;
  }
}

StoreResult<std::unique_ptr<Connection>> Connection::open(const std::string& path,
                                                          bool read_only) {
  sqlite3* db = nullptr;
  int flags = (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
              SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    if (db) sqlite3_close(db);
    return fail(StoreError{StoreErrc::Unavailable, "cannot open " + path + ": " + msg});
  }
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  sqlite3_extended_result_codes(db, 1);
  return std::unique_ptr<Connection>(new Connection(db));
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

StoreError Connection::error(std::string_view what) const {
  int rc = sqlite3_errcode(db_);
  StoreErrc code = (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) ? StoreErrc::Unavailable
                                                                : StoreErrc::Internal;
  return StoreError{code, std::string(what) + ": " + sqlite3_errmsg(db_)};
}

StoreResult<std::unique_ptr<Statement>> Connection::prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    if (cache_.size() >= kMaxCachedStatements) {
      for (auto& [s, stmt] : cache_) sqlite3_finalize(stmt);
      cache_.clear();
    }
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
      return fail(error("prepare"));
    }
    it = cache_.emplace(sql, stmt).first;
  }
  return std::make_unique<Statement>(it->second);
}

StoreResult<void> Connection::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown";
    sqlite3_free(err);
    return fail(StoreError{StoreErrc::Internal, "exec: " + msg});
  }
  return {};
}

}  // namespace ember::store::sqlite
