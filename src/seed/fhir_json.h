// Small builders for the FHIR R4 datatypes the generator writes (Coding, CodeableConcept,
// Reference, Quantity, Identifier …) over Boost.JSON. Decimals are built from scaled integers and
// kept as exact text (json/exact.h), so "1.50" stays "1.50" instead of becoming 1.5E0.
#pragma once
#include <boost/json.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "seed/vocabulary.h"

namespace ember::seed {

namespace bj = boost::json;

// "1.50" for (150, 2); "-0.4" for (-4, 1); "72" for (72, 0).
std::string fixed_text(std::int64_t scaled, int places);
// A JSON number whose text is fixed_text(scaled, places).
bj::value decimal(std::int64_t scaled, int places);

bj::object coding(const Code& code);
// {"coding":[code],"text":display}
bj::object codeable(const Code& code);
bj::object codeable(const Code& code, std::string_view text);
bj::object text_codeable(std::string_view text);
// {"reference":"Type/id"} and, when given, "display".
bj::object reference(std::string_view type, std::string_view id, std::string_view display = {});
// UCUM quantity: value, unit (human readable), system, code.
bj::object quantity(std::int64_t scaled, int places, const Unit& unit);
bj::object identifier(std::string_view system, std::string_view value, std::string_view use = {});
bj::object period(std::string_view start, std::string_view end = {});
bj::array one(bj::value v);

// A resource object that starts with resourceType and id.
bj::object resource(std::string_view type, std::string_view id);

// Standard base64 (RFC 4648 §4, padded), as FHIR's base64Binary requires.
std::string base64(std::string_view bytes);

}  // namespace ember::seed
