#include "store/sqlite/sqlite_store.h"

#include "store/sql/stores.h"
#include "store/sqlite/backend.h"

namespace ember::store::sqlite {

StoreResult<std::unique_ptr<ResourceStore>> open_sqlite_store(const std::string& path,
                                                              const Clock& clock) {
  auto backend = open_backend(path);
  if (!backend) return fail(backend.error());
  return sql::make_resource_store(std::move(*backend), clock);
}

}  // namespace ember::store::sqlite
