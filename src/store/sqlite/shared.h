// What both SQLite stores (resources and auth) share: operation timing for /metrics, the
// store-URL forms they accept, and how a connection is set up (WAL, one writer, migrations).
#pragma once
#include <chrono>
#include <string>
#include <string_view>

#include "core/metrics.h"
#include "store/sqlite/connection.h"
#include "store/store.h"

namespace ember::store::sqlite {

// Times one store operation into the metrics registry.
class OpTimer {
 public:
  explicit OpTimer(std::string_view op) : op_(op), start_(std::chrono::steady_clock::now()) {}
  ~OpTimer() {
    std::chrono::duration<double> d = std::chrono::steady_clock::now() - start_;
    metrics::Registry::global().observe_store(op_, d.count());
  }

 private:
  std::string_view op_;
  std::chrono::steady_clock::time_point start_;
};

// "sqlite:PATH", a plain path or ":memory:" → the path; an error for other schemes.
StoreResult<std::string> sqlite_path(const std::string& url);
// The writer connection of a store: WAL, synchronous=NORMAL, migrated to the latest schema.
StoreResult<std::unique_ptr<Connection>> open_writer(const std::string& path);

}  // namespace ember::store::sqlite
