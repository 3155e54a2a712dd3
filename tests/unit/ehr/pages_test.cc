// Properties every page shares (document shell, no script, no inline style) and the error page,
// stylesheet and Content-Security-Policy.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "ehr/views.h"
#include "view_test_support.h"

namespace ember::ehr {
namespace {

using testing::has;

std::vector<std::string> all_pages() {
  const FormState form{"/oauth/authorize/x", "txn", "csrf"};
  SignInView sign_in{form, "App", "user", "Wrong password.", {{"smith", "Dr. Smith"}}};
  PatientPickerView patients{form,
                             "App",
                             "Dr. Smith",
                             "",
                             "/oauth/authorize/x",
                             {{"p1", "Alice", "1970-01-01", "female", "1"}}};
  EncounterPickerView encounters{form, "App", "Alice", {{"e1", "2026-01-01", "Visit", "finished"}}};
  ConsentView consent{form,
                      "App",
                      "Dr. Smith",
                      "Alice",
                      {{"patient/*.rs", "All", true, {{"patient/Patient.rs", "P", false, {}}}}}};
  ErrorView error{400, "This sign-in link is not valid", "Ask the app to start again."};
  return {render_sign_in(sign_in), render_patient_picker(patients),
          render_encounter_picker(encounters), render_consent(consent), render_error(error)};
}

TEST(Pages, ShareTheDocumentShell) {
  for (const auto& html : all_pages()) {
    EXPECT_TRUE(html.starts_with("<!doctype html>\n<html lang=\"en\">")) << html;
    EXPECT_TRUE(has(html, "<meta charset=\"utf-8\">"));
    EXPECT_TRUE(
        has(html, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
    EXPECT_TRUE(has(html, "<title>"));
    EXPECT_TRUE(has(html, "<link rel=\"stylesheet\" href=\"/ehr/static/ember.css\">"));
    EXPECT_TRUE(has(html, "</span>Ember</span>"));
    EXPECT_TRUE(has(html, "<h1>"));
  }
}

TEST(Pages, HaveNoScriptNoInlineStyleAndNoTemplateLeftovers) {
  const std::regex kEventHandler{"<[^>]*\\son[a-z]+="};  // onclick=, onsubmit=, …
  for (const auto& html : all_pages()) {
    EXPECT_FALSE(has(html, "<script")) << html;
    EXPECT_FALSE(has(html, "<style")) << html;
    EXPECT_FALSE(has(html, " style=")) << html;
    EXPECT_FALSE(std::regex_search(html, kEventHandler)) << html;
    EXPECT_FALSE(has(html, "{{")) << html;
  }
}

TEST(ErrorPage, ShowsTitleAndMessageAndNeverLinksAway) {
  ErrorView v{400, "This sign-in link is not valid",
              "The app sent redirect_uri=https://evil.example/?a=1&b=<x>. Ask it to start again."};
  const auto html = render_error(v);
  EXPECT_TRUE(has(html, "<h1>This sign-in link is not valid</h1>"));
  EXPECT_TRUE(has(html, "<title>This sign-in link is not valid · Ember</title>"));
  EXPECT_TRUE(has(html, "redirect_uri=https://evil.example/?a=1&amp;b=&lt;x&gt;."));
  EXPECT_TRUE(has(html, "Error 400"));
  EXPECT_FALSE(has(html, "<a "));
  EXPECT_FALSE(has(html, "<form"));
  EXPECT_FALSE(has(html, "http-equiv"));
  EXPECT_FALSE(has(html, "href=\"http"));
}

TEST(Stylesheet, IsSelfContained) {
  const auto css = stylesheet();
  EXPECT_TRUE(has(css, ":focus-visible"));
  EXPECT_TRUE(has(css, ".btn-primary"));
  EXPECT_FALSE(has(css, "@import"));
  EXPECT_FALSE(has(css, "url("));
  EXPECT_FALSE(has(css, "@font-face"));
}

TEST(ContentSecurityPolicy, ForbidsScriptsAndFramingByOthers) {
  const auto csp = content_security_policy();
  EXPECT_TRUE(has(csp, "default-src 'none'"));
  EXPECT_TRUE(has(csp, "style-src 'self'"));
  EXPECT_TRUE(has(csp, "img-src 'self' data:"));
  EXPECT_TRUE(has(csp, "frame-ancestors 'self'"));
  EXPECT_TRUE(has(csp, "base-uri 'none'"));
  EXPECT_FALSE(has(csp, "script-src"));
  EXPECT_FALSE(has(csp, "unsafe"));
  // Omitted on purpose: Chromium applies form-action to the redirect that follows the consent
  // POST, which goes to the app's redirect_uri (see stylesheet.cc).
  EXPECT_FALSE(has(csp, "form-action"));
}

}  // namespace
}  // namespace ember::ehr
