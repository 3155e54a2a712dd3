// RFC 7591 client metadata: the one validator that turns a registration document (or an RFC 7592
// update) into a ClientRecord, and the RFC 7591 §3.2.1 view of a stored record. Pure: no store,
// clock or RNG — the registration endpoint adds client_id, secrets, tokens and timestamps.
#pragma once
#include <boost/json.hpp>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"
#include "store/auth_store.h"

namespace ember::oauth {

// The error codes of RFC 7591 §3.2.2 that metadata validation can produce.
enum class RegistrationErrc {
  InvalidRedirectUri,        // a redirect_uris entry is not acceptable
  InvalidClientMetadata,     // any other member is malformed, unsupported or inconsistent
  InvalidSoftwareStatement,  // software_statement is present but not a JWS compact string
};

struct RegistrationError {
  RegistrationErrc code = RegistrationErrc::InvalidClientMetadata;
  std::string description;  // safe to show to the client
};

// "invalid_redirect_uri", "invalid_client_metadata", "invalid_software_statement".
std::string_view registration_error_code(RegistrationErrc e);

// Bounds on what one registration may store (habit 8: everything bounded, named).
inline constexpr std::size_t kMaxRegistrationBodyBytes = 128 * 1024;
inline constexpr std::size_t kMaxClientNameLength = 200;
inline constexpr std::size_t kMaxUriLength = 2048;
inline constexpr std::size_t kMaxRedirectUris = 20;
inline constexpr std::size_t kMaxContacts = 10;
inline constexpr std::size_t kMaxContactLength = 320;  // an e-mail address at most 320 octets
inline constexpr std::size_t kMaxScopeLength = 4096;
inline constexpr std::size_t kMaxListEntries = 8;  // grant_types, response_types

inline constexpr std::string_view kDefaultClientName = "Unnamed app";
// What a client gets when it registers without `scope` (RFC 7591 §2: the server picks a default).
inline constexpr std::string_view kDefaultAppScope =
    "openid fhirUser launch launch/patient launch/encounter offline_access online_access "
    "patient/*.rs user/*.rs";
inline constexpr std::string_view kDefaultBackendScope = "system/*.rs";

struct MetadataPolicy {
  // Sandbox mode also accepts a loopback http jwks_uri (a developer's local key server).
  // Production keeps it https-only: the server fetches that URL itself.
  bool sandbox = true;
  std::string default_app_scope{kDefaultAppScope};
  std::string default_backend_scope{kDefaultBackendScope};
};

// Validates a registration (RFC 7591 §2, §3.1) or update (RFC 7592 §2.2) document and returns the
// record it describes: name, type, auth_method, grant_types, redirect_uris, launch_url,
// allowed_scopes, jwks / jwks_uri, logo_uri, contacts. client_id, secret_hash, created_ms,
// registration_token_hash and allowed_origins are left empty for the caller. Unknown members are
// ignored (RFC 7591 §2). The first broken rule is reported.
[[nodiscard]] Result<store::ClientRecord, RegistrationError> validate_client_metadata(
    const boost::json::value& body, const MetadataPolicy& policy);

// The client metadata of `c` as RFC 7591 §3.2.1 returns it: client_name,
// token_endpoint_auth_method, grant_types, response_types, redirect_uris, scope, jwks or jwks_uri,
// logo_uri, contacts, launch_uri / initiate_login_uri. Records made by the CLI (empty auth_method
// or grant_types) show the values their type implies. Never contains secrets or tokens.
boost::json::object client_metadata_json(const store::ClientRecord& c);

// The token_endpoint_auth_method a record authenticates with (its own, or the one of its type).
std::string_view effective_auth_method(const store::ClientRecord& c);

}  // namespace ember::oauth
