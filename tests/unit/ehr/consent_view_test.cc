#include <gtest/gtest.h>

#include "ehr/views.h"
#include "view_test_support.h"

namespace ember::ehr {
namespace {

using testing::count;
using testing::has;
using testing::input_with;
using testing::squash;

constexpr std::string_view kTrickyScope = "patient/Observation.rs?category=a&b=\"c\"";

ConsentView consent_sample() {
  ConsentView v;
  v.form = {"/oauth/authorize/consent", "txn-3", "csrf-3"};
  v.app_name = "Growth Chart";
  v.user_display = "Dr. Sarah Smith";
  v.patient_display = "Alice Jones (1970-01-02)";
  v.scopes = {
      {"openid", "Know who you are", true, {}},
      {"patient/*.rs",
       "Read all of this patient's records",
       true,
       {{"patient/Observation.rs", "Read observations", false, {}},
        {"patient/Condition.rs", "Read conditions", false, {}}}},
      {std::string(kTrickyScope), "Read some <lab> results", false, {}},
  };
  return v;
}

bool is_checked(const std::string& tag) {
  return tag.ends_with(" checked>");
}

TEST(ConsentView, HeadingWhoAndWhichPatient) {
  const auto html = render_consent(consent_sample());
  EXPECT_TRUE(has(html, "<h1>Growth Chart wants access</h1>"));
  EXPECT_TRUE(has(html, "<title>Growth Chart wants access · Ember</title>"));
  EXPECT_TRUE(has(html, "<dt>Signed in as</dt><dd>Dr. Sarah Smith</dd>"));
  EXPECT_TRUE(has(html, "<dt>Patient</dt><dd>Alice Jones (1970-01-02)</dd>"));

  auto v = consent_sample();
  v.patient_display.clear();
  EXPECT_FALSE(has(render_consent(v), "<dt>Patient</dt>"));
}

TEST(ConsentView, AppNameIsEscapedEverywhere) {
  auto v = consent_sample();
  v.app_name = "<script>alert(1)</script>";
  const auto html = render_consent(v);
  EXPECT_TRUE(has(html, "<h1>&lt;script&gt;alert(1)&lt;/script&gt; wants access</h1>"));
  EXPECT_FALSE(has(html, "<script"));
}

TEST(ConsentView, OneCheckboxPerScopeWithCodeAndLabel) {
  const auto html = squash(render_consent(consent_sample()));
  EXPECT_EQ(count(html, "name=\"scope\""), 5u);
  EXPECT_TRUE(has(html,
                  "<input type=\"checkbox\" name=\"scope\" value=\"openid\" checked> "
                  "<span class=\"scope-text\"> <span class=\"scope-label\">Know who you "
                  "are</span> <code>openid</code> </span> </label>"));
}

TEST(ConsentView, ScopeWithAmpersandAndQuoteIsEscaped) {
  const auto html = render_consent(consent_sample());
  const std::string escaped = "patient/Observation.rs?category=a&amp;b=&quot;c&quot;";
  const auto tag = input_with(html, "value=\"" + escaped + "\"");
  ASSERT_FALSE(tag.empty());
  EXPECT_FALSE(is_checked(tag)) << tag;
  EXPECT_TRUE(has(html, "<code>" + escaped + "</code>"));
  EXPECT_TRUE(has(html, "Read some &lt;lab&gt; results"));
  EXPECT_FALSE(has(html, kTrickyScope));
}

TEST(ConsentView, CheckedStatesFollowTheModel) {
  const auto html = render_consent(consent_sample());
  EXPECT_TRUE(is_checked(input_with(html, "value=\"openid\"")));
  EXPECT_TRUE(is_checked(input_with(html, "value=\"patient/*.rs\"")));
  EXPECT_FALSE(is_checked(input_with(html, "value=\"patient/Observation.rs\"")));
  EXPECT_FALSE(is_checked(input_with(html, "value=\"patient/Condition.rs\"")));
}

TEST(ConsentView, NarrowerChoicesNestUnderTheirScope) {
  const auto html = render_consent(consent_sample());
  const auto broad = html.find("value=\"patient/*.rs\"");
  const auto note = html.find("<legend>or allow only:</legend>");
  const auto obs = html.find("value=\"patient/Observation.rs\"");
  const auto cond = html.find("value=\"patient/Condition.rs\"");
  const auto next = html.find("value=\"patient/Observation.rs?");
  ASSERT_NE(note, std::string::npos);
  EXPECT_LT(broad, note);
  EXPECT_LT(note, obs);
  EXPECT_LT(obs, cond);
  EXPECT_LT(cond, next);
  EXPECT_EQ(count(html, "or allow only:"), 1u);  // only the scope that has narrower choices
  // The nested list closes before the next top-level scope starts.
  EXPECT_LT(html.find("</fieldset>", cond), next);
}

TEST(ConsentView, DeeplyNestedChoicesTerminate) {
  auto v = consent_sample();
  ScopeChoice leaf{"patient/Observation.rs?category=laboratory", "Lab results only", false, {}};
  ScopeChoice mid{"patient/Observation.rs", "Observations", false, {leaf}};
  v.scopes = {{"patient/*.rs", "Everything", true, {mid}}};
  const auto html = render_consent(v);
  EXPECT_EQ(count(html, "name=\"scope\""), 3u);
  EXPECT_EQ(count(html, "or allow only:"), 2u);
}

TEST(ConsentView, ValuesAreNotParsedAsTemplates) {
  auto v = consent_sample();
  v.app_name = "{{title}}{{> body}}";
  v.scopes = {{"{{> scope_item}}", "{{#scopes}}x{{/scopes}}", true, {}}};
  const auto html = render_consent(v);
  EXPECT_TRUE(has(html, "<h1>{{title}}{{&gt; body}} wants access</h1>"));
  EXPECT_TRUE(has(html, "value=\"{{&gt; scope_item}}\""));
  EXPECT_TRUE(has(html, "{{#scopes}}x{{/scopes}}"));
}

TEST(ConsentView, RememberAndDecisionButtons) {
  const auto html = squash(render_consent(consent_sample()));
  const auto remember = input_with(html, "name=\"remember\"");
  EXPECT_EQ(remember, "<input type=\"checkbox\" name=\"remember\" value=\"1\">");
  EXPECT_TRUE(has(html, remember + " <span>Remember my decision</span> </label>"));
  const auto deny = html.find(
      "<button type=\"submit\" name=\"decision\" value=\"deny\" class=\"btn btn-secondary\">"
      "Deny</button>");
  const auto allow = html.find(
      "<button type=\"submit\" name=\"decision\" value=\"allow\" class=\"btn btn-primary\">"
      "Allow</button>");
  ASSERT_NE(deny, std::string::npos);
  ASSERT_NE(allow, std::string::npos);
  EXPECT_LT(deny, allow);  // Enter submits with the first button: never Allow by accident
}

TEST(ConsentView, FormPostsWithTxnAndCsrf) {
  const auto html = render_consent(consent_sample());
  EXPECT_TRUE(has(html, "<form method=\"post\" action=\"/oauth/authorize/consent\">"));
  EXPECT_TRUE(has(html, "<input type=\"hidden\" name=\"txn\" value=\"txn-3\">"));
  EXPECT_TRUE(has(html, "<input type=\"hidden\" name=\"csrf\" value=\"csrf-3\">"));
}

}  // namespace
}  // namespace ember::ehr
