#include "portal/portal.h"

#include "ehr/views.h"
#include "http/responses.h"

namespace ember::portal {

namespace {
// The portal frames apps (any http(s) origin: apps are registered by URL); it may itself be
// framed by its own origin only. No script anywhere in the portal.
constexpr std::string_view kPortalCsp =
    "default-src 'none'; style-src 'self'; img-src 'self' data: https: http:; "
    "frame-src http: https:; form-action 'self' http: https:; base-uri 'none'; "
    "frame-ancestors 'self'";
}  // namespace

http::QueryParams query_of(const http::Request& req) {
  auto t = http::parse_target(std::string_view(req.target().data(), req.target().size()));
  return t ? t->query : http::QueryParams{};
}

std::string param_or(const http::QueryParams& params, std::string_view name,
                     std::string fallback) {
  for (const auto& p : params) {
    if (p.name == name) return p.value;
  }
  return fallback;
}

http::Response Portal::page(const http::Request& req, int status, std::string html) const {
  auto res = http::html_response(req, static_cast<bhttp::status>(status), std::move(html));
  res.set("Content-Security-Policy", kPortalCsp);
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  http::no_store(res);
  return res;
}

http::Response Portal::error_page(const http::Request& req, int status, const std::string& title,
                                  const std::string& message,
                                  const std::optional<oauth::Session>& session) const {
  kainjow::mustache::data d;
  d.set("title", title);
  d.set("message", message);
  d.set("status", std::to_string(status));
  constexpr std::string_view kBody = R"html(<section class="card portal-card" aria-labelledby="err-title">
<h1 id="err-title">{{title}}</h1>
<p class="message">{{message}}</p>
<p><a href="/ehr">Back to the EHR</a></p>
</section>
)html";
  return page(req, status, ehr::render_portal(shell(session, title, ehr::PortalSection::None),
                                              kBody, d));
}

http::Response Portal::redirect(const http::Request& req, const std::string& location) const {
  return http::see_other(req, location);
}

ehr::PortalShell Portal::shell(const std::optional<oauth::Session>& session, std::string title,
                               ehr::PortalSection active) const {
  ehr::PortalShell s;
  s.title = std::move(title);
  s.sandbox = opt.sandbox;
  s.active = active;
  if (session) {
    s.user_display = session->user.display;
    s.practitioner = session->user.role == store::UserRole::Practitioner;
    s.csrf = session->record.csrf;
  }
  return s;
}

Result<oauth::Session, http::Response> Portal::require_session(const http::Request& req) {
  auto s = sessions().current(req);
  if (s) return std::move(*s);
  if (req.method() == bhttp::verb::get || req.method() == bhttp::verb::head) {
    std::string here(req.target().data(), req.target().size());
    return fail(redirect(req, "/ehr/login?next=" + http::percent_encode(here)));
  }
  return fail(error_page(req, 403, "Your session has ended",
                         "Sign in again and repeat what you were doing."));
}

Result<oauth::Session, http::Response> Portal::require_practitioner(const http::Request& req) {
  auto s = require_session(req);
  if (!s) return s;
  if (s->user.role != store::UserRole::Practitioner) {
    return fail(error_page(req, 403, "This page is for clinicians",
                           "Your account can see your own chart and apps.", *s));
  }
  return s;
}

Result<http::QueryParams, http::Response> Portal::checked_form(const http::Request& req,
                                                               const oauth::Session& session) {
  auto form = http::parse_form(std::string_view(req.body().data(), req.body().size()));
  std::string csrf;
  if (form) csrf = param_or(*form, "csrf");
  if (!form || !sessions().csrf_ok(req, session, csrf)) {
    return fail(error_page(req, 403, "This form has expired",
                           "For your safety the form was not accepted. Go back, reload the page "
                           "and try again.",
                           session));
  }
  return std::move(*form);
}

void mount_portal(http::Router& router, Portal& portal) {
  router.add(bhttp::verb::get, "/ehr/static/portal.css",
             [](const http::Request& req, http::RequestContext&) {
               auto res = http::make_response(req, bhttp::status::ok, "text/css; charset=utf-8",
                                              std::string(ehr::portal_stylesheet()));
               res.set(bhttp::field::cache_control, "public, max-age=3600");
               return res;
             },
             "static");
  mount_sign_in(router, portal);
  mount_chart(router, portal);
  mount_apps(router, portal);
  mount_launcher(router, portal);
}

}  // namespace ember::portal
