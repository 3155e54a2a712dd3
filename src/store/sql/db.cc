#include "store/sql/db.h"

namespace ember::store::sql {

StoreResult<std::int64_t> query_int(Db& db, const std::string& sql, const std::vector<Value>& binds,
                                    std::string_view what) {
  std::int64_t out = 0;
  auto r = db.query(sql, binds, what, [&](const Row& row) {
    out = row.int64(0);
    return false;
  });
  if (!r) return fail(r.error());
  return out;
}

}  // namespace ember::store::sql
