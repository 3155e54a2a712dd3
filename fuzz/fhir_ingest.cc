// Fuzz target: FHIR resource ingest (fhir/ingest.h) over exact-number JSON (json/exact.h).
// Properties: serialize_exact ∘ parse_exact is idempotent and keeps every number's text
// (decimal precision, FHIR R4 json.html); a resource that passes validation renders, with the id
// and meta the server stamps, to text that validates again, carries that id and meta, and
// renders identically a second time; the search index extraction does not crash.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fhir/ingest.h"
#include "fuzz_check.h"
#include "json/exact.h"

using namespace ember;
namespace bj = boost::json;

namespace {

constexpr std::int64_t kStampMs = 1700000000123;  // fixed clock

void check_numbers(const bj::value& v) {
  if (auto text = json::number_text(v)) {
    FUZZ_CHECK(json::number_text(json::make_number(*text)) == text);
    return;
  }
  if (v.is_array()) {
    for (const auto& e : v.get_array()) check_numbers(e);
  } else if (v.is_object()) {
    for (const auto& kv : v.get_object()) check_numbers(kv.value());
  }
}

std::string render(const std::string& type, bj::object resource) {
  auto op = fhir::make_put(type, "fuzz-id", std::move(resource), 0);
  FUZZ_CHECK(op.render);
  return op.render(store::Stamp{3, kStampMs});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in = fuzz::as_view(data, size);

  auto v = json::parse_exact(in);
  if (!v) return 0;
  check_numbers(*v);
  const std::string once = json::serialize_exact(*v);
  auto again = json::parse_exact(once);
  FUZZ_CHECK(again);
  FUZZ_CHECK(json::serialize_exact(*again) == once);

  auto res = fhir::parse_resource(in, "");
  if (!res) return 0;
  const std::string type(*json::get_string(*res, "resourceType"));
  FUZZ_CHECK(fhir::validate_resource(*v, type));

  const std::string out = render(type, std::move(*res));
  auto stored = fhir::parse_resource(out, type);
  FUZZ_CHECK(stored);
  FUZZ_CHECK(json::get_string(*stored, "id") == "fuzz-id");
  const bj::value* meta = json::find(*stored, "meta");
  FUZZ_CHECK(meta && meta->is_object());
  FUZZ_CHECK(json::get_string(meta->get_object(), "versionId") == "3");
  FUZZ_CHECK(json::get_string(meta->get_object(), "lastUpdated") == "2023-11-14T22:13:20.123Z");
  FUZZ_CHECK(render(type, std::move(*stored)) == out);
  return 0;
}
