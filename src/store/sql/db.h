// The backend-neutral SQL session the shared store logic runs on (store/sql/auth_store.cc, the
// resource store): SQLite (store/sqlite/) and PostgreSQL (store/postgres/) implement it. SQL text
// is written once with `?` placeholders in the common subset of both dialects; a backend rewrites
// the placeholders if it must (PostgreSQL: $1, $2, …). Where the dialects differ, code asks
// dialect().
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "store/store.h"

namespace ember::store::sql {

using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string>;

enum class Dialect { Sqlite, Postgres };

// One result row. Columns are 0-based. Integers and reals come back as numbers in both backends
// (PostgreSQL sends text, parsed here); booleans are stored as 0/1 integers everywhere.
class Row {
 public:
  virtual std::int64_t int64(int col) const = 0;
  virtual double real(int col) const = 0;
  virtual std::string text(int col) const = 0;
  virtual bool is_null(int col) const = 0;

 protected:
  ~Row() = default;
};

class Db {
 public:
  virtual ~Db() = default;
  // Runs a statement that returns no rows; answers how many rows it inserted, updated or deleted.
  virtual StoreResult<std::int64_t> exec(const std::string& sql, const std::vector<Value>& binds,
                                         std::string_view what) = 0;
  // Runs a query and calls on_row for each row, in order, until it returns false.
  virtual StoreResult<void> query(const std::string& sql, const std::vector<Value>& binds,
                                  std::string_view what,
                                  const std::function<bool(const Row&)>& on_row) = 0;
  virtual Dialect dialect() const = 0;
};

// How a store reaches its database. read: any consistent snapshot is fine. write: one or more
// statements, each committed on its own. transaction: all statements or none, and the
// conditional writes inside (UPDATE … WHERE used = 0) are atomic against every other instance.
class Backend {
 public:
  using Work = std::function<StoreResult<void>(Db&)>;
  virtual ~Backend() = default;
  virtual StoreResult<void> read(const Work& fn) = 0;
  virtual StoreResult<void> write(const Work& fn) = 0;
  virtual StoreResult<void> transaction(const Work& fn) = 0;
  virtual Dialect dialect() const = 0;
  virtual std::string describe() const = 0;  // "sqlite:PATH", "postgresql://host/db" (no password)
};

// The record a row reader produces (Read: const Row& -> StoreResult<T>).
template <class Read>
using RowOf = typename std::invoke_result_t<Read, const Row&>::value_type;

// The first row of a query read by `read`, or nullopt when there is none.
template <class Read>
StoreResult<std::optional<RowOf<Read>>> query_one(Db& db, const std::string& sql,
                                                  const std::vector<Value>& binds,
                                                  std::string_view what, Read read) {
  std::optional<StoreResult<RowOf<Read>>> row;
  auto r = db.query(sql, binds, what, [&](const Row& r) {
    row.emplace(read(r));
    return false;
  });
  if (!r) return fail(r.error());
  if (!row) return std::nullopt;
  if (!*row) return fail(row->error());
  return std::move(**row);
}

// Every row of a query, read by `read`; the first failing read fails the whole query.
template <class Read>
StoreResult<std::vector<RowOf<Read>>> query_all(Db& db, const std::string& sql,
                                                const std::vector<Value>& binds,
                                                std::string_view what, Read read) {
  std::vector<RowOf<Read>> out;
  std::optional<StoreError> bad;
  auto r = db.query(sql, binds, what, [&](const Row& row) {
    auto v = read(row);
    if (!v) {
      bad = v.error();
      return false;
    }
    out.push_back(std::move(*v));
    return true;
  });
  if (!r) return fail(r.error());
  if (bad) return fail(*bad);
  return out;
}

// A single integer (COUNT(*), a flag): 0 when the query returns no row.
StoreResult<std::int64_t> query_int(Db& db, const std::string& sql, const std::vector<Value>& binds,
                                    std::string_view what);

// Runs fn (Db& -> StoreResult<T>) as one unit of work of `run` (&Backend::read or
// &Backend::transaction) and returns what it produced.
template <class T, class Fn>
StoreResult<T> value_of(Backend& backend, StoreResult<void> (Backend::*run)(const Backend::Work&),
                        Fn fn) {
  std::optional<T> out;
  auto r = (backend.*run)([&](Db& db) -> StoreResult<void> {
    auto v = fn(db);
    if (!v) return fail(v.error());
    out.emplace(std::move(*v));
    return {};
  });
  if (!r) return fail(r.error());
  return std::move(*out);
}

template <class T, class Fn>
StoreResult<T> read_value(Backend& backend, Fn fn) {
  return value_of<T>(backend, &Backend::read, std::move(fn));
}

template <class T, class Fn>
StoreResult<T> transaction_value(Backend& backend, Fn fn) {
  return value_of<T>(backend, &Backend::transaction, std::move(fn));
}

}  // namespace ember::store::sql
