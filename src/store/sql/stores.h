// The store implementations written once over sql::Backend: the same SQL (the common subset of
// SQLite and PostgreSQL, dialect switches where they differ) and the same record mapping for both
// databases. open_store / open_auth_store (store.h, auth_store.h) pick the backend from the URL.
#pragma once
#include <memory>

#include "core/clock.h"
#include "store/auth_store.h"
#include "store/sql/db.h"
#include "store/store.h"

namespace ember::store::sql {

std::unique_ptr<AuthStore> make_auth_store(std::shared_ptr<Backend> backend);
std::unique_ptr<ResourceStore> make_resource_store(std::shared_ptr<Backend> backend,
                                                   const Clock& clock);

// Which backend a store URL names, and opens it (migrated to the latest schema):
//   "postgres://…", "postgresql://…" → PostgreSQL (the URL goes to libpq as is);
//   "sqlite:PATH", a plain path, ":memory:" → SQLite.
StoreResult<std::shared_ptr<Backend>> open_backend(const std::string& url);

}  // namespace ember::store::sql
