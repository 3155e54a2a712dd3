// sql::Backend on PostgreSQL (libpq): a small pool of connections, each with its prepared
// statements; transactions are BEGIN … COMMIT on one pooled connection (READ COMMITTED: the
// shared store code makes every read-modify-write a conditional UPDATE, which is atomic there).
// Unreachable or broken connections are replaced; errors map to StoreErrc::Unavailable.
#pragma once
#include <memory>
#include <string>

#include "store/sql/db.h"

namespace ember::store::postgres {

struct PoolOptions {
  std::size_t size = 8;            // connections kept open at most
  int acquire_timeout_ms = 5000;   // waiting for a free connection beyond this → Unavailable
};

// url: a libpq connection URI ("postgresql://user@host:port/db?…", or with a Unix socket:
// "postgresql:///db?host=/run/postgresql"). Connects, migrates the schema (the same versions as
// SQLite, PostgreSQL DDL), and keeps the pool.
StoreResult<std::shared_ptr<sql::Backend>> open_backend(const std::string& url,
                                                        PoolOptions options = {});

// The URL without its password, for logs and describe().
std::string redact_url(const std::string& url);

}  // namespace ember::store::postgres
