// The client address of a request: the TCP peer, unless the peer is a trusted reverse proxy, in
// which case X-Forwarded-For names it. The header is read from the right (the entry the trusted
// proxy appended) past every trusted hop, so a client cannot choose its address by sending its
// own X-Forwarded-For; without trusted proxies the header is ignored. The brute-force limits
// (oauth/limiter.h) count on this address.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/types.h"

namespace ember::http {

class TrustedProxies {
 public:
  // "10.0.0.1, 192.168.0.0/16, ::1, fd00::/8"; nullopt when an entry is not an address/CIDR.
  static std::optional<TrustedProxies> parse(std::string_view list);
  bool empty() const { return nets_.empty(); }
  bool contains(std::string_view address) const;

 private:
  struct Net {
    bool v6 = false;
    std::array<std::uint8_t, 16> bytes{};
    int prefix = 0;
  };
  std::vector<Net> nets_;
};

inline std::optional<TrustedProxies> parse_trusted_proxies(std::string_view list) {
  return TrustedProxies::parse(list);
}

// The address to count the request on: `peer` itself unless it is trusted and the request has
// X-Forwarded-For; then the right-most entry that is not a trusted proxy (the left-most one if all
// are trusted). Entries that are not IP addresses end the walk at the last trusted hop.
std::string client_address(const Request& req, const std::string& peer,
                           const TrustedProxies& trusted);

}  // namespace ember::http
