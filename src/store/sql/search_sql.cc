#include "store/sql/search_sql.h"

#include <cmath>
#include <limits>

namespace ember::store::sql {

std::string_view index_table(ParamType type) {
  switch (type) {
    case ParamType::String:
      return "idx_string";
    case ParamType::Token:
      return "idx_token";
    case ParamType::Reference:
      return "idx_ref";
    case ParamType::Date:
      return "idx_date";
    case ParamType::Number:
    case ParamType::Quantity:
      return "idx_number";
    case ParamType::Uri:
      return "idx_uri";
    default:
      return "";
  }
}

// SQLite compares the bytes as they are and any byte may follow: p + 0xFF is above every string
// starting with p, since no UTF-8 byte is 0xFF. PostgreSQL refuses text that is not UTF-8, so
// there the bound is p + U+10FFFF, the highest code point; only strings continuing p with that
// very noncharacter fall outside.
std::string prefix_upper(const std::string& p, Dialect dialect) {
  return p + (dialect == Dialect::Sqlite ? "\xFF" : "\xF4\x8F\xBF\xBF");
}

namespace {

std::string like_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

class Builder {
 public:
  Builder(const Query& q, Dialect dialect) : q_(q), dialect_(dialect) {}

  StoreResult<std::string> where() {
    // One selective clause drives the query through the rowid (`r.pk IN (subquery)`; in SQLite
    // the unary `+` keeps the planner from scanning every resource of the type instead, while
    // PostgreSQL's cost-based planner needs no hint and has no such syntax); every other
    // predicate is a correlated EXISTS probe on (pk, param), so large, unselective sets (e.g.
    // every laboratory Observation) are never materialized. An `_id` clause is best served by
    // the (type, id) index, so then the type stays indexable.
    bool has_id = false;
    int best_rank = 100;
    for (std::size_t i = 0; i < q_.all_of.size(); ++i) {
      const auto& clause = q_.all_of[i];
      if (clause.any_of.size() != 1) continue;
      const Predicate& p = clause.any_of[0];
      if (p.param == "_id" && p.modifier != Modifier::Not) has_id = true;
      int rank = driver_rank(p);
      if (rank < best_rank) {
        best_rank = rank;
        driver_ = i;
      }
    }
    if (has_id) driver_ = kNoDriver;
    std::string w = driver_ != kNoDriver && dialect_ == Dialect::Sqlite
                        ? "+r.type = ? AND +r.deleted = 0"
                        : "r.type = ? AND r.deleted = 0";
    binds.emplace_back(q_.resource_type);
    for (std::size_t i = 0; i < q_.all_of.size(); ++i) {
      const auto& clause = q_.all_of[i];
      if (clause.any_of.empty()) continue;
      current_is_driver_ = i == driver_;
      std::string c;
      for (const auto& p : clause.any_of) {
        auto s = predicate(p);
        if (!s) return fail(s.error());
        if (!c.empty()) c += " OR ";
        c += "(" + *s + ")";
      }
      w += " AND (" + c + ")";
    }
    return w;
  }

  std::vector<Value> binds;

 private:
  // Range semantics of prefixes for dates (R4 search §3.1.1.4.2): index range [lo, hi] against
  // the search value's range [slo, shi].
  std::string date_condition(Prefix prefix, const std::string& lo, const std::string& hi,
                             std::int64_t slo, std::int64_t shi) {
    auto b = [&](std::int64_t v) { binds.emplace_back(v); };
    switch (prefix) {
      case Prefix::Eq:
        b(slo);
        b(shi);
        return lo + " >= ? AND " + hi + " <= ?";
      case Prefix::Ne:
        b(slo);
        b(shi);
        return "NOT (" + lo + " >= ? AND " + hi + " <= ?)";
      case Prefix::Gt:
        b(shi);
        return hi + " > ?";
      case Prefix::Lt:
        b(slo);
        return lo + " < ?";
      case Prefix::Ge:
        b(slo);
        return hi + " >= ?";
      case Prefix::Le:
        b(shi);
        return lo + " <= ?";
      case Prefix::Sa:
        b(shi);
        return lo + " > ?";
      case Prefix::Eb:
        b(slo);
        return hi + " < ?";
      case Prefix::Ap: {
        // Approximately: overlap after widening the search range by 10% of its distance from
        // now-ish (we use its own width, at least one day).
        std::int64_t slack = std::max<std::int64_t>((shi - slo) / 10, 86'400'000);
        b(shi + slack);
        b(slo - slack);
        return lo + " <= ? AND " + hi + " >= ?";
      }
    }
    return "1 = 0";
  }

  std::string number_condition(const Predicate& p, const std::string& col) {
    auto b = [&](double v) { binds.emplace_back(v); };
    switch (p.prefix) {
      case Prefix::Eq:
        b(p.lo);
        b(p.hi);
        return col + " >= ? AND " + col + " < ?";
      case Prefix::Ne:
        b(p.lo);
        b(p.hi);
        return "NOT (" + col + " >= ? AND " + col + " < ?)";
      case Prefix::Gt:
      case Prefix::Sa:
        b(p.number);
        return col + " > ?";
      case Prefix::Lt:
      case Prefix::Eb:
        b(p.number);
        return col + " < ?";
      case Prefix::Ge:
        b(p.number);
        return col + " >= ?";
      case Prefix::Le:
        b(p.number);
        return col + " <= ?";
      case Prefix::Ap: {
        double d = std::fabs(p.number) * 0.1;
        b(p.number - d);
        b(p.number + d);
        return col + " >= ? AND " + col + " <= ?";
      }
    }
    return "1 = 0";
  }

  // The driver: "r.pk IN (SELECT pk FROM <table> WHERE type = ? AND param = ? AND <cond>)";
  // any other predicate: "[NOT] EXISTS (SELECT 1 FROM <table> x WHERE x.pk = r.pk AND ...)".
  std::string in_index(std::string_view table, const std::string& param, const std::string& cond,
                       bool negate, std::vector<Value> cond_binds) {
    std::string s;
    if (current_is_driver_ && !negate) {
      binds.emplace_back(q_.resource_type);
      binds.emplace_back(param);
      s = "r.pk IN (SELECT pk FROM " + std::string(table) + " WHERE type = ? AND param = ?";
    } else {
      binds.emplace_back(param);
      s = std::string(negate ? "NOT " : "") + "EXISTS (SELECT 1 FROM " + std::string(table) +
          " x WHERE x.pk = r.pk AND x.param = ?";
    }
    for (auto& v : cond_binds) binds.push_back(std::move(v));
    if (!cond.empty()) s += " AND " + cond;
    return s + ")";
  }

  // Lower = likelier to be selective; kNoRank = cannot drive.
  static int driver_rank(const Predicate& p) {
    if (p.param.empty() || p.param[0] == '_') return kNoRank;
    if (p.modifier == Modifier::Not || p.modifier == Modifier::Missing ||
        p.modifier == Modifier::Contains || p.modifier == Modifier::Above) {
      return kNoRank;
    }
    if (p.prefix == Prefix::Ne) return kNoRank;
    switch (p.type) {
      case ParamType::Reference:
        return 1;
      case ParamType::Token:
        return p.code.empty() ? kNoRank : 2;
      case ParamType::String:
        return 3;
      case ParamType::Uri:
        return 4;
      case ParamType::Date:
        return 5;
      case ParamType::Number:
      case ParamType::Quantity:
        return 6;
      default:
        return kNoRank;
    }
  }

  static constexpr int kNoRank = 100;
  static constexpr std::size_t kNoDriver = static_cast<std::size_t>(-1);
  std::size_t driver_ = kNoDriver;
  bool current_is_driver_ = false;

  StoreResult<std::string> predicate(const Predicate& p) {
    if (p.param == "_id") {
      binds.emplace_back(p.code);
      return std::string(p.modifier == Modifier::Not ? "r.id <> ?" : "r.id = ?");
    }
    if (p.param == "_lastUpdated") {
      return date_condition(p.prefix, "r.last_updated", "r.last_updated", p.lo_ms, p.hi_ms);
    }
    std::string_view table = index_table(p.type);
    if (table.empty()) {
      return fail(StoreError{StoreErrc::Invalid, "parameter type not searchable: " + p.param});
    }
    if (p.modifier == Modifier::Missing) return in_index(table, p.param, "", p.missing, {});

    // Conditions are built with their own binds, then wrapped.
    std::vector<Value> saved;
    saved.swap(binds);
    std::string cond;
    bool negate = false;
    switch (p.type) {
      case ParamType::String:
        if (p.modifier == Modifier::Exact) {
          binds.emplace_back(p.text);
          cond = "exact = ?";
        } else if (p.modifier == Modifier::Contains) {
          binds.emplace_back("%" + like_escape(p.text) + "%");
          cond = "norm " + like() + " ? ESCAPE '\\'";
        } else {
          binds.emplace_back(p.text);
          binds.emplace_back(prefix_upper(p.text, dialect_));
          cond = "norm >= ? AND norm < ?";
        }
        break;
      case ParamType::Token:
        if (p.modifier == Modifier::Text) {
          binds.emplace_back(p.text);
          binds.emplace_back(prefix_upper(p.text, dialect_));
          cond = "text >= ? AND text < ?";
          break;
        }
        negate = p.modifier == Modifier::Not;
        if (!p.code.empty()) {
          binds.emplace_back(p.code);
          cond = "code = ?";
        }
        if (p.system) {
          binds.emplace_back(*p.system);
          cond += std::string(cond.empty() ? "" : " AND ") + "system = ?";
        }
        break;
      case ParamType::Reference:
        if (!p.target_id.empty()) {
          binds.emplace_back(p.target_id);
          cond = "target_id = ?";
          if (!p.target_type.empty()) {
            binds.emplace_back(p.target_type);
            cond += " AND target_type = ?";
          }
          if (!p.url.empty()) {
            // An absolute reference also matches rows stored with the same URL.
            binds.emplace_back(p.url);
            cond = "(" + cond + ") OR url = ?";
            cond = "(" + cond + ")";
          }
        } else {
          binds.emplace_back(p.url);
          cond = "url = ?";
        }
        break;
      case ParamType::Date:
        cond = date_condition(p.prefix, "lo", "hi", p.lo_ms, p.hi_ms);
        break;
      case ParamType::Number:
      case ParamType::Quantity:
        cond = number_condition(p, "value");
        if (p.type == ParamType::Quantity) {
          if (p.system && !p.system->empty()) {
            binds.emplace_back(*p.system);
            cond += " AND system = ?";
          }
          if (!p.code.empty()) {
            binds.emplace_back(p.code);
            cond += " AND code = ?";
          }
        }
        break;
      case ParamType::Uri:
        if (p.modifier == Modifier::Below) {
          binds.emplace_back(p.text);
          binds.emplace_back(prefix_upper(p.text, dialect_));
          cond = "value >= ? AND value < ?";
        } else if (p.modifier == Modifier::Above) {
          binds.emplace_back(p.text);
          cond = "substr(?, 1, length(value)) = value";
        } else if (p.modifier == Modifier::Contains) {
          binds.emplace_back("%" + like_escape(p.text) + "%");
          cond = "value " + like() + " ? ESCAPE '\\'";
        } else {
          binds.emplace_back(p.text);
          cond = "value = ?";
        }
        break;
      default:
        binds.swap(saved);
        return fail(StoreError{StoreErrc::Invalid, "parameter type not searchable: " + p.param});
    }
    std::vector<Value> cond_binds;
    cond_binds.swap(binds);
    binds.swap(saved);
    return in_index(table, p.param, cond, negate, std::move(cond_binds));
  }

  // SQLite's LIKE ignores the case of ASCII letters; PostgreSQL's ILIKE does the same under
  // the "C" collation of the index columns (and only for ASCII).
  std::string like() const { return dialect_ == Dialect::Sqlite ? "LIKE" : "ILIKE"; }

  const Query& q_;
  Dialect dialect_;
};

constexpr std::string_view kFrom =
    " FROM resources r JOIN resource_versions v ON v.pk = r.pk AND v.version = r.version";

}  // namespace

StoreResult<SqlQuery> build_search_sql(const Query& q, Dialect dialect) {
  Builder b(q, dialect);
  auto w = b.where();
  if (!w) return fail(w.error());
  std::string order;
  std::vector<Value> order_binds;
  for (const auto& s : q.sort) {
    std::string key;
    if (s.param == "_id") {
      key = "r.id";
    } else if (s.param == "_lastUpdated") {
      key = "r.last_updated";
    } else {
      std::string_view table = index_table(s.type);
      std::string col;
      switch (s.type) {
        case ParamType::String:
          col = "norm";
          break;
        case ParamType::Token:
          col = "code";
          break;
        case ParamType::Reference:
          col = "target_id";
          break;
        case ParamType::Date:
          col = s.descending ? "hi" : "lo";
          break;
        case ParamType::Number:
        case ParamType::Quantity:
          col = "value";
          break;
        case ParamType::Uri:
          col = "value";
          break;
        default:
          return fail(StoreError{StoreErrc::Invalid, "cannot sort by " + s.param});
      }
      key = "(SELECT " + std::string(s.descending ? "MAX(" : "MIN(") + col + ") FROM " +
            std::string(table) + " x WHERE x.pk = r.pk AND x.param = ?)";
      order_binds.emplace_back(s.param);
    }
    // Resources without a value sort last in both directions.
    order += key + " IS NULL, " + key + (s.descending ? " DESC, " : " ASC, ");
    if (key.starts_with("(SELECT")) order_binds.emplace_back(s.param);
  }
  order += "r.pk ASC";
  SqlQuery out;
  out.sql = "SELECT r.pk, r.id, r.version, r.last_updated, v.json" + std::string(kFrom) +
            " WHERE " + *w + " ORDER BY " + order + " LIMIT ? OFFSET ?";
  out.binds = std::move(b.binds);
  for (auto& v : order_binds) out.binds.push_back(std::move(v));
  out.binds.emplace_back(static_cast<std::int64_t>(q.count));
  out.binds.emplace_back(static_cast<std::int64_t>(q.offset));
  return out;
}

StoreResult<SqlQuery> build_count_sql(const Query& q, Dialect dialect) {
  Builder b(q, dialect);
  auto w = b.where();
  if (!w) return fail(w.error());
  return SqlQuery{"SELECT COUNT(*) FROM resources r WHERE " + *w, std::move(b.binds)};
}

}  // namespace ember::store::sql
