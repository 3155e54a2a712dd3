// The frame of every EHR portal page (/ehr/...): top bar with the brand, the navigation
// (Patients, Apps, Launcher), who is signed in and a Sign out button; then the page body.
// Page bodies are mustache templates rendered with their data inside this layout (as the "body"
// partial), so every value on a portal page is escaped by the template engine.
#pragma once
#include <kainjow/mustache.hpp>

#include <string>
#include <string_view>

namespace ember::ehr {

enum class PortalSection { None, Patients, Chart, Apps, Launcher };

struct PortalShell {
  std::string title;         // the <title> and nothing else (the body has its own heading)
  std::string user_display;  // "" when nobody is signed in (sign-in page, launcher)
  bool practitioner = false; // Patients and Apps navigation are for practitioners
  bool sandbox = false;      // the Launcher navigation entry (sandbox only)
  std::string csrf;          // the session's CSRF token for the Sign out form ("" = no form)
  PortalSection active = PortalSection::None;
  bool full_width = false;   // charts and tables use the whole window width
};

// Renders `body_template` with `data` inside the portal layout. `data` must not use the keys
// reserved for the layout: body, shell_*, nav_*.
std::string render_portal(const PortalShell& shell, std::string_view body_template,
                          kainjow::mustache::data& data);

// The portal's own stylesheet, served at /ehr/static/portal.css (after ember.css).
std::string_view portal_stylesheet();

}  // namespace ember::ehr
