// sql::Backend on SQLite: WAL journal, one writer connection behind a mutex (transactions are
// BEGIN IMMEDIATE, so a read-modify-write never interleaves with another process's), and one
// read-only connection per thread, so reads never queue behind the writer; WAL checkpoints run
// on a thread of their own (checkpointer.h), not inside the writer's commits. ":memory:" runs
// everything on the writer.
#pragma once
#include <memory>
#include <string>

#include "store/sql/db.h"

namespace ember::store::sqlite {

// path: a file path or ":memory:". Opens the writer and migrates the schema.
StoreResult<std::shared_ptr<sql::Backend>> open_backend(const std::string& path);

}  // namespace ember::store::sqlite
