// The request/response vocabulary shared by the HTTP core and the handlers. A handler is a
// synchronous function of the request (Beast advanced-server style); the session owns the socket
// and knows nothing of what the request means.
#pragma once
#include <boost/beast/http.hpp>
#include <functional>
#include <string>

namespace ember::http {

namespace bhttp = boost::beast::http;
using Request = bhttp::request<bhttp::string_body>;
using Response = bhttp::response<bhttp::string_body>;

struct RequestContext {
  std::string request_id;   // also sent as X-Request-Id
  // The client's IP address: the peer's, or the one a trusted proxy forwarded (client_address.h).
  std::string remote_addr;
  bool tls = false;
  std::string route = "other";  // low-cardinality route label for metrics; handlers set it
};

using Handler = std::function<Response(const Request&, RequestContext&)>;

}  // namespace ember::http
