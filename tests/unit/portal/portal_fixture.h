// A test fixture for portal pages end to end over a temporary SQLite store: the authorization
// server (demo users, signing keys) and a Portal with one route group mounted on a router, plus
// requests that carry the session cookie. Each test gets its own directory, removed afterwards.
#pragma once
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "oauth/auth_server.h"
#include "portal/portal.h"

namespace ember::portal {

class PortalFixture : public ::testing::Test {
 protected:
  // The route group a test mounts: mount_apps, mount_launcher, ...
  using Mount = void (*)(http::Router&, Portal&);

  void TearDown() override {
    stop();
    std::filesystem::remove_all(dir_);
  }

  // Opens the stores (again, after stop(): the same database), then builds the authorization
  // server and the portal in sandbox or production mode and mounts `mount` on a new router.
  void start(bool sandbox, Mount mount) {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("ember-" + std::string(test->test_suite_name()) + "-" + std::to_string(::getpid()) +
            "-" + test->name());
    std::filesystem::create_directories(dir_);
    const std::string url = "sqlite:" + (dir_ / "t.db").string();
    auto res = store::open_store(store::StoreOptions{url, &clock_});
    ASSERT_TRUE(res) << res.error().message;
    resources_ = std::move(*res);
    auto auth = store::open_auth_store(store::StoreOptions{url, &clock_});
    ASSERT_TRUE(auth) << auth.error().message;
    auth_ = std::move(*auth);
    oauth::ensure_demo_users(*auth_, *random_);
    auto keys = oauth::open_signing_keys(*auth_, clock_);
    ASSERT_TRUE(keys) << keys.error();
    keys_ = std::move(*keys);
    oauth::AuthOptions opt;
    opt.base_url = "http://ehr.test";
    opt.sandbox = sandbox;
    server_ = oauth::AuthServer::create(*auth_, *resources_, *keys_, clock_, *random_, opt);
    portal_.reset(new Portal{*server_, *auth_, *resources_, clock_, *random_,
                             PortalOptions{sandbox, "http://ehr.test"}});
    router_ = http::Router{};
    mount(router_, *portal_);
  }

  // Closes everything start() opened, users of the stores first.
  void stop() {
    portal_.reset();
    server_.reset();
    keys_.reset();
    auth_.reset();
    resources_.reset();
  }

  // Signs `user` in (password "demo"); later requests carry the session cookie and post its
  // CSRF token.
  void sign_in(const std::string& user) {
    http::Request req{bhttp::verb::post, "/ehr/login", 11};
    auto s = portal_->sessions().sign_in(req, user, "demo", "127.0.0.1");
    ASSERT_TRUE(s);
    cookie_ = s->set_cookie.substr(0, s->set_cookie.find(';'));
    csrf_ = s->session.record.csrf;
  }

  http::Response get(const std::string& target) {
    http::Request req{bhttp::verb::get, target, 11};
    if (!cookie_.empty()) req.set(bhttp::field::cookie, cookie_);
    http::RequestContext ctx;
    return router_(req, ctx);
  }

  // Posts `form` urlencoded, with the signed-in session's CSRF token added unless `with_csrf`
  // is false (a test that brings its own token, or none, passes false).
  http::Response post(const std::string& target, http::QueryParams form, bool with_csrf = true) {
    if (with_csrf) form.push_back({"csrf", csrf_});
    http::Request req{bhttp::verb::post, target, 11};
    if (!cookie_.empty()) req.set(bhttp::field::cookie, cookie_);
    req.set(bhttp::field::content_type, "application/x-www-form-urlencoded");
    req.body() = http::encode_query(form);
    req.prepare_payload();
    http::RequestContext ctx;
    return router_(req, ctx);
  }

  std::filesystem::path dir_;
  ManualClock clock_;
  std::unique_ptr<Random> random_ = make_system_random();
  std::unique_ptr<store::ResourceStore> resources_;
  std::unique_ptr<store::AuthStore> auth_;
  std::unique_ptr<oauth::SigningKeys> keys_;
  std::unique_ptr<oauth::AuthServer> server_;
  std::unique_ptr<Portal> portal_;
  http::Router router_;
  std::string cookie_;  // "name=value" of the session (or pre-session CSRF) cookie, if any
  std::string csrf_;    // the signed-in session's CSRF token
};

}  // namespace ember::portal
