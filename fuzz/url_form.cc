// Fuzz target: request-target, query and form decoding (http/url.h) and the byte encodings of
// core/encoding.h. Properties: encode_query → parse_form gives back the same parameters;
// base64url/base64 decode → encode → decode is stable; percent_encode output parses back.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/encoding.h"
#include "fuzz_check.h"
#include "http/url.h"

using namespace ember;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in = fuzz::as_view(data, size);

  if (auto t = http::parse_target(in)) {
    FUZZ_CHECK(!t->raw_path.empty());
    FUZZ_CHECK(t->has_query || t->raw_query.empty());
    // The decoded parameters re-encode to a query that decodes to the same parameters.
    auto again = http::parse_form(http::encode_query(t->query));
    FUZZ_CHECK(again && *again == t->query);
  }

  if (auto form = http::parse_form(in)) {
    auto again = http::parse_form(http::encode_query(*form));
    FUZZ_CHECK(again && *again == *form);
    if (!form->empty()) (void)http::find_param(*form, form->front().name);
  }

  // percent_encode leaves only unreserved characters and %XX: always a valid form value.
  const std::string enc = http::percent_encode(in);
  auto one = http::parse_form("v=" + enc);
  FUZZ_CHECK(one && one->size() == 1 && (*one)[0].value == in);

  if (auto bytes = base64url_decode(in)) {
    const std::string round = base64url_encode(*bytes);
    auto again = base64url_decode(round);
    FUZZ_CHECK(again && *again == *bytes);
  }
  if (auto bytes = base64_decode(in)) (void)hex_encode({reinterpret_cast<const std::uint8_t*>(bytes->data()), bytes->size()});
  (void)constant_time_equals(in, enc);
  return 0;
}
