// The `ember-client` command line: SMART on FHIR from a terminal (login with the system
// browser, token, FHIR GET, backend services, logout, whoami) over the ember::client library.
#pragma once
#include <ostream>

namespace ember::client_cli {

// Exit codes: 0 ok, 1 server/OAuth error (printed as "error: <error> (<description>)"), 2 usage.
inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;

int run(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace ember::client_cli
