// Fuzz target: the SMART scope grammar (smart/scopes.h), v1 and v2. Properties: a parsed
// resource scope covers itself and is equivalent to the parse of its v2 text, of its v1 text
// (when one exists) and of format_scope's text; the lenient and strict set parsers agree.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "smart/scopes.h"

using namespace ember;

namespace {

void check_resource(const smart::ResourceScope& r) {
  FUZZ_CHECK(smart::covers(r, r));
  FUZZ_CHECK(smart::letters_include(r.letters, r.letters));
  for (const std::string& text : {smart::to_v2(r), smart::to_v1(r), smart::format_scope(r)}) {
    if (text.empty()) continue;
    auto back = smart::parse_scope(text);
    FUZZ_CHECK(back && back->kind == smart::ScopeKind::Resource);
    FUZZ_CHECK(smart::equivalent(back->resource, r));
    FUZZ_CHECK(smart::covers(back->resource, r) && smart::covers(r, back->resource));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in = fuzz::as_view(data, size);

  if (auto one = smart::parse_scope(in)) {
    FUZZ_CHECK(one->text == in);
    FUZZ_CHECK(smart::covers(*one, *one));
    if (one->kind == smart::ScopeKind::Resource) check_resource(one->resource);
  }

  auto lenient = smart::parse_scopes(in);
  auto strict = smart::parse_scopes_strict(in);
  FUZZ_CHECK(strict.has_value() == lenient.rejected.empty());
  if (strict) FUZZ_CHECK(strict->to_string() == lenient.scopes.to_string());
  for (const auto& s : lenient.scopes.all()) {
    FUZZ_CHECK(lenient.scopes.contains(s.text));
    FUZZ_CHECK(smart::covered_by(lenient.scopes, s));
  }
  for (const auto& r : lenient.scopes.resources()) check_resource(r);
  // The granted string parses back to the same set.
  auto regranted = smart::parse_scopes_strict(lenient.scopes.to_string());
  FUZZ_CHECK(regranted && regranted->to_string() == lenient.scopes.to_string());
  return 0;
}
