// What the client library needs from the outside world, injected so tests can fake it: an
// HTTP transport (one request → one response or a Transport error), a clock and a source of
// random bytes. `Services::system()` gives the real ones: an HTTP/1.1 client that verifies TLS
// certificates and host names, never follows redirects and bounds time and body size.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ember/client/error.h"

namespace ember::client {

struct HttpRequest {
  std::string method = "GET";  // GET, POST, PUT or DELETE
  std::string url;             // absolute http:// or https:// URL
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;          // sent when non-empty (or for POST/PUT)
  std::string content_type;  // Content-Type of the body, e.g. "application/x-www-form-urlencoded"
};

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The first header with this name (case-insensitive), "" when absent.
  std::string header(std::string_view name) const;
};

// Performs one request; any HTTP status is a response. Errors are ErrorKind::Transport.
using Transport = std::function<Result<HttpResponse>(const HttpRequest&)>;
// The current time.
using ClockFunction = std::function<std::chrono::system_clock::time_point()>;
// `n` cryptographically random bytes.
using RandomFunction = std::function<std::string(std::size_t n)>;

struct TransportOptions {
  std::chrono::milliseconds timeout = std::chrono::seconds(30);  // per request, connect to last byte
  std::size_t max_body_bytes = 16 * 1024 * 1024;                 // FHIR Bundles can be large
  std::string ca_file;  // PEM trust anchors instead of the system store; "" = system store
};

// The real transport (TLS verified, redirects returned not followed, bounded).
Transport default_transport(TransportOptions options = {});

struct Services {
  Transport transport;
  ClockFunction now;
  RandomFunction random;

  // default_transport(options), the system clock and OpenSSL's CSPRNG.
  static Services system(TransportOptions options = {});
};

}  // namespace ember::client
