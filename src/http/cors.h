// CORS for browser apps (Fetch standard): echo the request's Origin on the responses of the
// wrapped handler, answer preflight OPTIONS requests, and expose the headers SMART apps read
// (Location, ETag, WWW-Authenticate …). Credentials are never allowed: browser apps present
// bearer tokens, not cookies, so any origin may be echoed safely.
#pragma once
#include "http/types.h"

namespace ember::http {

Handler with_cors(Handler inner);

}  // namespace ember::http
