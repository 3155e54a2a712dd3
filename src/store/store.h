// The storage interface. The FHIR and auth code see only this; SQLite (store/sqlite/) is the
// default implementation and PostgreSQL can be added beside it without touching them.
// A resource is kept as the exact JSON text that the FHIR layer rendered (so decimals keep their
// precision); the store never edits it.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/index_entries.h"
#include "store/query.h"

namespace ember::store {

enum class StoreErrc {
  NotFound,         // no such resource / version
  Gone,             // the current version is a deletion
  VersionConflict,  // If-Match version is not the current one
  Invalid,          // the request cannot be executed (e.g. unknown sort parameter)
  Unavailable,      // the database cannot be reached or is busy beyond the timeout
  Internal,
};

struct StoreError {
  StoreErrc code;
  std::string message;  // for logs; never shown verbatim to clients for Internal
};

template <class T>
using StoreResult = Result<T, StoreError>;

struct ResourceRecord {
  std::string type;
  std::string id;
  std::int64_t version = 0;
  std::int64_t last_updated_ms = 0;
  bool deleted = false;
  std::string json;  // empty for deletions
};

// What the server stamps on a version; the render callback turns it into the final JSON text.
struct Stamp {
  std::int64_t version = 0;
  std::int64_t last_updated_ms = 0;
};

struct WriteOp {
  enum class Kind { Put, Delete };
  Kind kind = Kind::Put;
  std::string type;
  std::string id;
  // If set, the write fails with VersionConflict unless the current version equals it
  // (0 = the resource must not exist yet).
  std::optional<std::int64_t> if_match;
  // Put only: the final JSON for the stamp the store assigns (version = current + 1).
  std::function<std::string(const Stamp&)> render;
  IndexEntries index;  // Put only
};

struct WriteResult {
  ResourceRecord record;
  bool created = false;  // Put on a resource that had no current (non-deleted) version
};

struct SearchPage {
  std::vector<ResourceRecord> resources;
  std::optional<std::int64_t> total;  // when the query asked for it
};

struct ReferenceTarget {
  std::string source_id;
  std::string target_type;
  std::string target_id;
};

struct HistoryQuery {
  std::string type;               // "" = whole system
  std::optional<std::string> id;  // instance history
  std::optional<std::int64_t> since_ms;
  std::size_t count = 20;
  std::size_t offset = 0;
};

class ResourceStore {
 public:
  virtual ~ResourceStore() = default;

  virtual StoreResult<ResourceRecord> read(const std::string& type, const std::string& id) = 0;
  virtual StoreResult<ResourceRecord> vread(const std::string& type, const std::string& id,
                                            std::int64_t version) = 0;
  virtual StoreResult<SearchPage> history(const HistoryQuery& q) = 0;
  virtual StoreResult<SearchPage> search(const Query& q) = 0;
  // References held in `param` of the given resources (for _include).
  virtual StoreResult<std::vector<ReferenceTarget>> references(const std::string& type,
                                                               const std::vector<std::string>& ids,
                                                               const std::string& param) = 0;
  // Applies every op or none (one transaction). Results are in op order.
  virtual StoreResult<std::vector<WriteResult>> write(std::vector<WriteOp> ops) = 0;
  // Refreshes the query planner's statistics (after bulk loads such as seeding).
  virtual void optimize() = 0;
  // Bulk loading (`ember seed`). Into a store without resources, begin_bulk_load() sets the
  // secondary indexes of the resource tables aside (SQLite; true when it did), so the rows go in
  // without a B-tree insert per index, and end_bulk_load() rebuilds each index in one sorted pass
  // and refreshes the planner's statistics. Reads stay correct meanwhile, only slower. Opening a
  // store whose indexes are set aside (a bulk load killed midway) rebuilds them first.
  virtual StoreResult<bool> begin_bulk_load() { return false; }
  virtual StoreResult<void> end_bulk_load() { return {}; }
  // Liveness of the database (for /healthz).
  virtual bool ping() = 0;
  virtual std::string describe() const = 0;  // e.g. "sqlite:var/ember.db"
};

struct StoreOptions {
  std::string url;               // "sqlite:PATH", a plain path, or ":memory:" (tests)
  const Clock* clock = nullptr;  // stamps lastUpdated; the system clock when null
};

// Opens (and migrates) the store named by the URL.
StoreResult<std::unique_ptr<ResourceStore>> open_store(const StoreOptions& options);

}  // namespace ember::store
