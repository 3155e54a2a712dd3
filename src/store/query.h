// The backend-neutral search query that the FHIR search planner produces and every store
// implementation executes (SQLite today, PostgreSQL later). It carries already-parsed values:
// a store never parses FHIR syntax. Access policy (compartment, granular filters) arrives here
// as ordinary AND clauses, so it is applied inside the query, never after paging.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ember::store {

// FHIR R4 SearchParameter.type.
enum class ParamType { Number, Date, String, Token, Reference, Composite, Quantity, Uri, Special };

// Prefixes of number, date and quantity values (FHIR R4 search §3.1.1.4.2).
enum class Prefix { Eq, Ne, Gt, Lt, Ge, Le, Sa, Eb, Ap };

enum class Modifier {
  None,
  Exact,     // string: case- and accent-sensitive whole match
  Contains,  // string / uri: substring
  Missing,   // any type: `missing` says which
  Not,       // token: no index row equal to the value
  Text,      // token: match on display/text
  Below,     // uri: prefix match
  Above,     // uri: the value starts with the index value
};

// One search value for one parameter. Which fields mean something depends on `type`:
//   String    : text (normalized: lower case, accents folded) for None/Contains; raw for Exact
//   Token     : system (nullopt = any system; "" = no system), code; text for :text
//   Reference : target_type ("" = any) and target_id; or url for absolute references
//   Date      : prefix, lo_ms..hi_ms (inclusive) — the range of the search value's precision
//   Number    : prefix, number, lo..hi — the implied range of the value's precision
//   Quantity  : as Number, plus system/code (nullopt = any unit)
//   Uri       : text (exact)
// Special parameter names handled by columns, not index rows: "_id" (Token, code = id) and
// "_lastUpdated" (Date).
struct Predicate {
  std::string param;
  ParamType type = ParamType::Token;
  Modifier modifier = Modifier::None;
  bool missing = false;  // for Modifier::Missing: true = must have no value
  Prefix prefix = Prefix::Eq;
  std::string text;
  std::optional<std::string> system;
  std::string code;
  std::string target_type;
  std::string target_id;
  std::string url;
  double number = 0, lo = 0, hi = 0;
  std::int64_t lo_ms = 0, hi_ms = 0;
};

// Values of one parameter occurrence: any may match (OR).
struct Clause {
  std::vector<Predicate> any_of;
};

struct SortKey {
  std::string param;  // a search parameter code, or "_id" / "_lastUpdated"
  ParamType type = ParamType::Token;
  bool descending = false;
};

enum class TotalMode { None, Estimate, Accurate };

struct Query {
  std::string resource_type;
  std::vector<Clause> all_of;  // every clause must hold (AND)
  std::vector<SortKey> sort;   // default: _lastUpdated descending is NOT implied; id order is
  std::size_t count = 20;      // page size; 0 with count_only
  std::size_t offset = 0;
  bool count_only = false;     // _summary=count
  TotalMode total = TotalMode::Accurate;
};

}  // namespace ember::store
