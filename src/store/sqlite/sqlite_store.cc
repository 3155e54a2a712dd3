#include "store/sqlite/sqlite_store.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <unordered_map>

#include "core/clock.h"
#include "core/metrics.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/search_sql.h"
#include "store/sqlite/shared.h"

namespace ember::store::sqlite {

namespace {

constexpr std::size_t kMaxHistoryPage = 1000;


std::atomic<std::uint64_t> g_store_generation{0};

class SqliteStore final : public ResourceStore {
 public:
  SqliteStore(std::string path, std::unique_ptr<Connection> writer, const Clock& clock)
      : clock_(clock),
        path_(std::move(path)),
        in_memory_(path_ == ":memory:"),
        generation_(++g_store_generation),
        writer_(std::move(writer)) {}

  StoreResult<ResourceRecord> read(const std::string& type, const std::string& id) override {
    OpTimer t("read");
    return with_reader([&](Connection& db) -> StoreResult<ResourceRecord> {
      auto st = db.prepare(
          "SELECT r.version, r.last_updated, r.deleted, v.json FROM resources r JOIN "
          "resource_versions v ON v.pk = r.pk AND v.version = r.version "
          "WHERE r.type = ? AND r.id = ?");
      if (!st) return fail(st.error());
      (*st)->bind(1, std::string_view(type));
      (*st)->bind(2, std::string_view(id));
      int rc = (*st)->step();
      if (rc == SQLITE_DONE) return fail(StoreError{StoreErrc::NotFound, type + "/" + id});
      if (rc != SQLITE_ROW) return fail(db.error("read"));
      ResourceRecord rec{type, id, (*st)->int64(0), (*st)->int64(1), (*st)->int64(2) != 0,
                         (*st)->text(3)};
      if (rec.deleted) return fail(StoreError{StoreErrc::Gone, type + "/" + id});
      return rec;
    });
  }

  StoreResult<ResourceRecord> vread(const std::string& type, const std::string& id,
                                    std::int64_t version) override {
    OpTimer t("vread");
    return with_reader([&](Connection& db) -> StoreResult<ResourceRecord> {
      auto st = db.prepare(
          "SELECT v.last_updated, v.deleted, v.json FROM resources r JOIN resource_versions v "
          "ON v.pk = r.pk WHERE r.type = ? AND r.id = ? AND v.version = ?");
      if (!st) return fail(st.error());
      (*st)->bind(1, std::string_view(type));
      (*st)->bind(2, std::string_view(id));
      (*st)->bind(3, version);
      int rc = (*st)->step();
      if (rc == SQLITE_DONE) {
        return fail(StoreError{StoreErrc::NotFound,
                               type + "/" + id + "/_history/" + std::to_string(version)});
      }
      if (rc != SQLITE_ROW) return fail(db.error("vread"));
      ResourceRecord rec{type, id, version, (*st)->int64(0), (*st)->int64(1) != 0,
                         (*st)->text(2)};
      if (rec.deleted) {
        return fail(StoreError{StoreErrc::Gone,
                               type + "/" + id + "/_history/" + std::to_string(version)});
      }
      return rec;
    });
  }

  StoreResult<SearchPage> history(const HistoryQuery& q) override {
    OpTimer t("history");
    return with_reader([&](Connection& db) -> StoreResult<SearchPage> {
      std::string where = "1";
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
      SearchPage page;
      {
        auto st = db.prepare("SELECT COUNT(*)" + from);
        if (!st) return fail(st.error());
        (*st)->bind_all(binds);
        if ((*st)->step() != SQLITE_ROW) return fail(db.error("history count"));
        page.total = (*st)->int64(0);
      }
      auto st = db.prepare("SELECT r.type, r.id, v.version, v.last_updated, v.deleted, v.json" +
                           from + " ORDER BY v.last_updated DESC, v.pk DESC, v.version DESC"
                                  " LIMIT ? OFFSET ?");
      if (!st) return fail(st.error());
      binds.emplace_back(static_cast<std::int64_t>(std::min(q.count, kMaxHistoryPage)));
      binds.emplace_back(static_cast<std::int64_t>(q.offset));
      (*st)->bind_all(binds);
      int rc;
      while ((rc = (*st)->step()) == SQLITE_ROW) {
        page.resources.push_back(ResourceRecord{(*st)->text(0), (*st)->text(1), (*st)->int64(2),
                                                (*st)->int64(3), (*st)->int64(4) != 0,
                                                (*st)->text(5)});
      }
      if (rc != SQLITE_DONE) return fail(db.error("history"));
      return page;
    });
  }

  StoreResult<SearchPage> search(const Query& q) override {
    OpTimer t("search");
    return with_reader([&](Connection& db) -> StoreResult<SearchPage> {
      SearchPage page;
      if (q.count_only || q.total != TotalMode::None) {
        auto sql = build_count_sql(q);
        if (!sql) return fail(sql.error());
        auto st = db.prepare(sql->sql);
        if (!st) return fail(st.error());
        (*st)->bind_all(sql->binds);
        if ((*st)->step() != SQLITE_ROW) return fail(db.error("count"));
        page.total = (*st)->int64(0);
      }
      if (q.count_only || q.count == 0) return page;
      auto sql = build_search_sql(q);
      if (!sql) return fail(sql.error());
      auto st = db.prepare(sql->sql);
      if (!st) return fail(st.error());
      (*st)->bind_all(sql->binds);
      int rc;
      while ((rc = (*st)->step()) == SQLITE_ROW) {
        page.resources.push_back(ResourceRecord{q.resource_type, (*st)->text(1), (*st)->int64(2),
                                                (*st)->int64(3), false, (*st)->text(4)});
      }
      if (rc != SQLITE_DONE) return fail(db.error("search"));
      return page;
    });
  }

  StoreResult<std::vector<ReferenceTarget>> references(const std::string& type,
                                                       const std::vector<std::string>& ids,
                                                       const std::string& param) override {
    OpTimer t("references");
    return with_reader([&](Connection& db) -> StoreResult<std::vector<ReferenceTarget>> {
      std::vector<ReferenceTarget> out;
      if (ids.empty()) return out;
      std::string sql =
          "SELECT r.id, x.target_type, x.target_id FROM idx_ref x JOIN resources r ON r.pk = "
          "x.pk WHERE r.type = ? AND x.param = ? AND x.target_id <> '' AND r.id IN (";
      std::vector<Value> binds{type, param};
      for (std::size_t i = 0; i < ids.size(); ++i) {
        sql += i ? ",?" : "?";
        binds.emplace_back(ids[i]);
      }
      sql += ")";
      auto st = db.prepare(sql);
      if (!st) return fail(st.error());
      (*st)->bind_all(binds);
      int rc;
      while ((rc = (*st)->step()) == SQLITE_ROW) {
        out.push_back(ReferenceTarget{(*st)->text(0), (*st)->text(1), (*st)->text(2)});
      }
      if (rc != SQLITE_DONE) return fail(db.error("references"));
      return out;
    });
  }

  StoreResult<std::vector<WriteResult>> write(std::vector<WriteOp> ops) override {
    OpTimer t("write");
    std::lock_guard lock(write_mu_);
    Connection& db = *writer_;
    if (auto r = db.exec("BEGIN IMMEDIATE"); !r) {
      return fail(StoreError{StoreErrc::Unavailable, r.error().message});
    }
    std::vector<WriteResult> results;
    results.reserve(ops.size());
    for (auto& op : ops) {
      auto r = apply(db, op);
      if (!r) {
        (void)db.exec("ROLLBACK");
        return fail(r.error());
      }
      results.push_back(std::move(*r));
    }
    if (auto r = db.exec("COMMIT"); !r) {
      (void)db.exec("ROLLBACK");
      return fail(r.error());
    }
    return results;
  }

  bool ping() override {
    auto r = with_reader([&](Connection& db) -> StoreResult<bool> {
      auto st = db.prepare("SELECT 1");
      if (!st) return fail(st.error());
      return (*st)->step() == SQLITE_ROW;
    });
    return r && *r;
  }

  void optimize() override {
    OpTimer t("optimize");
    std::lock_guard lock(write_mu_);
    (void)writer_->exec("PRAGMA analysis_limit = 1000");
    (void)writer_->exec("ANALYZE");
  }

  std::string describe() const override { return "sqlite:" + path_; }

 private:
  std::int64_t now_ms() const { return clock_.now_ms(); }

  StoreResult<WriteResult> apply(Connection& db, WriteOp& op) {
    std::int64_t pk = 0, version = 0;
    bool exists = false, deleted = false;
    {
      auto st = db.prepare("SELECT pk, version, deleted FROM resources WHERE type = ? AND id = ?");
      if (!st) return fail(st.error());
      (*st)->bind(1, std::string_view(op.type));
      (*st)->bind(2, std::string_view(op.id));
      int rc = (*st)->step();
      if (rc == SQLITE_ROW) {
        exists = true;
        pk = (*st)->int64(0);
        version = (*st)->int64(1);
        deleted = (*st)->int64(2) != 0;
      } else if (rc != SQLITE_DONE) {
        return fail(db.error("lookup"));
      }
    }
    const bool live = exists && !deleted;
    if (op.if_match) {
      std::int64_t current = live ? version : 0;
      if (*op.if_match != current) {
        return fail(StoreError{StoreErrc::VersionConflict,
                               op.type + "/" + op.id + " is at version " +
                                   std::to_string(current)});
      }
    }
    WriteResult result;
    if (op.kind == WriteOp::Kind::Delete && !live) {
      // Deleting what is not there changes nothing (R4 §3.1.0.7.1: delete is idempotent).
      result.record = ResourceRecord{op.type, op.id, version, 0, true, {}};
      return result;
    }
    Stamp stamp{version + 1, std::max(now_ms(), last_stamp_ms_)};
    last_stamp_ms_ = stamp.last_updated_ms;
    const bool is_delete = op.kind == WriteOp::Kind::Delete;
    std::string json = is_delete ? std::string() : op.render(stamp);
    if (!exists) {
      auto st = db.prepare(
          "INSERT INTO resources (type, id, version, last_updated, deleted) VALUES (?, ?, ?, ?, 0)");
      if (!st) return fail(st.error());
      (*st)->bind(1, std::string_view(op.type));
      (*st)->bind(2, std::string_view(op.id));
      (*st)->bind(3, stamp.version);
      (*st)->bind(4, stamp.last_updated_ms);
      if ((*st)->step() != SQLITE_DONE) return fail(db.error("insert resource"));
      pk = sqlite3_last_insert_rowid(db.raw());
    } else {
      auto st = db.prepare("UPDATE resources SET version = ?, last_updated = ?, deleted = ? "
                           "WHERE pk = ?");
      if (!st) return fail(st.error());
      (*st)->bind(1, stamp.version);
      (*st)->bind(2, stamp.last_updated_ms);
      (*st)->bind(3, static_cast<std::int64_t>(is_delete));
      (*st)->bind(4, pk);
      if ((*st)->step() != SQLITE_DONE) return fail(db.error("update resource"));
      if (auto r = clear_index(db, pk); !r) return fail(r.error());
    }
    {
      auto st = db.prepare("INSERT INTO resource_versions (pk, version, last_updated, deleted, "
                           "json) VALUES (?, ?, ?, ?, ?)");
      if (!st) return fail(st.error());
      (*st)->bind(1, pk);
      (*st)->bind(2, stamp.version);
      (*st)->bind(3, stamp.last_updated_ms);
      (*st)->bind(4, static_cast<std::int64_t>(is_delete));
      if (is_delete) {
        (*st)->bind_null(5);
      } else {
        (*st)->bind(5, std::string_view(json));
      }
      if ((*st)->step() != SQLITE_DONE) return fail(db.error("insert version"));
    }
    if (!is_delete) {
      if (auto r = insert_index(db, pk, op.type, op.index); !r) return fail(r.error());
    }
    result.created = !live && !is_delete;
    result.record = ResourceRecord{op.type, op.id, stamp.version, stamp.last_updated_ms,
                                   is_delete, std::move(json)};
    return result;
  }

  StoreResult<void> clear_index(Connection& db, std::int64_t pk) {
    for (const char* table :
         {"idx_string", "idx_token", "idx_ref", "idx_date", "idx_number", "idx_uri"}) {
      auto st = db.prepare(std::string("DELETE FROM ") + table + " WHERE pk = ?");
      if (!st) return fail(st.error());
      (*st)->bind(1, pk);
      if ((*st)->step() != SQLITE_DONE) return fail(db.error("clear index"));
    }
    return {};
  }

  template <class Rows, class Bind>
  StoreResult<void> insert_rows(Connection& db, const std::string& sql, const Rows& rows,
                                Bind bind) {
    if (rows.empty()) return {};
    auto st = db.prepare(sql);
    if (!st) return fail(st.error());
    for (const auto& row : rows) {
      bind(**st, row);
      if ((*st)->step() != SQLITE_DONE) return fail(db.error("insert index"));
      (*st)->reset();
    }
    return {};
  }

  StoreResult<void> insert_index(Connection& db, std::int64_t pk, const std::string& type,
                                 const IndexEntries& ix) {
    auto head = [&](Statement& s, const std::string& param) {
      s.bind(1, pk);
      s.bind(2, std::string_view(type));
      s.bind(3, std::string_view(param));
    };
    StoreResult<void> r;
    r = insert_rows(db, "INSERT INTO idx_string VALUES (?, ?, ?, ?, ?)", ix.strings,
                    [&](Statement& s, const IndexEntries::String& e) {
                      head(s, e.param);
                      s.bind(4, std::string_view(e.normalized));
                      s.bind(5, std::string_view(e.exact));
                    });
    if (!r) return r;
    r = insert_rows(db, "INSERT INTO idx_token VALUES (?, ?, ?, ?, ?, ?)", ix.tokens,
                    [&](Statement& s, const IndexEntries::Token& e) {
                      head(s, e.param);
                      s.bind(4, std::string_view(e.system));
                      s.bind(5, std::string_view(e.code));
                      s.bind(6, std::string_view(e.text));
                    });
    if (!r) return r;
    r = insert_rows(db, "INSERT INTO idx_ref VALUES (?, ?, ?, ?, ?, ?)", ix.references,
                    [&](Statement& s, const IndexEntries::Reference& e) {
                      head(s, e.param);
                      s.bind(4, std::string_view(e.target_type));
                      s.bind(5, std::string_view(e.target_id));
                      s.bind(6, std::string_view(e.url));
                    });
    if (!r) return r;
    r = insert_rows(db, "INSERT INTO idx_date VALUES (?, ?, ?, ?, ?)", ix.dates,
                    [&](Statement& s, const IndexEntries::Date& e) {
                      head(s, e.param);
                      s.bind(4, e.lo_ms);
                      s.bind(5, e.hi_ms);
                    });
    if (!r) return r;
    r = insert_rows(db, "INSERT INTO idx_number VALUES (?, ?, ?, ?, ?, ?)", ix.numbers,
                    [&](Statement& s, const IndexEntries::Number& e) {
                      head(s, e.param);
                      s.bind(4, e.value);
                      s.bind(5, std::string_view(e.system));
                      s.bind(6, std::string_view(e.code));
                    });
    if (!r) return r;
    return insert_rows(db, "INSERT INTO idx_uri VALUES (?, ?, ?, ?)", ix.uris,
                       [&](Statement& s, const IndexEntries::Uri& e) {
                         head(s, e.param);
                         s.bind(4, std::string_view(e.value));
                       });
  }

  // Runs fn on this thread's read-only connection (or the writer for in-memory databases).
  template <class Fn>
  auto with_reader(Fn fn) -> decltype(fn(std::declval<Connection&>())) {
    if (in_memory_) {
      std::lock_guard lock(write_mu_);
      return fn(*writer_);
    }
    auto reader = thread_reader();
    if (!reader) return fail(reader.error());
    return fn(**reader);
  }

  // This thread's read-only connection to this store (one per thread and store; a function of
  // its own so every caller shares it).
  StoreResult<Connection*> thread_reader() {
    thread_local std::unordered_map<std::uint64_t, std::unique_ptr<Connection>> readers;
    auto it = readers.find(generation_);
    if (it == readers.end()) {
      auto c = Connection::open(path_, /*read_only=*/true);
      if (!c) return fail(c.error());
      (void)(*c)->exec("PRAGMA query_only = 1");
      it = readers.emplace(generation_, std::move(*c)).first;
    }
    return it->second.get();
  }

  const Clock& clock_;
  std::string path_;
  bool in_memory_;
  std::uint64_t generation_;
  std::mutex write_mu_;
  std::unique_ptr<Connection> writer_;
  std::int64_t last_stamp_ms_ = 0;
};

}  // namespace

StoreResult<std::unique_ptr<ResourceStore>> open_sqlite_store(const std::string& path,
                                                             const Clock& clock) {
  auto writer = open_writer(path);
  if (!writer) return fail(writer.error());
  auto store = std::make_unique<SqliteStore>(path, std::move(*writer), clock);
  store->optimize();
  return std::unique_ptr<ResourceStore>(std::move(store));
}

}  // namespace ember::store::sqlite

namespace ember::store {

StoreResult<std::unique_ptr<ResourceStore>> open_store(const StoreOptions& options) {
  auto path = sqlite::sqlite_path(options.url);
  if (!path) return fail(path.error());
  static const SystemClock system_clock;
  return sqlite::open_sqlite_store(*path, options.clock ? *options.clock : system_clock);
}

}  // namespace ember::store
