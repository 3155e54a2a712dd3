// The client address behind trusted proxies: X-Forwarded-For only from a trusted peer, read from
// the right past trusted hops, never chosen by the client.
#include "http/client_address.h"

#include <gtest/gtest.h>

namespace ember::http {
namespace {

Request with_xff(std::initializer_list<std::string_view> values) {
  Request req{bhttp::verb::get, "/", 11};
  for (auto v : values) req.insert("X-Forwarded-For", v);
  return req;
}

TEST(TrustedProxies, Parse) {
  EXPECT_TRUE(TrustedProxies::parse("10.0.0.1"));
  EXPECT_TRUE(TrustedProxies::parse("10.0.0.0/8, 192.168.1.0/24,::1, fd00::/8"));
  EXPECT_TRUE(TrustedProxies::parse("")->empty());
  for (auto bad : {"10.0.0.1/33", "nonsense", "10.0.0.1,", "10.0.0.0/", "::1/129", "1.2.3.4/x"}) {
    EXPECT_FALSE(TrustedProxies::parse(bad)) << bad;
  }
}

TEST(TrustedProxies, Contains) {
  auto t = *TrustedProxies::parse("10.1.0.0/16, 192.168.7.7, fd00::/8, 172.16.0.0/12");
  EXPECT_TRUE(t.contains("10.1.255.3"));
  EXPECT_FALSE(t.contains("10.2.0.1"));
  EXPECT_TRUE(t.contains("192.168.7.7"));
  EXPECT_FALSE(t.contains("192.168.7.8"));
  EXPECT_TRUE(t.contains("fd12::1"));
  EXPECT_FALSE(t.contains("fe80::1"));
  EXPECT_TRUE(t.contains("172.31.0.1"));
  EXPECT_FALSE(t.contains("172.32.0.1"));
  EXPECT_TRUE(t.contains("::ffff:10.1.0.9"));  // IPv4-mapped peer of a dual-stack socket
  EXPECT_FALSE(t.contains("not-an-ip"));
}

TEST(ClientAddress, OnlyTrustedPeersMayForward) {
  auto t = *TrustedProxies::parse("10.0.0.1");
  EXPECT_EQ(client_address(with_xff({"203.0.113.9"}), "10.0.0.1", t), "203.0.113.9");
  // An untrusted peer's header is ignored: clients cannot pick their address.
  EXPECT_EQ(client_address(with_xff({"203.0.113.9"}), "198.51.100.4", t), "198.51.100.4");
  // No trusted proxies configured: always the peer.
  EXPECT_EQ(client_address(with_xff({"203.0.113.9"}), "10.0.0.1", TrustedProxies{}), "10.0.0.1");
  // A trusted peer without the header: the peer.
  EXPECT_EQ(client_address(with_xff({}), "10.0.0.1", t), "10.0.0.1");
}

TEST(ClientAddress, RightMostUntrustedHop) {
  auto t = *TrustedProxies::parse("10.0.0.0/8");
  // The client sent "1.1.1.1" itself; the proxies appended the real address and their own.
  EXPECT_EQ(client_address(with_xff({"1.1.1.1, 203.0.113.9, 10.0.0.5"}), "10.0.0.1", t),
            "203.0.113.9");
  // Several header fields are one list.
  EXPECT_EQ(client_address(with_xff({"1.1.1.1", "203.0.113.9"}), "10.0.0.1", t), "203.0.113.9");
  // Every hop trusted: the left-most.
  EXPECT_EQ(client_address(with_xff({"10.0.0.9, 10.0.0.5"}), "10.0.0.1", t), "10.0.0.9");
  // Garbage stops the walk at the last trusted hop.
  EXPECT_EQ(client_address(with_xff({"203.0.113.9, junk, 10.0.0.5"}), "10.0.0.1", t), "10.0.0.5");
  EXPECT_EQ(client_address(with_xff({"junk"}), "10.0.0.1", t), "10.0.0.1");
  EXPECT_EQ(client_address(with_xff({" 2001:db8::7 "}), "10.0.0.1", t), "2001:db8::7");
}

}  // namespace
}  // namespace ember::http
