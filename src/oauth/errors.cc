#include "oauth/errors.h"

#include <boost/json.hpp>

#include "http/responses.h"

namespace ember::oauth {

std::string_view error_code(Errc e) {
  switch (e) {
    case Errc::InvalidRequest: return "invalid_request";
    case Errc::InvalidClient: return "invalid_client";
    case Errc::InvalidGrant: return "invalid_grant";
    case Errc::UnauthorizedClient: return "unauthorized_client";
    case Errc::UnsupportedGrantType: return "unsupported_grant_type";
    case Errc::UnsupportedResponseType: return "unsupported_response_type";
    case Errc::InvalidScope: return "invalid_scope";
    case Errc::AccessDenied: return "access_denied";
    case Errc::ServerError: return "server_error";
    case Errc::TemporarilyUnavailable: return "temporarily_unavailable";
    case Errc::InvalidToken: return "invalid_token";
    case Errc::InsufficientScope: return "insufficient_scope";
    case Errc::UnsupportedTokenType: return "unsupported_token_type";
  }
  return "server_error";
}

int error_status(Errc e) {
  switch (e) {
    case Errc::InvalidClient:
    case Errc::InvalidToken: return 401;
    case Errc::InsufficientScope:
    case Errc::AccessDenied: return 403;
    case Errc::ServerError: return 500;
    case Errc::TemporarilyUnavailable: return 503;
    default: return 400;
  }
}

http::Response error_response(const http::Request& req, const Error& e) {
  boost::json::object o{{"error", error_code(e.code)}};
  if (!e.description.empty()) o["error_description"] = e.description;
  auto res = http::json_response(req, static_cast<http::bhttp::status>(error_status(e.code)),
                                 boost::json::serialize(o));
  http::no_store(res);
  if (e.code == Errc::InvalidClient && e.basic_auth_used) {
    res.set(http::bhttp::field::www_authenticate, "Basic realm=\"ember\", charset=\"UTF-8\"");
  }
  return res;
}

}  // namespace ember::oauth
