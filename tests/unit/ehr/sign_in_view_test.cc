#include <gtest/gtest.h>

#include "ehr/views.h"
#include "view_test_support.h"

namespace ember::ehr {
namespace {

using testing::count;
using testing::has;
using testing::input_with;

SignInView sign_in_sample() {
  SignInView v;
  v.form = {"/oauth/authorize/login", "txn-123", "csrf-456"};
  return v;
}

TEST(SignInView, HasLabelledFieldsAndSubmitButton) {
  const auto html = render_sign_in(sign_in_sample());
  EXPECT_TRUE(has(html, "<h1>Sign in to Ember</h1>"));
  EXPECT_TRUE(has(html, "<label for=\"username\">Username</label>"));
  EXPECT_TRUE(has(html, "<label for=\"password\">Password</label>"));
  const auto user = input_with(html, "name=\"username\"");
  EXPECT_TRUE(has(user, "id=\"username\"")) << user;
  EXPECT_TRUE(has(user, "autocomplete=\"username\"")) << user;
  const auto pass = input_with(html, "name=\"password\"");
  EXPECT_TRUE(has(pass, "id=\"password\"")) << pass;
  EXPECT_TRUE(has(pass, "type=\"password\"")) << pass;
  EXPECT_TRUE(
      has(html, "<button type=\"submit\" class=\"btn btn-primary btn-block\">Sign in</button>"));
}

TEST(SignInView, FormPostsWithTxnAndCsrf) {
  const auto html = render_sign_in(sign_in_sample());
  EXPECT_TRUE(has(html, "<form method=\"post\" action=\"/oauth/authorize/login\""));
  EXPECT_TRUE(has(html, "<input type=\"hidden\" name=\"txn\" value=\"txn-123\">"));
  EXPECT_TRUE(has(html, "<input type=\"hidden\" name=\"csrf\" value=\"csrf-456\">"));
}

TEST(SignInView, FormStateIsEscaped) {
  auto v = sign_in_sample();
  v.form = {"/login?a=1&b=\"2\"", "t<x>", "c'd"};
  const auto html = render_sign_in(v);
  EXPECT_TRUE(has(html, "action=\"/login?a=1&amp;b=&quot;2&quot;\""));
  EXPECT_TRUE(has(html, "name=\"txn\" value=\"t&lt;x&gt;\""));
  EXPECT_TRUE(has(html, "name=\"csrf\" value=\"c&apos;d\""));
}

TEST(SignInView, AppNameIsShownEscaped) {
  auto v = sign_in_sample();
  v.app_name = "<script>alert(1)</script>";
  const auto html = render_sign_in(v);
  EXPECT_TRUE(has(html, "to continue to <strong>&lt;script&gt;alert(1)&lt;/script&gt;</strong>"));
  EXPECT_FALSE(has(html, "<script"));
}

TEST(SignInView, NoAppNameNoContinueLine) {
  EXPECT_FALSE(has(render_sign_in(sign_in_sample()), "to continue to"));
}

TEST(SignInView, ErrorIsAnEscapedAlertOnlyWhenSet) {
  EXPECT_FALSE(has(render_sign_in(sign_in_sample()), "role=\"alert\""));
  auto v = sign_in_sample();
  v.error = "That username & password do not <match>.";
  const auto html = render_sign_in(v);
  EXPECT_TRUE(has(html, "role=\"alert\""));
  EXPECT_TRUE(has(html, "That username &amp; password do not &lt;match&gt;."));
  EXPECT_TRUE(has(input_with(html, "name=\"password\""), "aria-invalid=\"true\""));
}

TEST(SignInView, UsernameIsEchoedEscapedAndFocusMovesToPassword) {
  auto v = sign_in_sample();
  v.username = "dr\"smith";
  const auto html = render_sign_in(v);
  const auto user = input_with(html, "name=\"username\"");
  EXPECT_TRUE(has(user, "value=\"dr&quot;smith\"")) << user;
  EXPECT_FALSE(has(user, "autofocus"));
  EXPECT_TRUE(has(input_with(html, "name=\"password\""), "autofocus"));
}

TEST(SignInView, DemoAccountsOnlyWhenGiven) {
  const auto plain = render_sign_in(sign_in_sample());
  EXPECT_FALSE(has(plain, "Sandbox accounts"));
  EXPECT_FALSE(has(plain, "<code>demo</code>"));

  auto v = sign_in_sample();
  v.demo_accounts = {{"smith", "Dr. Sarah Smith (practitioner)"},
                     {"alice", "Alice <Patient> & co"}};
  const auto html = render_sign_in(v);
  EXPECT_TRUE(has(html, "Sandbox accounts"));
  EXPECT_TRUE(has(html, "The password is <code>demo</code> for all of them."));
  EXPECT_TRUE(has(html, "<code>smith</code> <span>Dr. Sarah Smith (practitioner)</span>"));
  EXPECT_TRUE(has(html, "<code>alice</code> <span>Alice &lt;Patient&gt; &amp; co</span>"));
  EXPECT_EQ(count(html, "<li><code>"), 2u);
}

}  // namespace
}  // namespace ember::ehr
