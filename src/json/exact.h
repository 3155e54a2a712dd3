// JSON that keeps every number's exact text. FHIR counts trailing zeros of a decimal as
// precision (1.50 ≠ 1.5), and Boost.JSON 1.81 turns non-integers into doubles, so parse_exact
// stores each number whose text would not survive an int64 round trip as a string carrying a
// private sentinel; serialize_exact writes it back as the original number text. Strings that
// contain control characters (other than tab, CR, LF) are refused, which FHIR forbids anyway and
// which keeps the sentinel unambiguous. Use the helpers below to read numbers.
#pragma once
#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace ember::json {

namespace bj = boost::json;

struct ParseLimits {
  std::size_t max_depth = 64;
  // Refuse an object that names a member twice (RFC 8259 §4 leaves it to the parser; Boost.JSON
  // keeps the last). On for what clients send (FHIR ingest), so no two readers of one request
  // can see different resources; off for Ember's own stored JSON.
  bool unique_keys = false;
};

struct ParseError {
  std::string message;
};

[[nodiscard]] Result<bj::value, ParseError> parse_exact(std::string_view text,
                                                        ParseLimits limits = {});
std::string serialize_exact(const bj::value& v);
// What serialize_exact does after Boost.JSON's serializer: the sentinel strings in `serialized`
// become their number text again (for JSON text assembled from several serialize calls).
std::string restore_exact_numbers(std::string serialized);

// A number value with this exact JSON text (the caller guarantees it is a JSON number).
bj::value make_number(std::string_view text);
bool is_number(const bj::value& v);
// The JSON text of a number value, or nullopt if v is not a number.
std::optional<std::string> number_text(const bj::value& v);
std::optional<double> as_double(const bj::value& v);

// Convenience lookups that tolerate a missing key or a wrong kind.
const bj::value* find(const bj::object& o, std::string_view key);
std::optional<std::string_view> get_string(const bj::object& o, std::string_view key);

}  // namespace ember::json
