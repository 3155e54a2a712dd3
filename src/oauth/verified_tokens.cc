#include "oauth/verified_tokens.h"

#include <algorithm>

namespace ember::oauth {

std::shared_ptr<const VerifiedToken> VerifiedTokens::find(std::string_view token,
                                                          std::int64_t now_s) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(token);
  if (it == entries_.end() || it->second->exp_s <= now_s) return nullptr;
  return it->second;
}

void VerifiedTokens::put(std::string token, std::shared_ptr<const VerifiedToken> entry,
                         std::int64_t now_s) {
  if (max_ == 0) return;  // caching switched off (--token-cache 0)
  std::lock_guard lock(mu_);
  if (entries_.size() >= max_) {
    std::erase_if(entries_, [&](const auto& kv) { return kv.second->exp_s <= now_s; });
    if (entries_.size() >= max_) entries_.clear();
  }
  entries_.insert_or_assign(std::move(token), std::move(entry));
}

std::size_t VerifiedTokens::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace ember::oauth
