// Normalization of text for FHIR string search, applied identically when indexing a resource
// and when parsing a search value, so that `name=jose` finds "José" and "  JOSÉ ".
#pragma once
#include <string>
#include <string_view>

namespace ember::fhir {

// Lower-cases ASCII and Latin-1/Latin Extended-A letters, folds their accents to the base letter
// (é→e, ß→ss, Æ→ae, Ł→l), drops combining diacritical marks (U+0300–U+036F, for decomposed
// input), collapses runs of whitespace (including U+00A0) to one space and trims both ends.
// Other characters, and bytes that are not valid UTF-8, pass through unchanged.
std::string normalize_string(std::string_view text);

}  // namespace ember::fhir
