#include "http/url.h"

#include <cctype>

#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/parse_query.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace ember::http {

namespace urls = boost::urls;

namespace {

// '+' means space in query strings as browsers and form posts send them (WHATWG URL
// "application/x-www-form-urlencoded"); a literal plus arrives as %2B.
const urls::encoding_opts kFormDecoding(/*space_as_plus=*/true);

QueryParams decode_params(const urls::params_encoded_view& encoded) {
  QueryParams out;
  out.reserve(encoded.size());
  for (const auto& p : encoded) {
    QueryParam qp;
    qp.name = p.key.decode(kFormDecoding);
    if (p.has_value) qp.value = p.value.decode(kFormDecoding);
    out.push_back(std::move(qp));
  }
  return out;
}

// Clients commonly send characters RFC 3986 does not allow unescaped in a query, above all the
// '|' of FHIR token searches (code=http://loinc.org|1234-5). Escape those (and non-ASCII bytes)
// before the strict parse; '%' is left alone so a malformed escape is still an error.
bool needs_escape(unsigned char c) {
  if (c >= 0x80 || c <= 0x20 || c == 0x7f) return true;
  if (std::isalnum(c)) return false;
  static constexpr std::string_view kAllowed = "-._~!$&'()*+,;=:@/?%";
  return kAllowed.find(static_cast<char>(c)) == std::string_view::npos;
}

std::string escape_lenient(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (needs_escape(c)) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else {
      out += ch;
    }
  }
  return out;
}

Target from_view(const urls::url_view& u) {
  Target t;
  t.path = u.path();
  t.raw_path = std::string(u.encoded_path());
  if (t.raw_path.empty()) {  // absolute-form "http://h" has an empty path
    t.raw_path = "/";
    t.path = "/";
  }
  t.has_query = u.has_query();
  if (t.has_query) {
    t.raw_query = std::string(u.encoded_query());
    if (!t.raw_query.empty()) t.query = decode_params(u.encoded_params());
  }
  return t;
}

}  // namespace

Result<Target, UrlErrc> parse_target(std::string_view target) {
  if (target == "*") {  // OPTIONS * (RFC 9112 §3.2.4)
    Target t;
    t.path = t.raw_path = "*";
    return t;
  }
  const std::string escaped = escape_lenient(target);
  target = escaped;
  if (!target.empty() && target.front() == '/') {
    auto r = urls::parse_origin_form(target);
    if (!r) return fail(UrlErrc::InvalidTarget);
    return from_view(*r);
  }
  auto r = urls::parse_absolute_uri(target);
  if (!r || (r->scheme_id() != urls::scheme::http && r->scheme_id() != urls::scheme::https)) {
    return fail(UrlErrc::InvalidTarget);
  }
  return from_view(*r);
}

Result<QueryParams, UrlErrc> parse_form(std::string_view body) {
  if (body.empty()) return QueryParams{};
  const std::string escaped = escape_lenient(body);
  auto r = urls::parse_query(escaped);
  if (!r) return fail(UrlErrc::InvalidEncoding);
  return decode_params(*r);
}

std::optional<std::string_view> find_param(const QueryParams& params, std::string_view name) {
  for (const auto& p : params) {
    if (p.name == name) return std::string_view(p.value);
  }
  return std::nullopt;
}

std::string percent_encode(std::string_view s) {
  return urls::encode(s, urls::unreserved_chars);
}

std::string encode_query(const QueryParams& params) {
  std::string out;
  for (const auto& p : params) {
    if (!out.empty()) out += '&';
    out += percent_encode(p.name);
    out += '=';
    out += percent_encode(p.value);
  }
  return out;
}

}  // namespace ember::http
