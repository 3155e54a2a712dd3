// What the PostgreSQL backend reads from, and hides in, a libpq connection string (URI or
// key=value form): the password never reaches a log line or describe().
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace ember::store::postgres {

// The password(s) a connection string carries ("user:secret@" or password=…), decoded and as
// written; empty when there is none.
std::vector<std::string> url_passwords(const std::string& url);

// msg with every password of url replaced by "***" (libpq quotes pieces of a malformed URL in
// its errors).
std::string redact_message(std::string msg, const std::string& url);

}  // namespace ember::store::postgres
