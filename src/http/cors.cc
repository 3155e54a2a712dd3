#include "http/cors.h"

namespace ember::http {

namespace {
constexpr std::string_view kAllowMethods = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
constexpr std::string_view kAllowHeaders =
    "Authorization, Content-Type, Accept, Prefer, If-Match, If-None-Match, If-None-Exist, "
    "If-Modified-Since, X-Request-Id";
constexpr std::string_view kExposeHeaders =
    "Location, Content-Location, ETag, Last-Modified, WWW-Authenticate, X-Request-Id";
// Browsers may cache a preflight answer this long (seconds).
constexpr std::string_view kMaxAge = "600";
}  // namespace

Handler with_cors(Handler inner) {
  return [inner = std::move(inner)](const Request& req, RequestContext& ctx) {
    auto origin_it = req.find(bhttp::field::origin);
    if (origin_it == req.end()) return inner(req, ctx);
    std::string origin(origin_it->value());
    if (req.method() == bhttp::verb::options &&
        req.find(bhttp::field::access_control_request_method) != req.end()) {
      ctx.route = "cors_preflight";
      Response res{bhttp::status::no_content, req.version()};
      res.keep_alive(req.keep_alive());
      res.set(bhttp::field::access_control_allow_origin, origin);
      res.set(bhttp::field::access_control_allow_methods, kAllowMethods);
      res.set(bhttp::field::access_control_allow_headers, kAllowHeaders);
      res.set(bhttp::field::access_control_max_age, kMaxAge);
      res.set(bhttp::field::vary, "Origin");
      res.prepare_payload();
      return res;
    }
    Response res = inner(req, ctx);
    res.set(bhttp::field::access_control_allow_origin, origin);
    res.set(bhttp::field::access_control_expose_headers, kExposeHeaders);
    res.set(bhttp::field::vary, "Origin");
    return res;
  };
}

}  // namespace ember::http
