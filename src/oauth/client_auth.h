// Client authentication at the token endpoint (RFC 6749 §2.3): HTTP Basic with form-encoded
// credentials (§2.3.1), client_secret_post, or none for public clients (which must send
// client_id). A confidential client can never pass as public.
#pragma once
#include <functional>
#include <optional>
#include <string>

#include "core/result.h"
#include "http/types.h"
#include "http/url.h"
#include "oauth/errors.h"
#include "store/auth_store.h"

namespace ember::oauth {

struct AuthenticatedClient {
  store::ClientRecord client;
  std::string method;  // "none", "client_secret_basic", "client_secret_post", "private_key_jwt"
};

using ClientLookup = std::function<std::optional<store::ClientRecord>(const std::string&)>;
// Checks a presented secret against the client's stored hash.
using SecretCheck = std::function<bool(const store::ClientRecord&, const std::string&)>;
// Verifies a private_key_jwt client assertion (RFC 7523) for the client it names.
using AssertionCheck =
    std::function<Result<void, Error>(std::string_view assertion, const store::ClientRecord&)>;

[[nodiscard]] Result<AuthenticatedClient, Error> authenticate_client(
    const http::Request& req, const http::QueryParams& form, const ClientLookup& lookup,
    const SecretCheck& check, const AssertionCheck& assertion_check = {});

}  // namespace ember::oauth
