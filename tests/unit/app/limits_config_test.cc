// The brute-force limit settings: defaults, flags and variables, durations and rates, switching
// each limit off, and the combinations refused.
#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <map>
#include <vector>

#include "app/config.h"
#include "config_harness.h"

namespace ember::app {
namespace {

using testing::Env;
using testing::load;

TEST(LimitsConfig, Defaults) {
  auto c = load({});
  ASSERT_TRUE(c) << c.error().message;
  const auto& s = c->limits.sign_in;
  EXPECT_TRUE(s.account.enabled);
  EXPECT_EQ(s.account.delay_after, 3);
  EXPECT_EQ(s.account.lock_after, 10);
  EXPECT_EQ(s.account.lock_ms, 15 * 60'000);
  EXPECT_EQ(s.address.delay_after, 20);
  EXPECT_EQ(s.address.lock_after, 100);
  const auto& r = c->limits.rates;
  EXPECT_TRUE(r.token_client.enabled);
  EXPECT_EQ(r.token_client.limit, 600);
  EXPECT_EQ(r.token_client.window_ms, 60'000);
  EXPECT_EQ(r.token_address.limit, 1200);
  EXPECT_EQ(r.registration_address.limit, 60);
  EXPECT_EQ(r.registration_address.window_ms, 600'000);
  EXPECT_TRUE(c->trusted_proxies.empty());
}

TEST(LimitsConfig, FlagsAndVariables) {
  auto c = load({"--signin-account-delay-after", "2", "--signin-delay", "200ms", "--signin-lock",
                 "3s", "--token-rate-client", "5/1m", "--trusted-proxy", "10.0.0.0/8"},
                {{"EMBER_SIGNIN_ACCOUNT_LOCK_AFTER", "4"},
                 {"EMBER_SIGNIN_MAX_DELAY", "1s"},
                 {"EMBER_REGISTRATION_RATE_ADDRESS", "3/10s"},
                 {"EMBER_SIGNIN_FORGET", "2h"}});
  ASSERT_TRUE(c) << c.error().message;
  const auto& a = c->limits.sign_in.account;
  EXPECT_EQ(a.delay_after, 2);
  EXPECT_EQ(a.lock_after, 4);
  EXPECT_EQ(a.base_delay_ms, 200);
  EXPECT_EQ(a.max_delay_ms, 1000);
  EXPECT_EQ(a.lock_ms, 3000);
  EXPECT_EQ(a.forget_ms, 2 * 3'600'000);
  EXPECT_EQ(c->limits.sign_in.address.lock_ms, 3000);  // durations apply to both counters
  EXPECT_EQ(c->limits.rates.token_client.limit, 5);
  EXPECT_EQ(c->limits.rates.registration_address.window_ms, 10'000);
  EXPECT_EQ(c->trusted_proxies, "10.0.0.0/8");
  EXPECT_FALSE(c->server_options().trusted_proxies.empty());
}

TEST(LimitsConfig, EachLimitCanBeSwitchedOff) {
  auto c = load({"--token-rate-client", "off", "--token-rate-address", "off",
                 "--registration-rate-address", "off", "--registration-rate-client", "off",
                 "--signin-account-delay-after", "0", "--signin-account-lock-after", "0",
                 "--signin-address-delay-after", "0", "--signin-address-lock-after", "0"});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_FALSE(c->limits.rates.token_client.enabled);
  EXPECT_FALSE(c->limits.rates.token_address.enabled);
  EXPECT_FALSE(c->limits.rates.registration_address.enabled);
  EXPECT_FALSE(c->limits.rates.registration_client.enabled);
  EXPECT_FALSE(c->limits.sign_in.account.enabled);
  EXPECT_FALSE(c->limits.sign_in.address.enabled);
  // Delays off, lock kept: still on.
  c = load({"--signin-account-delay-after", "0"});
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->limits.sign_in.account.enabled);
}

TEST(LimitsConfig, BadValuesAreRefused) {
  for (std::vector<std::string> args : std::vector<std::vector<std::string>>{
           {"--token-rate-client", "5"},
           {"--token-rate-client", "0/1m"},
           {"--token-rate-client", "5/0s"},
           {"--token-rate-address", "x/1m"},
           {"--registration-rate-client", "5/1y"},
           {"--signin-delay", "-1s"},
           {"--signin-delay", "0"},
           {"--signin-lock", "8d"},
           {"--signin-account-lock-after", "-1"},
           {"--signin-lock", "2h"},   // longer than signin-forget (1h)
           {"--signin-delay", "2m"},  // longer than signin-max-delay
           {"--trusted-proxy", "10.0.0.0/99"},
       }) {
    auto c = load(args);
    EXPECT_FALSE(c) << args[0] << " " << args[1];
  }
}

}  // namespace
}  // namespace ember::app
