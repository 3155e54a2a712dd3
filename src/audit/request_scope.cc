// Thread-local request context for audit hooks (see request_scope.h).
#include "audit/request_scope.h"

namespace ember::audit {

namespace {
thread_local const http::RequestContext* t_current = nullptr;
}  // namespace

RequestScope::RequestScope(const http::RequestContext& ctx) : previous_(t_current) {
  t_current = &ctx;
}

RequestScope::~RequestScope() { t_current = previous_; }

const http::RequestContext* current_request() { return t_current; }

void stamp_connection(Event& e) {
  if (const auto* ctx = t_current) {
    if (e.remote_addr.empty()) e.remote_addr = ctx->remote_addr;
    if (e.request_id.empty()) e.request_id = ctx->request_id;
  }
}

}  // namespace ember::audit
