// The connection facts of the request being handled (peer address, request id), made visible to
// audit hooks deep inside handlers whose signatures take only the http::Request. The server's
// top-level handler opens a RequestScope for each request; handlers run synchronously on that
// thread, so a thread-local pointer is exact and free. Outside a scope (unit tests) it is null.
#pragma once
#include "audit/event.h"
#include "http/types.h"

namespace ember::audit {

class RequestScope {
 public:
  explicit RequestScope(const http::RequestContext& ctx);
  ~RequestScope();
  RequestScope(const RequestScope&) = delete;
  RequestScope& operator=(const RequestScope&) = delete;

 private:
  const http::RequestContext* previous_;
};

// The context of the request this thread is handling, or nullptr.
const http::RequestContext* current_request();

// Copies the current request's address and id into `e` (no-op outside a scope).
void stamp_connection(Event& e);

}  // namespace ember::audit
