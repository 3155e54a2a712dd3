// Fuzz target: FHIR search-parameter parsing (fhir/search_parser.h) and the SQL it becomes
// (store/sql/search_sql.h). Input: an optional "!" (strict handling), an optional resource type
// and newline, then the query string. Properties: the canonical `applied` parameters (what the
// Bundle self link shows) parse again to the same list; the SQL of both dialects carries every
// value as a bind parameter, never as text (no quote but the LIKE escape, one '?' per bind).
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "fhir/search_parser.h"
#include "fuzz_check.h"
#include "http/url.h"
#include "store/sql/search_sql.h"

using namespace ember;

namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

void check_sql(const store::Query& q, store::sql::Dialect dialect) {
  for (auto build : {&store::sql::build_search_sql, &store::sql::build_count_sql}) {
    auto sql = build(q, dialect);
    if (!sql) continue;
    std::string text = sql->sql;
    for (std::size_t p; (p = text.find("ESCAPE '\\'")) != std::string::npos;) text.erase(p, 10);
    FUZZ_CHECK(text.find('\'') == std::string::npos);
    if (dialect == store::sql::Dialect::Sqlite) {
      std::size_t marks = 0;
      for (char c : text) marks += c == '?';
      FUZZ_CHECK(marks == sql->binds.size());
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view in = fuzz::as_view(data, size);
  fhir::SearchLimits limits;
  if (!in.empty() && in.front() == '!') {
    limits.strict = true;
    in.remove_prefix(1);
  }
  std::string type = "Observation";
  if (auto nl = in.find('\n'); nl != std::string_view::npos && nl <= 64) {
    type = std::string(in.substr(0, nl));
    in.remove_prefix(nl + 1);
  }
  auto form = http::parse_form(in);
  if (!form) return 0;
  Params params;
  for (auto& p : *form) params.emplace_back(std::move(p.name), std::move(p.value));

  auto parsed = fhir::parse_search(type, params, limits);
  if (!parsed) {
    FUZZ_CHECK(!parsed.error().message.empty());
    return 0;
  }
  check_sql(parsed->query, store::sql::Dialect::Sqlite);
  check_sql(parsed->query, store::sql::Dialect::Postgres);

  // The self link's parameters are a search of their own that applies the same parameters.
  fhir::SearchLimits strict = limits;
  strict.strict = true;
  auto again = fhir::parse_search(type, parsed->applied, strict);
  FUZZ_CHECK(again);
  FUZZ_CHECK(again->applied == parsed->applied);
  return 0;
}
