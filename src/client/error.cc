#include "ember/client/error.h"

namespace ember::client {

std::string_view to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::InvalidArgument:
      return "invalid_argument";
    case ErrorKind::Transport:
      return "transport";
    case ErrorKind::HttpStatus:
      return "http_status";
    case ErrorKind::OAuthError:
      return "oauth_error";
    case ErrorKind::InvalidResponse:
      return "invalid_response";
    case ErrorKind::IdTokenInvalid:
      return "id_token_invalid";
    case ErrorKind::StateMismatch:
      return "state_mismatch";
    case ErrorKind::Timeout:
      return "timeout";
    case ErrorKind::FhirError:
      return "fhir_error";
    case ErrorKind::NotAuthenticated:
      return "not_authenticated";
    case ErrorKind::Storage:
      return "storage";
  }
  return "unknown";
}

std::string Error::describe() const {
  if (kind == ErrorKind::OAuthError && !error.empty()) {
    std::string out = "error: " + error;
    if (!error_description.empty()) out += " (" + error_description + ")";
    return out;
  }
  std::string out = "error: " + std::string(to_string(kind));
  if (!reason.empty()) out += " [" + reason + "]";
  if (!message.empty()) out += " (" + message + ")";
  for (const auto& issue : issues) {
    if (issue.diagnostics.empty()) continue;
    out += "; " + (issue.code.empty() ? std::string() : issue.code + ": ") + issue.diagnostics;
  }
  return out;
}

}  // namespace ember::client
