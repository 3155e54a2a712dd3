#include "ehr/portal_shell.h"

#include "ehr/portal_css.h"

namespace ember::ehr {

namespace mu = kainjow::mustache;

namespace {

constexpr std::string_view kPortalLayout = R"html(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<meta name="robots" content="noindex, nofollow">
<title>{{shell_title}} · Ember EHR</title>
<link rel="stylesheet" href="/ehr/static/ember.css">
<link rel="stylesheet" href="/ehr/static/portal.css">
</head>
<body class="portal">
<header class="topbar portal-topbar">
  <a class="brand" href="/ehr"><span class="brand-mark" aria-hidden="true"></span>Ember EHR</a>
  <nav class="portal-nav" aria-label="Main">
    {{#nav_practitioner}}
    <a href="/ehr/patients"{{#nav_patients}} aria-current="page"{{/nav_patients}}>Patients</a>
    <a href="/ehr/apps"{{#nav_apps}} aria-current="page"{{/nav_apps}}>Apps</a>
    {{/nav_practitioner}}
    {{#nav_sandbox}}
    <a href="/ehr/launcher"{{#nav_launcher}} aria-current="page"{{/nav_launcher}}>Launcher</a>
    {{/nav_sandbox}}
  </nav>
  {{#shell_signed_in}}
  <span class="topbar-user">Signed in as <strong>{{shell_user}}</strong></span>
  {{#shell_has_csrf}}
  <form method="post" action="/ehr/logout" class="inline-form">
    <input type="hidden" name="csrf" value="{{shell_csrf}}">
    <button type="submit" class="btn btn-quiet">Sign out</button>
  </form>
  {{/shell_has_csrf}}
  {{/shell_signed_in}}
</header>
<main class="portal-main{{#shell_full}} portal-main-full{{/shell_full}}">
{{> body}}
</main>
</body>
</html>
)html";

constexpr std::string_view kPortalCss = R"css(
/* EHR portal (/ehr): wider pages, navigation, patient banner, chart panels, tables, app frame. */
.portal-topbar { gap: 1.25rem; }
.portal-topbar .brand { text-decoration: none; color: inherit; }
.portal-nav { display: flex; gap: 0.25rem; }
.portal-nav a {
  padding: 0.4rem 0.75rem; border-radius: 6px; color: var(--muted); text-decoration: none;
  font-weight: 500;
}
.portal-nav a:hover { background: var(--surface-muted); color: var(--text); }
.portal-nav a[aria-current="page"] { background: var(--primary-soft); color: var(--primary-hover); }
.inline-form { display: inline; margin: 0; }
.btn-quiet {
  background: transparent; border: 1px solid var(--border); color: var(--text);
  padding: 0.3rem 0.7rem; font-size: 0.875rem;
}
.btn-quiet:hover { background: var(--surface-muted); }
.portal-main { max-width: 72rem; margin: 1.5rem auto; padding: 0 1rem; }
.portal-main-full { max-width: none; margin: 1rem 0; padding: 0 1.25rem; }
)css";

}  // namespace

std::string render_portal(const PortalShell& shell, std::string_view body_template,
                          mu::data& data) {
  data.set("shell_title", shell.title);
  data.set("shell_user", shell.user_display);
  data.set("shell_signed_in", !shell.user_display.empty());
  data.set("shell_csrf", shell.csrf);
  data.set("shell_has_csrf", !shell.csrf.empty());
  data.set("shell_full", shell.full_width);
  data.set("nav_practitioner", shell.practitioner);
  data.set("nav_sandbox", shell.sandbox);
  data.set("nav_patients", shell.active == PortalSection::Patients ||
                               shell.active == PortalSection::Chart);
  data.set("nav_apps", shell.active == PortalSection::Apps);
  data.set("nav_launcher", shell.active == PortalSection::Launcher);
  std::string tmpl(body_template);
  data.set("body", mu::data{mu::partial{[tmpl] { return tmpl; }}});
  mu::mustache layout{std::string(kPortalLayout)};
  std::string html = layout.render(data);
  if (!layout.is_valid()) {
    return "<!doctype html><html lang=\"en\"><title>Ember</title><p>Page template error: " +
           layout.error_message() + "</p>";
  }
  return html;
}

std::string_view portal_stylesheet() {
  static const std::string joined =
      std::string(kPortalCss) + std::string(css::kChart) + std::string(css::kRegistry);
  return joined;
}

}  // namespace ember::ehr
