// What the EHR screens show to identify a Patient (picker rows, patient list, chart banner,
// launcher select), read leniently from its FHIR R4 JSON: a field of an unexpected shape counts
// as absent, never as an error.
#pragma once
#include <boost/json.hpp>

#include <string>
#include <string_view>

namespace ember::fhir {

// The display name: name[0].text if not empty, else name[0]'s non-empty given names and family
// joined by single spaces; `if_none` when the Patient has no usable name.
std::string human_name(const boost::json::object& patient, std::string_view if_none = "(no name)");

// The medical record number: the first non-empty value of an identifier typed MR (HL7 v2 table
// 0203, in any coding of identifier.type) or whose system mentions "mrn"; "" when there is none.
std::string mrn_of(const boost::json::object& patient);

}  // namespace ember::fhir
