// Access tokens whose signature, issuer and audience were already checked, with the access
// policy their claims grant, so the FHIR API verifies an ES256 signature and parses scopes once
// per token rather than on every request (DESIGN.md: "cache verified tokens on the FHIR side").
// What changes during a token's life is never cached here: expiry is compared on every hit, and
// revocation and the client's existence are asked of the store on every request.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "fhir/policy.h"

namespace ember::oauth {

struct VerifiedToken {
  std::int64_t exp_s = 0;
  std::string grant_id;  // "gid" ("" for backend tokens)
  std::string jti;
  std::string client_id;
  std::shared_ptr<const fhir::AccessPolicy> policy;
};

class VerifiedTokens {
 public:
  // Tokens remembered at most (0 = none: every request verifies); when full, expired entries go
  // first, then everything (a flood of distinct valid tokens only costs their verification again).
  explicit VerifiedTokens(std::size_t max_entries = 4096) : max_(max_entries) {}

  // The entry for this exact token if it is known and not expired at now_s.
  std::shared_ptr<const VerifiedToken> find(std::string_view token, std::int64_t now_s) const;
  void put(std::string token, std::shared_ptr<const VerifiedToken> entry, std::int64_t now_s);
  std::size_t size() const;

 private:
  const std::size_t max_;
  // Transparent hashing: a lookup by the request's string_view allocates nothing.
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<const VerifiedToken>, Hash, std::equal_to<>>
      entries_;
};

}  // namespace ember::oauth
