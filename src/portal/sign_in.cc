// The portal's front door: /ehr sends each person where they work (clinicians to the patient
// list, patients to their own chart), /ehr/login signs in with the authorization server's
// sessions (one sign-in for the portal and for apps' authorizations), /ehr/logout ends it.
#include <optional>
#include <string>
#include <vector>

#include "ehr/chart_views.h"
#include "oauth/audit_hooks.h"
#include "portal/chart_model.h"
#include "portal/portal.h"

namespace ember::portal {

namespace {

constexpr std::size_t kMaxUsername = 200;

// The sign-in page; a new pre-session CSRF cookie is set when the browser has none.
http::Response sign_in_page(Portal& portal, const http::Request& req, int status,
                            const std::string& next, std::string username, std::string error) {
  std::vector<std::string> cookies;
  ehr::PortalSignInView v;
  v.csrf = portal.sessions().pre_session_csrf(req, cookies);
  v.next = safe_next(next);
  v.username = std::move(username);
  v.error = std::move(error);
  if (portal.opt.sandbox) v.demo_accounts = oauth::demo_accounts();
  auto shell = portal.shell(std::nullopt, "Sign in", ehr::PortalSection::None);
  auto res = portal.page(req, status, ehr::render_portal_sign_in(shell, v));
  for (const auto& c : cookies) res.insert(bhttp::field::set_cookie, c);
  return res;
}

// Where a signed-in person starts: clinicians at the patient list, patients at their chart.
http::Response home(Portal& portal, const http::Request& req) {
  auto session = portal.sessions().current(req);
  if (!session) return portal.redirect(req, "/ehr/login");
  if (session->user.role == store::UserRole::Practitioner) {
    return portal.redirect(req, "/ehr/patients");
  }
  const std::string id = patient_id_of(session->user.fhir_user);
  if (id.empty()) {
    return portal.error_page(req, 403, "No chart is linked to your account",
                             "Ask the clinic to link your account to your health record.",
                             session);
  }
  return portal.redirect(req, ehr::chart_href(id, "", false));
}

http::Response login_form(Portal& portal, const http::Request& req) {
  if (portal.sessions().current(req)) return portal.redirect(req, "/ehr");
  return sign_in_page(portal, req, 200, param_or(query_of(req), "next"), "", "");
}

http::Response login(Portal& portal, const http::Request& req, const http::RequestContext& ctx) {
  auto form = http::parse_form(std::string_view(req.body().data(), req.body().size()));
  if (!form) return sign_in_page(portal, req, 400, "", "", "The form could not be read. Please try again.");
  const std::string next = param_or(*form, "next");
  std::string username = param_or(*form, "username");
  if (username.size() > kMaxUsername) username.resize(kMaxUsername);
  if (!portal.sessions().csrf_ok(req, std::nullopt, param_or(*form, "csrf"))) {
    return sign_in_page(portal, req, 403, next, username,
                        "For your safety this form expired. Please sign in again.");
  }
  auto signed_in =
      portal.sessions().sign_in(req, username, param_or(*form, "password"), ctx.remote_addr);
  oauth::audit_sign_in(portal.auth_server.options().audit, audit::Channel::Portal, username,
                       signed_in);
  if (!signed_in && signed_in.error().code == oauth::SignInError::Unavailable) {
    return portal.error_page(req, 503, "Please try again", "The server is busy right now.");
  }
  if (!signed_in && signed_in.error().code == oauth::SignInError::TooManyAttempts) {
    const std::int64_t retry = signed_in.error().retry_after_s;
    auto res =
        sign_in_page(portal, req, 429, next, username, oauth::too_many_sign_in_attempts(retry));
    res.set(bhttp::field::retry_after, std::to_string(retry));
    return res;
  }
  if (!signed_in) {
    return sign_in_page(portal, req, 401, next, username,
                        "That username and password do not match. Please try again.");
  }
  auto res = portal.redirect(req, safe_next(next));
  res.insert(bhttp::field::set_cookie, signed_in->set_cookie);
  return res;
}

http::Response logout(Portal& portal, const http::Request& req) {
  auto session = portal.sessions().current(req);
  if (!session) return portal.redirect(req, "/ehr/login");  // already signed out
  auto form = portal.checked_form(req, *session);
  if (!form) return std::move(form.error());
  oauth::audit_sign_out(portal.auth_server.options().audit, *session);
  auto res = portal.redirect(req, "/ehr/login");
  res.insert(bhttp::field::set_cookie, portal.sessions().sign_out(req));
  return res;
}

}  // namespace

void mount_sign_in(http::Router& router, Portal& portal) {
  using V = bhttp::verb;
  auto bind = [&portal](http::Response (*fn)(Portal&, const http::Request&)) {
    return [&portal, fn](const http::Request& req, http::RequestContext&) {
      return fn(portal, req);
    };
  };
  router.add(V::get, "/ehr", bind(&home), "ehr_home");
  router.add(V::get, "/ehr/login", bind(&login_form), "ehr_login");
  router.add(V::post, "/ehr/login",
             [&portal](const http::Request& req, http::RequestContext& ctx) {
               return login(portal, req, ctx);
             },
             "ehr_login");
  router.add(V::post, "/ehr/logout", bind(&logout), "ehr_logout");
}

}  // namespace ember::portal
