// In-memory evaluation of store clauses against a resource's index rows: the same semantics as
// the SQL in store/sql/search_sql.cc, used to check that a write stays within the policy's
// constraints before it reaches the store.
#include <algorithm>

#include "fhir/rest_internal.h"

namespace ember::fhir {

namespace {

using store::Predicate;
using store::Prefix;

bool date_ok(Prefix p, std::int64_t lo, std::int64_t hi, std::int64_t slo, std::int64_t shi) {
  switch (p) {
    case Prefix::Eq: return lo >= slo && hi <= shi;
    case Prefix::Ne: return !(lo >= slo && hi <= shi);
    case Prefix::Gt: return hi > shi;
    case Prefix::Lt: return lo < slo;
    case Prefix::Ge: return hi >= slo;
    case Prefix::Le: return lo <= shi;
    case Prefix::Sa: return lo > shi;
    case Prefix::Eb: return hi < slo;
    case Prefix::Ap: {
      std::int64_t slack = std::max<std::int64_t>((shi - slo) / 10, 86'400'000);
      return lo <= shi + slack && hi >= slo - slack;
    }
  }
  return false;
}

bool number_ok(const Predicate& p, double v) {
  switch (p.prefix) {
    case Prefix::Eq: return v >= p.lo && v < p.hi;
    case Prefix::Ne: return !(v >= p.lo && v < p.hi);
    case Prefix::Gt:
    case Prefix::Sa: return v > p.number;
    case Prefix::Lt:
    case Prefix::Eb: return v < p.number;
    case Prefix::Ge: return v >= p.number;
    case Prefix::Le: return v <= p.number;
    case Prefix::Ap: {
      double d = std::abs(p.number) * 0.1;
      return v >= p.number - d && v <= p.number + d;
    }
  }
  return false;
}

template <class Rows, class Fn>
bool any_row(const Rows& rows, const std::string& param, Fn fn) {
  return std::any_of(rows.begin(), rows.end(),
                     [&](const auto& r) { return r.param == param && fn(r); });
}

template <class Rows>
bool has_param(const Rows& rows, const std::string& param) {
  return any_row(rows, param, [](const auto&) { return true; });
}

bool predicate_matches(const std::string& id, const store::IndexEntries& ix, const Predicate& p) {
  if (p.param == "_id") return (p.modifier == store::Modifier::Not) != (id == p.code);
  if (p.param == "_lastUpdated") return false;  // not known before the store stamps it
  using store::ParamType;
  if (p.modifier == store::Modifier::Missing) {
    bool has = false;
    switch (p.type) {
      case ParamType::String: has = has_param(ix.strings, p.param); break;
      case ParamType::Token: has = has_param(ix.tokens, p.param); break;
      case ParamType::Reference: has = has_param(ix.references, p.param); break;
      case ParamType::Date: has = has_param(ix.dates, p.param); break;
      case ParamType::Number:
      case ParamType::Quantity: has = has_param(ix.numbers, p.param); break;
      case ParamType::Uri: has = has_param(ix.uris, p.param); break;
      default: return false;
    }
    return has != p.missing;
  }
  switch (p.type) {
    case ParamType::Token: {
      bool found = any_row(ix.tokens, p.param, [&](const auto& t) {
        if (p.modifier == store::Modifier::Text) return t.text.starts_with(p.text);
        return (p.code.empty() || t.code == p.code) && (!p.system || t.system == *p.system);
      });
      return p.modifier == store::Modifier::Not ? !found : found;
    }
    case ParamType::Reference:
      return any_row(ix.references, p.param, [&](const auto& r) {
        if (!p.target_id.empty()) {
          return (r.target_id == p.target_id &&
                  (p.target_type.empty() || r.target_type == p.target_type)) ||
                 (!p.url.empty() && r.url == p.url);
        }
        return r.url == p.url;
      });
    case ParamType::String:
      return any_row(ix.strings, p.param, [&](const auto& s) {
        if (p.modifier == store::Modifier::Exact) return s.exact == p.text;
        if (p.modifier == store::Modifier::Contains) {
          return s.normalized.find(p.text) != std::string::npos;
        }
        return s.normalized.starts_with(p.text);
      });
    case ParamType::Date:
      return any_row(ix.dates, p.param, [&](const auto& d) {
        return date_ok(p.prefix, d.lo_ms, d.hi_ms, p.lo_ms, p.hi_ms);
      });
    case ParamType::Number:
    case ParamType::Quantity:
      return any_row(ix.numbers, p.param, [&](const auto& n) {
        if (p.type == ParamType::Quantity) {
          if (p.system && !p.system->empty() && n.system != *p.system) return false;
          if (!p.code.empty() && n.code != p.code) return false;
        }
        return number_ok(p, n.value);
      });
    case ParamType::Uri:
      return any_row(ix.uris, p.param, [&](const auto& u) {
        switch (p.modifier) {
          case store::Modifier::Below: return u.value.starts_with(p.text);
          case store::Modifier::Above: return p.text.starts_with(u.value);
          case store::Modifier::Contains: return u.value.find(p.text) != std::string::npos;
          default: return u.value == p.text;
        }
      });
    default:
      return false;
  }
}

}  // namespace

bool index_matches(const std::string& id, const store::IndexEntries& ix,
                   const std::vector<store::Clause>& clauses) {
  for (const auto& clause : clauses) {
    bool any = std::any_of(clause.any_of.begin(), clause.any_of.end(),
                           [&](const Predicate& p) { return predicate_matches(id, ix, p); });
    if (!any && !clause.any_of.empty()) return false;
  }
  return true;
}

}  // namespace ember::fhir
