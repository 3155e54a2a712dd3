// The loopback redirect listener for native apps (RFC 8252 §7.3): an HTTP listener on
// 127.0.0.1 with a port the OS picks (or a fixed one), which waits — bounded — for the browser
// to come back to `http://127.0.0.1:<port>/callback`, answers it with a small HTML page
// ("You can close this window") and hands over the query parameters.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "ember/client/error.h"

namespace ember::client {

// The authorization response (RFC 6749 §4.1.2 / §4.1.2.1) as it arrived.
struct CallbackParams {
  std::string code;
  std::string state;
  std::string error;  // set on an error redirect, e.g. "access_denied"
  std::string error_description;
  std::string error_uri;
};

class LoopbackListener {
 public:
  // Binds 127.0.0.1:`port` (0 = ephemeral). InvalidArgument when the path does not start with
  // '/'; Transport when the socket cannot be bound.
  [[nodiscard]] static Result<LoopbackListener> open(std::uint16_t port = 0,
                                                     std::string path = "/callback");
  LoopbackListener(LoopbackListener&&) noexcept;
  LoopbackListener& operator=(LoopbackListener&&) noexcept;
  ~LoopbackListener();

  std::uint16_t port() const;
  // "http://127.0.0.1:<port><path>"
  std::string redirect_uri() const;

  // Serves connections until one requests the path with a `code` or an `error` parameter, or
  // `timeout` passes (Timeout). Requests for other paths (favicon …) get a 404 and waiting goes
  // on; the number of connections served is bounded.
  [[nodiscard]] Result<CallbackParams> wait(std::chrono::milliseconds timeout);

 private:
  struct Impl;
  explicit LoopbackListener(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Parses an authorization response from a full redirect URL or its bare query string.
[[nodiscard]] Result<CallbackParams> parse_callback(std::string_view redirect_url_or_query);

}  // namespace ember::client
