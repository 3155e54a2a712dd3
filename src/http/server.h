// The HTTP/1.1 server (Boost.Beast advanced-server style): sessions own the socket, strand and
// timers, read one request at a time (pipelining-safe), enforce the size and time limits below,
// and hand each request to a synchronous Handler. Optional TLS (1.2+) for every connection.
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"
#include "http/client_address.h"
#include "http/types.h"

namespace ember::http {

inline constexpr std::size_t kDefaultMaxHeaderBytes = 16 * 1024;      // beyond: 431
inline constexpr std::size_t kDefaultMaxBodyBytes = 8 * 1024 * 1024;  // beyond: 413

struct ServerOptions {
  std::string address = "127.0.0.1";  // IP literal ("localhost" is read as 127.0.0.1)
  std::uint16_t port = 8080;          // 0 = any free port; see Server::port()
  unsigned threads = 0;               // 0 = std::thread::hardware_concurrency()
  std::size_t max_header_bytes = kDefaultMaxHeaderBytes;
  std::size_t max_body_bytes = kDefaultMaxBodyBytes;
  // From the first byte of a request to its last: slow (slowloris) clients are cut off.
  std::chrono::milliseconds read_timeout = std::chrono::seconds(30);
  // How long a keep-alive connection may wait for the next request.
  std::chrono::milliseconds idle_timeout = std::chrono::seconds(60);
  std::chrono::milliseconds write_timeout = std::chrono::seconds(30);
  // stop(): how long in-flight requests may take before the io_context is stopped anyway.
  std::chrono::milliseconds shutdown_grace = std::chrono::seconds(10);
  // Both set: every connection is TLS (minimum TLS 1.2). PEM files; the cert file may hold a chain.
  std::string tls_cert_file;
  std::string tls_key_file;
  bool access_log = true;  // one JSON line per request on the "ember.access" logger (stdout)
  // Reverse proxies whose X-Forwarded-For gives RequestContext::remote_addr (client_address.h).
  TrustedProxies trusted_proxies;
};

enum class ServerErrc {
  InvalidOptions,  // bad address, only one of cert/key, zero limits
  Tls,             // certificate or key could not be loaded
  Bind,            // the address could not be bound / listened on
  State,           // start() after stop, etc.
};

struct ServerError {
  ServerErrc code;
  std::string message;
};

class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();  // stop()s if still running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens (idempotent); returns the bound port. Accepting starts with start().
  [[nodiscard]] Result<std::uint16_t, ServerError> listen();
  // listen()s if needed, then runs the io_context on `threads` threads and accepts connections.
  [[nodiscard]] Result<void, ServerError> start();

  std::uint16_t port() const;  // 0 before listen()
  bool tls() const;

  // Graceful stop, non-blocking and safe from any thread (signal handlers, io threads): stop
  // accepting, close idle keep-alive connections, let in-flight requests finish (their
  // responses carry Connection: close), then stop the io_context after at most shutdown_grace.
  void request_stop();
  // Blocks until the io threads have exited. Never call it from an io thread (a handler).
  void wait();
  // request_stop() + wait().
  void stop();
  // SIGINT / SIGTERM → request_stop(), via asio::signal_set. Call before start().
  void stop_on_signals();

  // Connections currently open (for tests and diagnostics).
  std::size_t open_connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ember::http
