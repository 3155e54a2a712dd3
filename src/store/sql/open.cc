// Store URLs → backends, and the public entry points open_store / open_auth_store.
#include <map>
#include <mutex>

#include "store/postgres/backend.h"
#include "store/sql/stores.h"
#include "store/sqlite/backend.h"
#include "store/sqlite/shared.h"

namespace ember::store {

namespace sql {

namespace {
bool is_postgres_url(const std::string& url) {
  return url.starts_with("postgres://") || url.starts_with("postgresql://");
}
}  // namespace

StoreResult<std::shared_ptr<Backend>> open_backend(const std::string& url) {
  if (is_postgres_url(url)) return postgres::open_backend(url);
  auto path = sqlite::sqlite_path(url);
  if (!path) return fail(path.error());
  return sqlite::open_backend(*path);
}

}  // namespace sql

namespace {
// One backend per database in a process: the resource store and the auth store of one server
// share it. On SQLite that means one writer connection, so the audit writer, token grants and
// resource writes queue on a mutex instead of on the database file's lock (where SQLite's busy
// handler sleeps in millisecond steps); on PostgreSQL, one pool. ":memory:" databases are private
// to each open, as before.
StoreResult<std::shared_ptr<sql::Backend>> shared_backend(const std::string& url) {
  const bool memory = url == ":memory:" || url == "sqlite::memory:";
  if (memory) return sql::open_backend(url);
  static std::mutex mu;
  static std::map<std::string, std::weak_ptr<sql::Backend>> open;
  std::lock_guard lock(mu);
  if (auto it = open.find(url); it != open.end()) {
    if (auto alive = it->second.lock()) return alive;
  }
  auto backend = sql::open_backend(url);
  if (!backend) return fail(backend.error());
  open[url] = *backend;
  return std::move(*backend);
}
}  // namespace

StoreResult<std::unique_ptr<ResourceStore>> open_store(const StoreOptions& options) {
  auto backend = shared_backend(options.url);
  if (!backend) return fail(backend.error());
  static const SystemClock system_clock;
  return sql::make_resource_store(std::move(*backend),
                                  options.clock ? *options.clock : system_clock);
}

StoreResult<std::unique_ptr<AuthStore>> open_auth_store(const StoreOptions& options) {
  auto backend = shared_backend(options.url);
  if (!backend) return fail(backend.error());
  return sql::make_auth_store(std::move(*backend));
}

}  // namespace ember::store
