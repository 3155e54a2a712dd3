// FHIR date, dateTime and instant values as millisecond ranges: a value stands for every instant
// its precision covers (2024 = the whole year), which is what search prefixes compare against.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace ember::fhir {

struct DateRange {
  std::int64_t lo_ms = 0;  // first millisecond covered (UTC)
  std::int64_t hi_ms = 0;  // last millisecond covered, inclusive
};

// YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mm(:ss(.fff))(Z|±hh:mm). Values without a zone are
// taken as UTC. nullopt for anything else (including impossible dates such as 2023-02-30).
std::optional<DateRange> parse_date_range(std::string_view text);

}  // namespace ember::fhir
