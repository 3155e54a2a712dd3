// The apps file (`ember serve --apps FILE`): apps registered from a JSON file at start-up, so a
// sandbox or a CI run has its apps without clicks or CLI calls. Each entry uses the RFC 7591
// member names, plus client_id, client_secret and auto_approve, and is checked by
// oauth::validate_client_metadata like POST /oauth/register and the portal form:
//
//   {"apps": [{"client_id": "growth-chart", "client_name": "Growth Chart",
//              "launch_uri": "https://app.example/launch",
//              "redirect_uris": ["https://app.example/callback"],
//              "token_endpoint_auth_method": "none", "scope": "launch openid patient/*.rs",
//              "auto_approve": true}]}
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "core/random.h"
#include "core/result.h"
#include "store/auth_store.h"

namespace ember::app {

inline constexpr std::size_t kMaxAppsFileBytes = 1024 * 1024;
inline constexpr std::size_t kMaxAppsInFile = 1000;
inline constexpr std::size_t kMaxClientIdLength = 200;

// Reads `path` and upserts every app by client_id (loading twice changes nothing; an app's
// existing secret hash, creation time and registration token are kept when the file gives no
// secret). Every entry is checked before anything is written, so a broken file writes nothing.
// Returns how many apps were loaded, or a message naming the file, the app and the problem.
// auto_approve is refused unless `sandbox`.
[[nodiscard]] Result<int, std::string> load_apps_file(const std::string& path,
                                                      store::AuthStore& store, Random& random,
                                                      bool sandbox);

// As load_apps_file, for the file's text; `now_ms` stamps apps that are new. Messages leave the
// source unnamed ("app 'x': redirect_uris is required", "is not valid JSON (…)").
[[nodiscard]] Result<int, std::string> load_apps_json(std::string_view text,
                                                      store::AuthStore& store, Random& random,
                                                      bool sandbox, std::int64_t now_ms);

}  // namespace ember::app
