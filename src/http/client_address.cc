#include "http/client_address.h"

#include <algorithm>
#include <boost/asio/ip/address.hpp>

#include "core/text.h"

namespace ember::http {

namespace {

std::optional<boost::asio::ip::address> ip(std::string_view s) {
  boost::system::error_code ec;
  auto a = boost::asio::ip::make_address(std::string(s), ec);
  if (ec) return std::nullopt;
  // An IPv4-mapped IPv6 peer (dual-stack sockets) is the IPv4 address it maps.
  if (a.is_v6() && a.to_v6().is_v4_mapped()) {
    return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
  }
  return a;
}

}  // namespace

std::optional<TrustedProxies> TrustedProxies::parse(std::string_view list) {
  TrustedProxies out;
  if (trim_ows(list).empty()) return out;
  for (bool more = true; more;) {
    auto comma = list.find(',');
    more = comma != std::string_view::npos;
    std::string_view item = trim_ows(list.substr(0, comma));
    list = more ? list.substr(comma + 1) : std::string_view();
    if (item.empty()) return std::nullopt;
    auto slash = item.find('/');
    auto addr = ip(item.substr(0, slash));
    if (!addr) return std::nullopt;
    Net n;
    n.v6 = addr->is_v6();
    const int bits = n.v6 ? 128 : 32;
    n.prefix = bits;
    if (slash != std::string_view::npos) {
      std::string_view p = item.substr(slash + 1);
      if (p.empty() || p.size() > 3) return std::nullopt;
      int v = 0;
      for (char c : p) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
      }
      if (v > bits) return std::nullopt;
      n.prefix = v;
    }
    if (n.v6) {
      auto b = addr->to_v6().to_bytes();
      std::copy(b.begin(), b.end(), n.bytes.begin());
    } else {
      auto b = addr->to_v4().to_bytes();
      std::copy(b.begin(), b.end(), n.bytes.begin());
    }
    out.nets_.push_back(n);
  }
  return out;
}

bool TrustedProxies::contains(std::string_view address) const {
  auto a = ip(address);
  if (!a) return false;
  std::array<std::uint8_t, 16> bytes{};
  if (a->is_v6()) {
    auto b = a->to_v6().to_bytes();
    std::copy(b.begin(), b.end(), bytes.begin());
  } else {
    auto b = a->to_v4().to_bytes();
    std::copy(b.begin(), b.end(), bytes.begin());
  }
  for (const auto& n : nets_) {
    if (n.v6 != a->is_v6()) continue;
    bool match = true;
    for (int i = 0; i < n.prefix && match; i += 8) {
      const int left = n.prefix - i;
      const std::uint8_t mask = left >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - left));
      match = (bytes[i / 8] & mask) == (n.bytes[i / 8] & mask);
    }
    if (match) return true;
  }
  return false;
}

std::string client_address(const Request& req, const std::string& peer,
                           const TrustedProxies& trusted) {
  if (trusted.empty() || !trusted.contains(peer)) return peer;
  // Every X-Forwarded-For field, in order, as one list (RFC 9110 §5.3).
  std::vector<std::string_view> hops;
  auto [first, last] = req.equal_range("X-Forwarded-For");
  for (auto it = first; it != last; ++it) {
    std::string_view v(it->value().data(), it->value().size());
    while (!v.empty()) {
      auto comma = v.find(',');
      hops.push_back(trim_ows(v.substr(0, comma)));
      v = comma == std::string_view::npos ? std::string_view() : v.substr(comma + 1);
    }
  }
  std::string client = peer;
  for (auto h = hops.rbegin(); h != hops.rend(); ++h) {
    auto a = ip(*h);
    if (!a) break;  // garbage: keep the last trusted hop
    client = a->to_string();
    if (!trusted.contains(client)) break;
  }
  return client;
}

}  // namespace ember::http
