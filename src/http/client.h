// A small synchronous HTTP/1.1 client for the server's own rare outbound calls (a client's
// jwks_uri, SMART backend services) and for the SMART client library (token requests, FHIR
// reads and writes): one request per connection on its own io_context, one
// deadline from connect to the last body byte, a bounded body, and redirects never followed.
// HTTPS verifies the peer certificate chain and the host name (SNI + X509_VERIFY_PARAM).
#pragma once
#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"
#include "http/types.h"

namespace ember::http {

// Connect, TLS handshake, write and read together must finish within this.
inline constexpr std::chrono::milliseconds kDefaultClientTimeout = std::chrono::seconds(5);
inline constexpr std::size_t kDefaultClientMaxBodyBytes = 1024 * 1024;
inline constexpr std::size_t kClientMaxHeaderBytes = 16 * 1024;

struct ClientRequest {
  // GET, POST, PUT or DELETE (see is_supported_method); anything else is UnsupportedMethod.
  bhttp::verb method = bhttp::verb::get;
  std::string url;  // absolute http:// or https:// URL; no userinfo
  std::vector<std::pair<std::string, std::string>> headers;
  // Sent with Content-Length when non-empty, and always for POST and PUT (an empty body then
  // has Content-Length: 0, RFC 9110 §8.6). content_type, when set, becomes Content-Type.
  std::string body;
  std::string content_type;
  std::chrono::milliseconds timeout = kDefaultClientTimeout;
  std::size_t max_body_bytes = kDefaultClientMaxBodyBytes;
  // PEM trust anchors to use instead of the system store (tests, private PKI); "" = system.
  std::string ca_file;
};

struct ClientResponse {
  unsigned status = 0;
  bhttp::fields headers;  // case-insensitive lookup
  std::string body;

  // The field's value, "" when absent.
  std::string header(std::string_view name) const;
  std::string cache_control() const { return header("Cache-Control"); }
  std::string content_type() const { return header("Content-Type"); }
};

enum class ClientErrc {
  InvalidUrl,         // not absolute, scheme other than http/https, userinfo, no host
  UnsupportedMethod,  // anything but GET, POST, PUT, DELETE
  Resolve,            // the host name did not resolve
  Connect,            // no endpoint accepted the connection (refused, unreachable)
  Tls,                // handshake failed: untrusted chain, host-name mismatch, protocol
  Timeout,            // the deadline passed before the response was complete
  BodyTooLarge,       // the body exceeds max_body_bytes
  Protocol,           // not a valid HTTP/1.1 response (or its header exceeds the limit)
  Io,                 // any other transport failure
};

struct ClientError {
  ClientErrc code;
  std::string message;  // for logs: the stage and the transport's reason
};

// The methods fetch performs.
bool is_supported_method(bhttp::verb method);

// "timeout", "body_too_large", ... for logs and metrics.
std::string_view to_string(ClientErrc e);

// Performs one request. Any status (3xx included) is a response, not an error: the caller
// decides what a non-200 means. DNS resolution is bounded by the system resolver, not timeout.
[[nodiscard]] Result<ClientResponse, ClientError> fetch(const ClientRequest& request);

// fetch's signature, for collaborators that take the transport as a parameter (tests fake it).
using FetchFunction = std::function<Result<ClientResponse, ClientError>(const ClientRequest&)>;

}  // namespace ember::http
