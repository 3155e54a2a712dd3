#include "http/responses.h"

namespace ember::http {

Response make_response(const Request& req, bhttp::status status, std::string_view content_type,
                       std::string body) {
  Response res{status, req.version()};
  if (!content_type.empty()) res.set(bhttp::field::content_type, content_type);
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response json_response(const Request& req, bhttp::status status, std::string body) {
  return make_response(req, status, kJsonType, std::move(body));
}

Response text_response(const Request& req, bhttp::status status, std::string body) {
  return make_response(req, status, kTextType, std::move(body));
}

Response html_response(const Request& req, bhttp::status status, std::string body) {
  return make_response(req, status, kHtmlType, std::move(body));
}

Response json_error(const Request& req, bhttp::status status, std::string_view code) {
  std::string body = "{\"error\":\"";
  body += code;
  body += "\"}";
  return json_response(req, status, std::move(body));
}

Response see_other(const Request& req, const std::string& location) {
  Response res{bhttp::status::see_other, req.version()};
  res.keep_alive(req.keep_alive());
  res.set(bhttp::field::location, location);
  res.set("Referrer-Policy", "no-referrer");
  no_store(res);
  res.prepare_payload();
  return res;
}

void no_store(Response& resp) {
  resp.set(bhttp::field::cache_control, "no-store");
  resp.set(bhttp::field::pragma, "no-cache");
}

}  // namespace ember::http
