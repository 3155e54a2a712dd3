// A grant in use: access tokens renewed before expiry (RFC 6749 §6 refresh, or a new
// client_credentials request for backend services), saved to the store, revoked on logout.
#include "ember/client/session.h"

#include <mutex>

#include "client/internal.h"

namespace ember::client {

struct Session::Impl {
  SessionState state;
  Services services;
  std::shared_ptr<TokenStore> store;
  std::chrono::seconds margin = kDefaultRefreshMargin;
  std::mutex mu;

  Result<void> save() { return store->save(state); }

  Result<void> renew_locked() {
    detail::Params params;
    if (!state.tokens.refresh_token.empty()) {
      params = {{"grant_type", "refresh_token"}, {"refresh_token", state.tokens.refresh_token}};
    } else if (state.backend) {
      params = {{"grant_type", "client_credentials"}};
      if (!state.requested_scope.empty()) params.emplace_back("scope", state.requested_scope);
    } else {
      return failure(ErrorKind::NotAuthenticated,
                     "the access token expired and there is no refresh token (log in again)",
                     "expired");
    }
    auto res = detail::token_request(services, state.credentials, state.token_endpoint,
                                     std::move(params));
    if (!res) return failure(res.error());
    detail::merge_tokens(state.tokens, res->tokens);
    return save();
  }
};

Session::Session(SessionState state, Services services, std::shared_ptr<TokenStore> store)
    : impl_(std::make_unique<Impl>()) {
  impl_->state = std::move(state);
  impl_->services = std::move(services);
  impl_->store = store ? std::move(store) : memory_token_store();
}
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;
Session::~Session() = default;

Result<Session> Session::resume(std::shared_ptr<TokenStore> store, Services services) {
  if (!store) return failure(ErrorKind::InvalidArgument, "no token store");
  auto loaded = store->load();
  if (!loaded) return failure(loaded.error());
  if (!*loaded) {
    return failure(ErrorKind::NotAuthenticated, "not logged in (no stored tokens)", "no_tokens");
  }
  return Session(std::move(**loaded), std::move(services), std::move(store));
}

Result<std::string> Session::access_token() {
  std::lock_guard lock(impl_->mu);
  auto& t = impl_->state.tokens;
  if (t.access_token.empty()) {
    return failure(ErrorKind::NotAuthenticated, "no access token (logged out?)", "no_tokens");
  }
  if (t.expires_at) {
    const auto now = impl_->services.now();
    if (now + impl_->margin >= *t.expires_at) {
      auto renewed = impl_->renew_locked();
      // A token still inside its lifetime stays usable when the early renewal fails (no refresh
      // token, server down): the failure only matters once it has expired.
      if (!renewed && now >= *t.expires_at) return failure(renewed.error());
    }
  }
  return t.access_token;
}

Result<void> Session::refresh() {
  std::lock_guard lock(impl_->mu);
  if (impl_->state.tokens.refresh_token.empty() && !impl_->state.backend) {
    return failure(ErrorKind::NotAuthenticated,
                   "no refresh token (ask for offline_access or online_access)", "no_refresh_token");
  }
  return impl_->renew_locked();
}

Result<void> Session::logout() {
  std::lock_guard lock(impl_->mu);
  auto& s = impl_->state;
  Result<void> first;
  if (!s.revocation_endpoint.empty()) {
    // Revoking the refresh token first ends the whole grant on servers that tie tokens to it.
    if (!s.tokens.refresh_token.empty()) {
      first = detail::revoke_token(impl_->services, s.credentials, s.revocation_endpoint,
                                   s.token_endpoint, s.tokens.refresh_token, "refresh_token");
    }
    if (!s.tokens.access_token.empty()) {
      auto r = detail::revoke_token(impl_->services, s.credentials, s.revocation_endpoint,
                                    s.token_endpoint, s.tokens.access_token, "access_token");
      if (first && !r) first = r;
    }
  }
  s.tokens = TokenSet{};
  auto cleared = impl_->store->clear();
  if (!first) return first;
  return cleared;
}

void Session::set_refresh_margin(std::chrono::seconds margin) {
  std::lock_guard lock(impl_->mu);
  impl_->margin = margin;
}

const LaunchContext& Session::context() const { return impl_->state.tokens.context; }

Json Session::id_token_claims() const {
  std::lock_guard lock(impl_->mu);
  return detail::unverified_claims(impl_->state.tokens.id_token);
}

const std::string& Session::fhir_base() const { return impl_->state.fhir_base; }

SessionState Session::state() const {
  std::lock_guard lock(impl_->mu);
  return impl_->state;
}

const Services& Session::services() const { return impl_->services; }

FhirClient Session::fhir() { return FhirClient(*this); }

}  // namespace ember::client
