#include "store/postgres/connection.h"

#include <libpq-fe.h>

#include <array>
#include <charconv>

#include "store/postgres/backend.h"
#include "store/postgres/url.h"
#include "store/sql/literals.h"

namespace ember::store::postgres {

namespace {

// Seconds libpq waits for a connection before the store reports Unavailable (a URL's own
// connect_timeout wins).
constexpr const char* kConnectTimeoutS = "10";

// PostgreSQL sends numbers (and booleans) as text.
class ResultRow final : public sql::Row {
 public:
  ResultRow(const PGresult* res, int row) : res_(res), row_(row) {}

  std::int64_t int64(int col) const override {
    const char* p = PQgetvalue(res_, row_, col);
    int n = PQgetlength(res_, row_, col);
    if (n == 1 && (*p == 't' || *p == 'f')) return *p == 't';  // a boolean expression
    std::int64_t v = 0;
    std::from_chars(p, p + n, v);
    return v;
  }
  double real(int col) const override {
    const char* p = PQgetvalue(res_, row_, col);
    double v = 0;
    std::from_chars(p, p + PQgetlength(res_, row_, col), v);
    return v;
  }
  std::string text(int col) const override {
    return std::string(PQgetvalue(res_, row_, col),
                       static_cast<std::size_t>(PQgetlength(res_, row_, col)));
  }
  bool is_null(int col) const override { return PQgetisnull(res_, row_, col) != 0; }

 private:
  const PGresult* res_;
  int row_;
};

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

std::string rewrite_placeholders(std::string_view sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  std::size_t i = 0;
  // Copies a quoted run (opened by sql[i]) through its closing quote; a doubled quote is an
  // escaped one and simply continues the run.
  auto copy_quoted = [&](char quote) {
    out.push_back(sql[i++]);
    while (i < sql.size()) {
      char c = sql[i++];
      out.push_back(c);
      if (c == quote) {
        if (i < sql.size() && sql[i] == quote) {
          out.push_back(sql[i++]);
          continue;
        }
        return;
      }
    }
  };
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '\'' || c == '"') {
      copy_quoted(c);
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      std::size_t end = sql.find('\n', i);
      if (end == std::string_view::npos) end = sql.size();
      out.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      std::size_t end = sql.find("*/", i + 2);
      end = end == std::string_view::npos ? sql.size() : end + 2;
      out.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '?') {
      out += '$' + std::to_string(++n);
      ++i;
    } else {
      out.push_back(c);
      ++i;
    }
  }
  if (count) *count = n;
  return out;
}

StoreErrc errc_for_sqlstate(std::string_view s) {
  // Class 08: connection exceptions. 40001 serialization failure, 40P01 deadlock: the
  // transaction was rolled back and may be retried. 57P01-57P03: the server is shutting down or
  // starting. 57014: canceled (statement_timeout). 53300: too many connections. 55P03: lock
  // not available (lock_timeout).
  if (s.starts_with("08")) return StoreErrc::Unavailable;
  for (std::string_view busy :
       {"40001", "40P01", "57P01", "57P02", "57P03", "57014", "53300", "55P03"}) {
    if (s == busy) return StoreErrc::Unavailable;
  }
  // Text the database's encoding cannot hold (invalid UTF-8, NUL): the request's data.
  if (s == "22021" || s == "22P05") return StoreErrc::Invalid;
  return StoreErrc::Internal;
}

void Connection::ResultFree::operator()(pg_result* r) const {
  PQclear(r);
}

StoreResult<std::unique_ptr<Connection>> Connection::open(const std::string& url) {
  char* parse_error = nullptr;
  if (PQconninfoOption* opts = PQconninfoParse(url.c_str(), &parse_error)) {
    PQconninfoFree(opts);
  } else {
    std::string msg = parse_error ? trimmed(parse_error) : "out of memory";
    PQfreemem(parse_error);
    return fail(StoreError{StoreErrc::Invalid, "invalid PostgreSQL URL " + redact_url(url) + ": " +
                                                   redact_message(msg, url)});
  }
  // Later keywords override earlier ones, and the expanded URL sits between: the URL may set its
  // own timeout, but the text always travels as UTF-8.
  const std::array<const char*, 5> keys{"connect_timeout", "fallback_application_name", "dbname",
                                        "client_encoding", nullptr};
  const std::array<const char*, 5> values{kConnectTimeoutS, "ember", url.c_str(), "UTF8", nullptr};
  PGconn* conn = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
  if (!conn) return fail(StoreError{StoreErrc::Unavailable, "libpq: out of memory"});
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string msg = trimmed(PQerrorMessage(conn));
    PQfinish(conn);
    return fail(StoreError{StoreErrc::Unavailable, "cannot connect to " + redact_url(url) + ": " +
                                                       redact_message(msg, url)});
  }
  // Server notices (e.g. "relation already exists, skipping") are not errors; libpq would print
  // them on stderr.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<Connection>(new Connection(conn));
}

Connection::~Connection() {
  PQfinish(conn_);
}

bool Connection::broken() const {
  return PQstatus(conn_) != CONNECTION_OK;
}

bool Connection::in_transaction() const {
  return PQtransactionStatus(conn_) != PQTRANS_IDLE;
}

bool Connection::in_failed_transaction() const {
  return PQtransactionStatus(conn_) == PQTRANS_INERROR;
}

StoreError Connection::error(const pg_result* res, std::string_view what) const {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string msg = primary ? primary : trimmed(PQerrorMessage(conn_));
  if (msg.empty()) msg = "unknown error";
  StoreErrc code = broken() ? StoreErrc::Unavailable
                   : state  ? errc_for_sqlstate(state)
                            : StoreErrc::Internal;
  if (state) msg += std::string(" (SQLSTATE ") + state + ")";
  return StoreError{code, std::string(what) + ": " + msg};
}

StoreResult<const std::string*> Connection::prepared(const std::string& sql, std::size_t binds,
                                                     std::string_view what) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return &it->second;
  if (statements_.size() >= kMaxCachedStatements) {
    ResultPtr res(PQexec(conn_, "DEALLOCATE ALL"));
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) return fail(error(res.get(), what));
    statements_.clear();
  }
  int count = 0;
  std::string text = rewrite_placeholders(sql, &count);
  if (static_cast<std::size_t>(count) != binds) {
    return fail(StoreError{StoreErrc::Internal, std::string(what) + ": " + std::to_string(count) +
                                                    " placeholders, " + std::to_string(binds) +
                                                    " values"});
  }
  std::string name = "e" + std::to_string(++next_statement_);
  // Parameter types are left to the server, which infers them from the columns they meet.
  ResultPtr res(PQprepare(conn_, name.c_str(), text.c_str(), count, nullptr));
  if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) return fail(error(res.get(), what));
  return &statements_.emplace(sql, std::move(name)).first->second;
}

StoreResult<Connection::ResultPtr> Connection::run(const std::string& sql,
                                                   const std::vector<sql::Value>& binds,
                                                   std::string_view what) {
  auto name = prepared(sql, binds.size(), what);
  if (!name) return fail(name.error());
  std::vector<std::string> numbers(binds.size());
  std::vector<const char*> values(binds.size(), nullptr);
  for (std::size_t i = 0; i < binds.size(); ++i) {
    if (const auto* s = std::get_if<std::string>(&binds[i])) {
      // Text parameters end at a NUL byte, which PostgreSQL text cannot hold anyway.
      if (s->find('\0') != std::string::npos) {
        return fail(StoreError{StoreErrc::Invalid, std::string(what) + ": NUL byte in text"});
      }
      values[i] = s->c_str();
    } else if (const auto* n = std::get_if<std::int64_t>(&binds[i])) {
      numbers[i] = std::to_string(*n);
      values[i] = numbers[i].c_str();
    } else if (const auto* d = std::get_if<double>(&binds[i])) {
      numbers[i] = sql::double_text(*d);
      values[i] = numbers[i].c_str();
    }
  }
  ResultPtr res(PQexecPrepared(conn_, (*name)->c_str(), static_cast<int>(binds.size()),
                               values.data(), nullptr, nullptr, /*resultFormat=*/0));
  auto status = PQresultStatus(res.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return fail(error(res.get(), what));
  }
  ++completed_;
  return res;
}

StoreResult<std::int64_t> Connection::exec(const std::string& sql,
                                           const std::vector<sql::Value>& binds,
                                           std::string_view what) {
  auto res = run(sql, binds, what);
  if (!res) return fail(res.error());
  std::string_view n = PQcmdTuples(res->get());
  std::int64_t changed = 0;
  std::from_chars(n.data(), n.data() + n.size(), changed);
  return changed;
}

StoreResult<void> Connection::query(const std::string& sql, const std::vector<sql::Value>& binds,
                                    std::string_view what,
                                    const std::function<bool(const sql::Row&)>& on_row) {
  auto res = run(sql, binds, what);
  if (!res) return fail(res.error());
  const int rows = PQntuples(res->get());
  for (int i = 0; i < rows; ++i) {
    if (!on_row(ResultRow(res->get(), i))) break;
  }
  return {};
}

StoreResult<void> Connection::exec_script(const std::string& sql, std::string_view what) {
  ResultPtr res(PQexec(conn_, sql.c_str()));
  auto status = PQresultStatus(res.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
    return fail(error(res.get(), what));
  }
  ++completed_;
  return {};
}

}  // namespace ember::store::postgres
