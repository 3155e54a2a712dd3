// The one way the EHR screens look patients up (the authorization's patient picker, the
// portal's patient list, the launcher's patient select): a bounded Patient query sorted by
// family name, optionally narrowed to what the user typed.
#pragma once
#include <cstddef>
#include <string_view>

#include "store/query.h"

namespace ember::fhir {

// Patients whose name matches `text` (FHIR string search: normalized, starts-with on any name
// part) OR whose identifier (e.g. an MRN) is exactly `text`; every Patient when `text` is
// empty. Sorted by family name, at most `limit` results, no total.
store::Query patient_search_query(std::string_view text, std::size_t limit);

}  // namespace ember::fhir
