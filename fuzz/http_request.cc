// Fuzz target: the HTTP request path. Raw bytes go through Boost.Beast's request parser with
// Ember's limits (http/server.h), as a Session reads them; a parsed request then goes through
// Ember's own handling: the router and CORS wrapper, target/query decoding, X-Request-Id,
// cookies, Content-Type/Accept negotiation, form bodies and token-endpoint client
// authentication (HTTP Basic / client_secret_post / client assertion) against a fixed client.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "fhir/negotiation.h"
#include "fuzz_check.h"
#include "http/cookies.h"
#include "http/cors.h"
#include "http/headers.h"
#include "http/responses.h"
#include "http/router.h"
#include "http/request_id.h"
#include "http/server.h"
#include "http/url.h"
#include "oauth/client_auth.h"

using namespace ember;
namespace bhttp = http::bhttp;

namespace {

std::string_view sv(boost::beast::string_view s) { return {s.data(), s.size()}; }

store::ClientRecord fixed_client(std::string id, store::ClientType type) {
  store::ClientRecord c;
  c.client_id = std::move(id);
  c.type = type;
  return c;
}

// What the token endpoint does with a form body: parse it and authenticate the client.
http::Response token_like(const http::Request& req, http::RequestContext&) {
  auto ct = req.find(bhttp::field::content_type);
  auto mt = ct == req.end() ? std::nullopt : http::parse_media_type(sv(ct->value()));
  if (!mt || mt->essence() != "application/x-www-form-urlencoded") {
    return http::json_error(req, bhttp::status::bad_request, "invalid_request");
  }
  (void)mt->param("charset");
  auto form = http::parse_form(req.body());
  if (!form) return http::json_error(req, bhttp::status::bad_request, "invalid_request");
  auto lookup = [](const std::string& id) -> std::optional<store::ClientRecord> {
    if (id == "app") return fixed_client(id, store::ClientType::Public);
    if (id == "conf") return fixed_client(id, store::ClientType::ConfidentialSymmetric);
    if (id == "backend") return fixed_client(id, store::ClientType::Backend);
    return std::nullopt;
  };
  auto check = [](const store::ClientRecord&, const std::string& secret) {
    return secret == "s3cret";
  };
  auto assertion = [](std::string_view a, const store::ClientRecord&) -> Result<void, oauth::Error> {
    if (a.size() > 3) return {};
    return fail(oauth::Error{oauth::Errc::InvalidClient, "no"});
  };
  auto who = oauth::authenticate_client(req, *form, lookup, check, assertion);
  if (!who) return http::json_error(req, bhttp::status::unauthorized, "invalid_client");
  return http::json_response(req, bhttp::status::ok, "{\"client\":\"" + who->client.client_id + "\"}");
}

http::Response fhir_like(const http::Request& req, http::RequestContext&) {
  auto t = http::parse_target(sv(req.target()));
  if (!t) return http::json_error(req, bhttp::status::bad_request, "bad_target");
  if (auto f = http::find_param(t->query, "_format"); f && !fhir::format_ok(*f)) {
    return http::json_error(req, bhttp::status::not_acceptable, "format");
  }
  if (!fhir::accept_ok(sv(req[bhttp::field::accept]))) {
    return http::json_error(req, bhttp::status::not_acceptable, "accept");
  }
  for (const auto& m : http::parse_accept(sv(req[bhttp::field::accept]))) {
    (void)fhir::is_json_media(m);
    (void)m.matches("application", "fhir+json");
  }
  auto segs = fhir::split_path(t->path);
  return http::json_response(req, bhttp::status::ok, std::to_string(segs.size()));
}

http::Response page_like(const http::Request& req, http::RequestContext&) {
  auto session = http::get_cookie(req, "ember_session");
  auto csrf = http::get_cookie(req, "ember_csrf");
  auto res = http::html_response(req, bhttp::status::ok, session ? *session : "");
  if (csrf) http::set_cookie(res, "ember_csrf", http::percent_encode(*csrf), {});
  http::no_store(res);
  return res;
}

const http::Handler& handler() {
  static const http::Handler h = [] {
    http::Router r;
    r.add(bhttp::verb::post, "/oauth/token", token_like, "token");
    r.add_prefix(http::kAnyMethod, "/fhir", fhir_like, "fhir");
    r.add(bhttp::verb::get, "/ehr/signin", page_like, "signin");
    r.add(http::kAnyMethod, "/", page_like, "root");
    return http::with_cors(http::Handler(std::move(r)));
  }();
  return h;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // The parser sees the bytes as a Session does, in one buffer (eager: the body too).
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(http::kDefaultMaxHeaderBytes));
  parser.body_limit(static_cast<std::uint64_t>(http::kDefaultMaxBodyBytes));
  parser.eager(true);
  boost::beast::error_code ec;
  std::size_t used = parser.put(boost::asio::buffer(data, size), ec);
  FUZZ_CHECK(used <= size);
  if (ec == bhttp::error::need_more && parser.is_header_done() && !parser.is_done()) {
    // The client closed early: what a Session would see on end of stream.
    parser.put_eof(ec);
  }
  if (ec || !parser.is_done()) return 0;

  http::Request req = parser.release();
  const std::string_view path = http::target_path(sv(req.target()));
  FUZZ_CHECK(path.size() <= req.target().size());
  (void)http::is_acceptable_request_id(sv(req["X-Request-Id"]));
  (void)http::parse_media_type(sv(req[bhttp::field::content_type]));

  http::RequestContext ctx;
  ctx.request_id = "fuzz";
  ctx.remote_addr = "127.0.0.1";
  http::Response res = handler()(req, ctx);
  res.prepare_payload();
  std::ostringstream out;
  out << res;  // the response serializes (no header a handler set breaks it)
  return 0;
}
