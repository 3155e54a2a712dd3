// The FHIR resource store (store/store.h) written once over sql::Backend, for SQLite and
// PostgreSQL alike. Every read is one query (two with a total); a write is one transaction whose
// read-modify-write of a resource row is serialized against every other writer: SQLite takes the
// write lock up front (BEGIN IMMEDIATE), PostgreSQL locks the row (SELECT … FOR UPDATE) and
// settles concurrent creations of one id with INSERT … ON CONFLICT DO NOTHING. In PostgreSQL a
// resource's version and index rows are written by one statement, to save round trips.
#include <algorithm>
#include <atomic>

#include <spdlog/spdlog.h>

#include "store/op_timer.h"
#include "store/sql/literals.h"
#include "store/sql/search_sql.h"
#include "store/sql/stores.h"

namespace ember::store::sql {

namespace {

constexpr std::size_t kMaxHistoryPage = 1000;
// SQLite: index rows go in with multi-row INSERTs of these sizes (largest first), so a table
// with dozens of rows for a resource costs a handful of statements, and each table has only
// these few statement texts to prepare.
constexpr std::size_t kInsertBatches[] = {32, 8, 2, 1};

// The tables holding search rows of the current version.
constexpr const char* kIndexTables[] = {"idx_string", "idx_token",  "idx_ref",
                                        "idx_date",   "idx_number", "idx_uri"};

class SqlResourceStore final : public ResourceStore {
 public:
  SqlResourceStore(std::shared_ptr<Backend> backend, const Clock& clock)
      : backend_(std::move(backend)), dialect_(backend_->dialect()), clock_(clock) {}

  StoreResult<ResourceRecord> read(const std::string& type, const std::string& id) override {
    OpTimer t("read");
    auto rec = read_value<std::optional<ResourceRecord>>(*backend_, [&](Db& db) {
      return query_one(db,
                       "SELECT r.version, r.last_updated, r.deleted, v.json FROM resources r "
                       "JOIN resource_versions v ON v.pk = r.pk AND v.version = r.version "
                       "WHERE r.type = ? AND r.id = ?",
                       {type, id}, "read", [&](const Row& row) -> StoreResult<ResourceRecord> {
                         return ResourceRecord{
                             type, id, row.int64(0), row.int64(1), row.int64(2) != 0, row.text(3)};
                       });
    });
    if (!rec) return fail(rec.error());
    if (!*rec) return fail(StoreError{StoreErrc::NotFound, type + "/" + id});
    if ((*rec)->deleted) return fail(StoreError{StoreErrc::Gone, type + "/" + id});
    return std::move(**rec);
  }

  StoreResult<ResourceRecord> vread(const std::string& type, const std::string& id,
                                    std::int64_t version) override {
    OpTimer t("vread");
    auto rec = read_value<std::optional<ResourceRecord>>(*backend_, [&](Db& db) {
      return query_one(
          db,
          "SELECT v.last_updated, v.deleted, v.json FROM resources r JOIN "
          "resource_versions v ON v.pk = r.pk WHERE r.type = ? AND r.id = ? AND "
          "v.version = ?",
          {type, id, version}, "vread", [&](const Row& row) -> StoreResult<ResourceRecord> {
            return ResourceRecord{type, id, version, row.int64(0), row.int64(1) != 0, row.text(2)};
          });
    });
    const std::string name = type + "/" + id + "/_history/" + std::to_string(version);
    if (!rec) return fail(rec.error());
    if (!*rec) return fail(StoreError{StoreErrc::NotFound, name});
    if ((*rec)->deleted) return fail(StoreError{StoreErrc::Gone, name});
    return std::move(**rec);
  }

  StoreResult<SearchPage> history(const HistoryQuery& q) override {
    OpTimer t("history");
    std::string where = "1 = 1";
    std::vector<Value> binds;
    if (!q.type.empty()) {
      where += " AND r.type = ?";
      binds.emplace_back(q.type);
    }
    if (q.id) {
      where += " AND r.id = ?";
      binds.emplace_back(*q.id);
    }
    if (q.since_ms) {
      where += " AND v.last_updated >= ?";
      binds.emplace_back(*q.since_ms);
    }
    const std::string from =
        " FROM resource_versions v JOIN resources r ON r.pk = v.pk WHERE " + where;
    return read_value<SearchPage>(*backend_, [&](Db& db) -> StoreResult<SearchPage> {
      SearchPage page;
      auto total = query_int(db, "SELECT COUNT(*)" + from, binds, "history count");
      if (!total) return fail(total.error());
      page.total = *total;
      auto page_binds = binds;
      page_binds.emplace_back(static_cast<std::int64_t>(std::min(q.count, kMaxHistoryPage)));
      page_binds.emplace_back(static_cast<std::int64_t>(q.offset));
      auto rows =
          query_all(db,
                    "SELECT r.type, r.id, v.version, v.last_updated, v.deleted, v.json" + from +
                        " ORDER BY v.last_updated DESC, v.pk DESC, v.version DESC"
                        " LIMIT ? OFFSET ?",
                    page_binds, "history", [](const Row& row) -> StoreResult<ResourceRecord> {
                      return ResourceRecord{row.text(0),  row.text(1),       row.int64(2),
                                            row.int64(3), row.int64(4) != 0, row.text(5)};
                    });
      if (!rows) return fail(rows.error());
      page.resources = std::move(*rows);
      return page;
    });
  }

  StoreResult<SearchPage> search(const Query& q) override {
    OpTimer t("search");
    std::optional<SqlQuery> count_sql, page_sql;
    if (q.count_only || q.total != TotalMode::None) {
      auto s = build_count_sql(q, dialect_);
      if (!s) return fail(s.error());
      count_sql = std::move(*s);
    }
    if (!q.count_only && q.count != 0) {
      auto s = build_search_sql(q, dialect_);
      if (!s) return fail(s.error());
      page_sql = std::move(*s);
    }
    return read_value<SearchPage>(*backend_, [&](Db& db) -> StoreResult<SearchPage> {
      SearchPage page;
      if (page_sql) {
        auto rows = query_all(db, page_sql->sql, page_sql->binds, "search",
                              [&](const Row& row) -> StoreResult<ResourceRecord> {
                                return ResourceRecord{q.resource_type, row.text(1), row.int64(2),
                                                      row.int64(3),    false,       row.text(4)};
                              });
        if (!rows) return fail(rows.error());
        page.resources = std::move(*rows);
      }
      if (!count_sql) return page;
      // A page that is not full is the last one: the total is known without counting (the page
      // and the count select the same rows). An empty page past the first says nothing.
      const std::size_t n = page.resources.size();
      if (page_sql && n < q.count && (n > 0 || q.offset == 0)) {
        page.total = static_cast<std::int64_t>(q.offset + n);
        return page;
      }
      auto total = query_int(db, count_sql->sql, count_sql->binds, "count");
      if (!total) return fail(total.error());
      page.total = *total;
      return page;
    });
  }

  // One query for every id: an IN list in SQLite, one array parameter in PostgreSQL (so the
  // statement text, and its prepared plan, is the same whatever the number of ids).
  StoreResult<std::vector<ReferenceTarget>> references(const std::string& type,
                                                       const std::vector<std::string>& ids,
                                                       const std::string& param) override {
    OpTimer t("references");
    if (ids.empty()) return std::vector<ReferenceTarget>{};
    std::string sql =
        "SELECT r.id, x.target_type, x.target_id FROM idx_ref x JOIN resources r ON r.pk = "
        "x.pk WHERE r.type = ? AND x.param = ? AND x.target_id <> '' AND ";
    std::vector<Value> binds{type, param};
    if (dialect_ == Dialect::Postgres) {
      sql += "r.id = ANY (CAST(? AS TEXT[]))";
      binds.emplace_back(array_literal(ids));
    } else {
      sql += "r.id IN (";
      for (std::size_t i = 0; i < ids.size(); ++i) {
        sql += i ? ",?" : "?";
        binds.emplace_back(ids[i]);
      }
      sql += ")";
    }
    return read_value<std::vector<ReferenceTarget>>(*backend_, [&](Db& db) {
      return query_all(db, sql, binds, "references",
                       [](const Row& row) -> StoreResult<ReferenceTarget> {
                         return ReferenceTarget{row.text(0), row.text(1), row.text(2)};
                       });
    });
  }

  StoreResult<std::vector<WriteResult>> write(std::vector<WriteOp> ops) override {
    OpTimer t("write");
    return transaction_value<std::vector<WriteResult>>(
        *backend_, [&](Db& db) -> StoreResult<std::vector<WriteResult>> {
          std::vector<WriteResult> results;
          results.reserve(ops.size());
          for (auto& op : ops) {
            auto r = apply(db, op);
            if (!r) return fail(r.error());
            results.push_back(std::move(*r));
          }
          return results;
        });
  }

  bool ping() override {
    auto r = read_value<std::int64_t>(*backend_,
                                      [](Db& db) { return query_int(db, "SELECT 1", {}, "ping"); });
    return r && *r == 1;
  }

  void optimize() override {
    OpTimer t("optimize");
    (void)backend_->write([&](Db& db) -> StoreResult<void> {
      if (dialect_ == Dialect::Sqlite) {
        if (auto r = db.exec("PRAGMA analysis_limit = 1000", {}, "optimize"); !r) {
          return fail(r.error());
        }
        if (auto r = db.exec("ANALYZE", {}, "optimize"); !r) return fail(r.error());
        return {};
      }
      // Only this store's tables (a bare ANALYZE would visit the whole database).
      std::string tables = "resources, resource_versions";
      for (const char* table : kIndexTables) tables += std::string(", ") + table;
      if (auto r = db.exec("ANALYZE " + tables, {}, "optimize"); !r) return fail(r.error());
      return {};
    });
  }

  StoreResult<bool> begin_bulk_load() override {
    if (dialect_ != Dialect::Sqlite) return false;
    OpTimer t("bulk_load");
    return transaction_value<bool>(*backend_, [&](Db& db) -> StoreResult<bool> {
      auto any = query_int(db, "SELECT EXISTS (SELECT 1 FROM resources)", {}, "bulk load");
      if (!any) return fail(any.error());
      if (*any != 0) return false;
      // Every index with DDL (the UNIQUE (type, id) constraint's own index has none and stays:
      // creations rely on it).
      std::string tables = "'resources', 'resource_versions'";
      for (const char* table : kIndexTables) tables += std::string(", '") + table + "'";
      auto names = query_all(
          db,
          "INSERT INTO suspended_indexes (name, sql) SELECT name, sql FROM sqlite_master WHERE "
          "type = 'index' AND sql IS NOT NULL AND tbl_name IN (" +
              tables + ") RETURNING name",
          {}, "bulk load", [](const Row& row) -> StoreResult<std::string> { return row.text(0); });
      if (!names) return fail(names.error());
      for (const auto& name : *names) {
        if (auto r = db.exec("DROP INDEX \"" + name + "\"", {}, "bulk load"); !r) {
          return fail(r.error());
        }
      }
      return true;
    });
  }

  StoreResult<void> end_bulk_load() override {
    if (dialect_ != Dialect::Sqlite) return {};
    if (auto r = restore_indexes(); !r) return r;
    optimize();
    return {};
  }

  // Rebuilds the indexes a bulk load set aside (none: nothing to do). IF NOT EXISTS: another
  // process opening the store meanwhile may have rebuilt them already.
  StoreResult<void> restore_indexes() {
    auto pending = read_value<std::int64_t>(*backend_, [](Db& db) {
      return query_int(db, "SELECT EXISTS (SELECT 1 FROM suspended_indexes)", {},
                       "restore indexes");
    });
    if (!pending) return fail(pending.error());
    if (*pending == 0) return {};
    OpTimer t("bulk_load");
    return backend_->transaction([&](Db& db) -> StoreResult<void> {
      auto ddl = query_all(db, "SELECT sql FROM suspended_indexes", {}, "restore indexes",
                           [](const Row& row) -> StoreResult<std::string> { return row.text(0); });
      if (!ddl) return fail(ddl.error());
      for (auto sql : *ddl) {
        if (sql.starts_with("CREATE INDEX ")) {
          sql.insert(std::string_view("CREATE INDEX ").size(), "IF NOT EXISTS ");
        }
        if (auto r = db.exec(sql, {}, "restore indexes"); !r) return fail(r.error());
      }
      if (auto r = db.exec("DELETE FROM suspended_indexes", {}, "restore indexes"); !r) {
        return fail(r.error());
      }
      return {};
    });
  }

  std::string describe() const override { return backend_->describe(); }

 private:
  // lastUpdated never goes backwards within this store, even if the clock does.
  Stamp next_stamp(std::int64_t current_version) {
    const std::int64_t now = clock_.now_ms();
    std::int64_t last = last_stamp_ms_.load();
    while (last < now && !last_stamp_ms_.compare_exchange_weak(last, now)) {
    }
    return Stamp{current_version + 1, std::max(now, last)};
  }

  struct Current {
    std::int64_t pk = 0;
    std::int64_t version = 0;
    bool deleted = false;
  };

  // The resource's row, locked until the transaction ends (PostgreSQL: FOR UPDATE; SQLite holds
  // the database's write lock already).
  StoreResult<std::optional<Current>> lookup(Db& db, const WriteOp& op) {
    return query_one(db,
                     dialect_ == Dialect::Postgres
                         ? "SELECT pk, version, deleted FROM resources WHERE type = ? AND id = ? "
                           "FOR UPDATE"
                         : "SELECT pk, version, deleted FROM resources WHERE type = ? AND id = ?",
                     {op.type, op.id}, "lookup", [](const Row& row) -> StoreResult<Current> {
                       return Current{row.int64(0), row.int64(1), row.int64(2) != 0};
                     });
  }

  StoreResult<WriteResult> apply(Db& db, WriteOp& op) {
    // Twice at most: a creation that loses the race for a new id to another transaction (only
    // possible in PostgreSQL) finds the winner's row on the second lookup and updates it.
    for (int attempt = 0; attempt < 2; ++attempt) {
      auto cur = lookup(db, op);
      if (!cur) return fail(cur.error());
      auto r = apply_to(db, op, *cur);
      if (!r) return fail(r.error());
      if (*r) return std::move(**r);
    }
    return fail(StoreError{StoreErrc::Unavailable,
                           op.type + "/" + op.id + " is being created concurrently"});
  }

  // nullopt when the row to create appeared meanwhile.
  StoreResult<std::optional<WriteResult>> apply_to(Db& db, WriteOp& op,
                                                   const std::optional<Current>& cur) {
    const bool live = cur && !cur->deleted;
    const std::int64_t version = cur ? cur->version : 0;
    if (op.if_match) {
      std::int64_t current = live ? version : 0;
      if (*op.if_match != current) {
        return fail(
            StoreError{StoreErrc::VersionConflict,
                       op.type + "/" + op.id + " is at version " + std::to_string(current)});
      }
    }
    WriteResult result;
    const bool is_delete = op.kind == WriteOp::Kind::Delete;
    if (is_delete && !live) {
      // Deleting what is not there changes nothing (R4 §3.1.0.7.1: delete is idempotent).
      result.record = ResourceRecord{op.type, op.id, version, 0, true, {}};
      return result;
    }
    Stamp stamp = next_stamp(version);
    std::string json = is_delete ? std::string() : op.render(stamp);
    auto written = dialect_ == Dialect::Postgres
                       ? write_version_in_one_statement(db, cur, op, stamp, is_delete, json)
                       : write_version(db, cur, op, stamp, is_delete, json);
    if (!written) return fail(written.error());
    if (!*written) return std::optional<WriteResult>();
    result.created = !live && !is_delete;
    result.record = ResourceRecord{op.type,   op.id,          stamp.version, stamp.last_updated_ms,
                                   is_delete, std::move(json)};
    return result;
  }

  // The resource row, the version and the index rows, statement by statement (SQLite: no round
  // trips to save). False when the row to create appeared meanwhile.
  StoreResult<bool> write_version(Db& db, const std::optional<Current>& cur, const WriteOp& op,
                                  const Stamp& stamp, bool is_delete, const std::string& json) {
    std::int64_t pk = 0;
    if (!cur) {
      auto inserted = query_one(
          db,
          "INSERT INTO resources (type, id, version, last_updated, deleted) VALUES (?, ?, ?, ?, "
          "0) ON CONFLICT (type, id) DO NOTHING RETURNING pk",
          {op.type, op.id, stamp.version, stamp.last_updated_ms}, "insert resource",
          [](const Row& row) -> StoreResult<std::int64_t> { return row.int64(0); });
      if (!inserted) return fail(inserted.error());
      if (!*inserted) return false;
      pk = **inserted;
    } else {
      pk = cur->pk;
      auto n = db.exec(
          "UPDATE resources SET version = ?, last_updated = ?, deleted = ? "
          "WHERE pk = ?",
          {stamp.version, stamp.last_updated_ms, static_cast<std::int64_t>(is_delete), pk},
          "update resource");
      if (!n) return fail(n.error());
      if (auto r = clear_index(db, pk); !r) return fail(r.error());
    }
    auto n = db.exec(
        "INSERT INTO resource_versions (pk, version, last_updated, deleted, json) "
        "VALUES (?, ?, ?, ?, ?)",
        {pk, stamp.version, stamp.last_updated_ms, static_cast<std::int64_t>(is_delete),
         is_delete ? Value(nullptr) : Value(json)},
        "insert version");
    if (!n) return fail(n.error());
    if (!is_delete) {
      if (auto r = insert_index(db, pk, op.type, op.index); !r) return fail(r.error());
    }
    return true;
  }

  // PostgreSQL: the same writes as one statement, so a resource costs two round trips (the
  // locking lookup and this) whatever its number of index rows. Data-modifying CTEs all see the
  // snapshot from before the statement, so the DELETEs remove only the previous version's rows;
  // the index rows travel as arrays unnested into rows, which keeps the statement text (and
  // its prepared plan) the same for every resource.
  StoreResult<bool> write_version_in_one_statement(Db& db, const std::optional<Current>& cur,
                                                   const WriteOp& op, const Stamp& stamp,
                                                   bool is_delete, const std::string& json) {
    std::vector<Value> binds;
    std::string sql = "WITH r AS (";
    if (!cur) {
      sql +=
          "INSERT INTO resources (type, id, version, last_updated, deleted) VALUES (?, ?, ?, "
          "?, 0) ON CONFLICT (type, id) DO NOTHING RETURNING pk)";
      binds = {op.type, op.id, stamp.version, stamp.last_updated_ms};
    } else {
      sql +=
          "UPDATE resources SET version = ?, last_updated = ?, deleted = ? WHERE pk = ? "
          "RETURNING pk)";
      binds = {stamp.version, stamp.last_updated_ms, static_cast<std::int64_t>(is_delete), cur->pk};
      for (const char* table : kIndexTables) {
        sql += std::string(", d_") + table + " AS (DELETE FROM " + table + " WHERE pk = ?)";
        binds.emplace_back(cur->pk);
      }
    }
    sql +=
        ", v AS (INSERT INTO resource_versions (pk, version, last_updated, deleted, json) "
        "SELECT pk, CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TEXT) "
        "FROM r)";
    binds.emplace_back(stamp.version);
    binds.emplace_back(stamp.last_updated_ms);
    binds.emplace_back(static_cast<std::int64_t>(is_delete));
    binds.emplace_back(is_delete ? Value(nullptr) : Value(json));
    static const IndexEntries kNone;
    const IndexEntries& ix = is_delete ? kNone : op.index;
    auto rows = [&](std::string_view table, std::vector<std::pair<std::string, const char*>> cols) {
      sql += ", i_" + std::string(table) + " AS (INSERT INTO " + std::string(table) +
             " SELECT r.pk, CAST(? AS TEXT)";
      binds.emplace_back(op.type);
      std::string arrays;
      for (std::size_t i = 0; i < cols.size(); ++i) {
        sql += ", u.c" + std::to_string(i);
        arrays += std::string(i ? ", " : "") + "CAST(? AS " + cols[i].second + "[])";
        binds.emplace_back(std::move(cols[i].first));
      }
      sql += " FROM r, unnest(" + arrays + ") AS u(";
      for (std::size_t i = 0; i < cols.size(); ++i) sql += (i ? ", c" : "c") + std::to_string(i);
      sql += "))";
    };
    auto col = [](const auto& entries, auto field) {
      std::vector<std::string> out;
      for (const auto& e : entries) out.push_back(field(e));
      return array_literal(out);
    };
    using S = IndexEntries::String;
    using T = IndexEntries::Token;
    using R = IndexEntries::Reference;
    using D = IndexEntries::Date;
    using N = IndexEntries::Number;
    using U = IndexEntries::Uri;
    rows("idx_string", {{col(ix.strings, [](const S& e) { return e.param; }), "TEXT"},
                        {col(ix.strings, [](const S& e) { return e.normalized; }), "TEXT"},
                        {col(ix.strings, [](const S& e) { return e.exact; }), "TEXT"}});
    rows("idx_token", {{col(ix.tokens, [](const T& e) { return e.param; }), "TEXT"},
                       {col(ix.tokens, [](const T& e) { return e.system; }), "TEXT"},
                       {col(ix.tokens, [](const T& e) { return e.code; }), "TEXT"},
                       {col(ix.tokens, [](const T& e) { return e.text; }), "TEXT"}});
    rows("idx_ref", {{col(ix.references, [](const R& e) { return e.param; }), "TEXT"},
                     {col(ix.references, [](const R& e) { return e.target_type; }), "TEXT"},
                     {col(ix.references, [](const R& e) { return e.target_id; }), "TEXT"},
                     {col(ix.references, [](const R& e) { return e.url; }), "TEXT"}});
    rows("idx_date",
         {{col(ix.dates, [](const D& e) { return e.param; }), "TEXT"},
          {col(ix.dates, [](const D& e) { return std::to_string(e.lo_ms); }), "BIGINT"},
          {col(ix.dates, [](const D& e) { return std::to_string(e.hi_ms); }), "BIGINT"}});
    rows("idx_number",
         {{col(ix.numbers, [](const N& e) { return e.param; }), "TEXT"},
          {col(ix.numbers, [](const N& e) { return double_text(e.value); }), "DOUBLE PRECISION"},
          {col(ix.numbers, [](const N& e) { return e.system; }), "TEXT"},
          {col(ix.numbers, [](const N& e) { return e.code; }), "TEXT"}});
    rows("idx_uri", {{col(ix.uris, [](const U& e) { return e.param; }), "TEXT"},
                     {col(ix.uris, [](const U& e) { return e.value; }), "TEXT"}});
    sql += " SELECT pk FROM r";
    auto pk = query_one(db, sql, binds, "write version",
                        [](const Row& row) -> StoreResult<std::int64_t> { return row.int64(0); });
    if (!pk) return fail(pk.error());
    return pk->has_value();
  }

  StoreResult<void> clear_index(Db& db, std::int64_t pk) {
    for (const char* table : kIndexTables) {
      auto n = db.exec(std::string("DELETE FROM ") + table + " WHERE pk = ?", {pk}, "clear index");
      if (!n) return fail(n.error());
    }
    return {};
  }

  // INSERT INTO table VALUES (pk, type, param, …), … for every row, `columns` values per row
  // after the first three.
  template <class Rows, class Values>
  StoreResult<void> insert_rows(Db& db, std::string_view table, std::size_t columns,
                                std::int64_t pk, const std::string& type, const Rows& rows,
                                Values values) {
    std::size_t done = 0;
    while (done < rows.size()) {
      std::size_t batch = 1;
      for (std::size_t b : kInsertBatches) {
        if (b <= rows.size() - done) {
          batch = b;
          break;
        }
      }
      std::string tuple = "(?, ?, ?";
      for (std::size_t c = 0; c < columns; ++c) tuple += ", ?";
      tuple += ")";
      std::string sql = "INSERT INTO " + std::string(table) + " VALUES ";
      std::vector<Value> binds;
      binds.reserve(batch * (columns + 3));
      for (std::size_t i = 0; i < batch; ++i) {
        if (i) sql += ", ";
        sql += tuple;
        const auto& row = rows[done + i];
        binds.emplace_back(pk);
        binds.emplace_back(type);
        binds.emplace_back(row.param);
        values(binds, row);
      }
      auto n = db.exec(sql, binds, "insert index");
      if (!n) return fail(n.error());
      done += batch;
    }
    return {};
  }

  StoreResult<void> insert_index(Db& db, std::int64_t pk, const std::string& type,
                                 const IndexEntries& ix) {
    using V = std::vector<Value>;
    StoreResult<void> r;
    r = insert_rows(db, "idx_string", 2, pk, type, ix.strings,
                    [](V& b, const IndexEntries::String& e) {
                      b.emplace_back(e.normalized);
                      b.emplace_back(e.exact);
                    });
    if (!r) return r;
    r = insert_rows(db, "idx_token", 3, pk, type, ix.tokens,
                    [](V& b, const IndexEntries::Token& e) {
                      b.emplace_back(e.system);
                      b.emplace_back(e.code);
                      b.emplace_back(e.text);
                    });
    if (!r) return r;
    r = insert_rows(db, "idx_ref", 3, pk, type, ix.references,
                    [](V& b, const IndexEntries::Reference& e) {
                      b.emplace_back(e.target_type);
                      b.emplace_back(e.target_id);
                      b.emplace_back(e.url);
                    });
    if (!r) return r;
    r = insert_rows(db, "idx_date", 2, pk, type, ix.dates, [](V& b, const IndexEntries::Date& e) {
      b.emplace_back(e.lo_ms);
      b.emplace_back(e.hi_ms);
    });
    if (!r) return r;
    r = insert_rows(db, "idx_number", 3, pk, type, ix.numbers,
                    [](V& b, const IndexEntries::Number& e) {
                      b.emplace_back(e.value);
                      b.emplace_back(e.system);
                      b.emplace_back(e.code);
                    });
    if (!r) return r;
    return insert_rows(db, "idx_uri", 1, pk, type, ix.uris,
                       [](V& b, const IndexEntries::Uri& e) { b.emplace_back(e.value); });
  }

  std::shared_ptr<Backend> backend_;
  Dialect dialect_;
  const Clock& clock_;
  std::atomic<std::int64_t> last_stamp_ms_{0};
};

}  // namespace

std::unique_ptr<ResourceStore> make_resource_store(std::shared_ptr<Backend> backend,
                                                   const Clock& clock) {
  const Dialect dialect = backend->dialect();
  auto store = std::make_unique<SqlResourceStore>(std::move(backend), clock);
  if (dialect == Dialect::Sqlite) {
    // A bulk load that did not finish (killed, crashed) left its indexes set aside.
    if (auto r = store->restore_indexes(); !r) {
      spdlog::error("store: rebuilding the indexes a bulk load set aside failed: {}",
                    r.error().message);
    }
    // SQLite's planner needs statistics to pick the index-driven plans of search_sql.cc;
    // PostgreSQL's autovacuum keeps its own up to date.
    store->optimize();
  }
  return store;
}

}  // namespace ember::store::sql
