// Stylesheet fragments of the EHR portal, one per page family, joined by portal_stylesheet()
// (portal_shell.cc) and served at /ehr/static/portal.css.
#pragma once
#include <string_view>

namespace ember::ehr::css {

extern const std::string_view kChart;     // chart_views.cc: patient list, chart, app frame, sign-in
extern const std::string_view kRegistry;  // registry_views.cc: app registry, launcher

}  // namespace ember::ehr::css
