// Store URLs → backends, and the public entry points open_store / open_auth_store.
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

StoreResult<std::unique_ptr<ResourceStore>> open_store(const StoreOptions& options) {
  auto backend = sql::open_backend(options.url);
  if (!backend) return fail(backend.error());
  static const SystemClock system_clock;
  return sql::make_resource_store(std::move(*backend),
                                  options.clock ? *options.clock : system_clock);
}

StoreResult<std::unique_ptr<AuthStore>> open_auth_store(const StoreOptions& options) {
  auto backend = sql::open_backend(options.url);
  if (!backend) return fail(backend.error());
  return sql::make_auth_store(std::move(*backend));
}

}  // namespace ember::store
