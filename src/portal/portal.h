// The EHR simulator's portal under /ehr: sign-in and sign-out (sign_in.cc, on the authorization
// server's sessions), the patient list and chart with its Apps panel and EHR launch (chart.cc),
// the app registry (apps_pages.cc) and the sandbox launcher (launcher.cc).
// docs/architecture.md maps each URL to its file.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/random.h"
#include "ehr/portal_shell.h"
#include "http/router.h"
#include "http/url.h"
#include "oauth/auth_server.h"
#include "store/auth_store.h"
#include "store/store.h"

namespace ember::portal {

namespace bhttp = boost::beast::http;

struct PortalOptions {
  bool sandbox = true;   // launcher, auto-approve, simulated failures, demo accounts
  std::string base_url;  // e.g. http://127.0.0.1:8080 (no trailing slash)
};

// Everything a portal handler needs. Owned by mount_portal's routes.
struct Portal {
  oauth::AuthServer& auth_server;
  store::AuthStore& auth;
  store::ResourceStore& resources;
  const Clock& clock;
  Random& random;
  PortalOptions opt;

  oauth::Sessions& sessions() { return auth_server.sessions(); }

  // An HTML page with the portal's headers: CSP (no script; frames only from http(s) for the
  // app frame; frame-ancestors 'self'), nosniff, no-referrer, no-store.
  http::Response page(const http::Request& req, int status, std::string html) const;
  // A portal error page (never redirects).
  http::Response error_page(const http::Request& req, int status, const std::string& title,
                            const std::string& message,
                            const std::optional<oauth::Session>& session = std::nullopt) const;
  // 303 See Other to a path on this server (or an absolute URL when given one).
  http::Response redirect(const http::Request& req, const std::string& location) const;
  // The shell for `session` (user, navigation, sign-out CSRF).
  ehr::PortalShell shell(const std::optional<oauth::Session>& session, std::string title,
                         ehr::PortalSection active) const;

  // The signed-in session, or a redirect to /ehr/login?next=<this page> (GET) / 403 (POST).
  Result<oauth::Session, http::Response> require_session(const http::Request& req);
  // As require_session, and the user must be a practitioner (403 page otherwise).
  Result<oauth::Session, http::Response> require_practitioner(const http::Request& req);
  // A form post's fields after its CSRF token was checked against the session (403 otherwise).
  Result<http::QueryParams, http::Response> checked_form(const http::Request& req,
                                                         const oauth::Session& session);
};

// The query string of the request target (empty when malformed).
http::QueryParams query_of(const http::Request& req);
std::string param_or(const http::QueryParams& params, std::string_view name,
                     std::string fallback = {});

// Route groups, each in its own file; mount_portal calls them all.
void mount_sign_in(http::Router& router, Portal& portal);   // sign_in.cc: /ehr, /ehr/login, /ehr/logout
void mount_chart(http::Router& router, Portal& portal);     // chart.cc: /ehr/patients, /ehr/patients/{id}, /ehr/launch
void mount_apps(http::Router& router, Portal& portal);      // apps_pages.cc: /ehr/apps...
void mount_launcher(http::Router& router, Portal& portal);  // launcher.cc: /ehr/launcher

// Mounts every /ehr route (and /ehr/static/portal.css). `portal` must outlive the router.
void mount_portal(http::Router& router, Portal& portal);

}  // namespace ember::portal
