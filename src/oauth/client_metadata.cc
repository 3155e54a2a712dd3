#include "oauth/client_metadata.h"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <cctype>
#include <optional>
#include <set>
#include <vector>

#include "jose/jwks.h"
#include "smart/scopes.h"

namespace ember::oauth {

namespace bj = boost::json;
namespace urls = boost::urls;

namespace {

using store::ClientRecord;
using store::ClientType;

constexpr std::string_view kAuthNone = "none";
constexpr std::string_view kAuthBasic = "client_secret_basic";
constexpr std::string_view kAuthPost = "client_secret_post";
constexpr std::string_view kAuthPrivateKeyJwt = "private_key_jwt";
constexpr std::string_view kGrantCode = "authorization_code";
constexpr std::string_view kGrantRefresh = "refresh_token";
constexpr std::string_view kGrantClientCredentials = "client_credentials";
constexpr std::string_view kResponseCode = "code";

std::unexpected<RegistrationError> bad(RegistrationErrc code, std::string description) {
  return fail(RegistrationError{code, std::move(description)});
}
std::unexpected<RegistrationError> bad_meta(std::string description) {
  return bad(RegistrationErrc::InvalidClientMetadata, std::move(description));
}

bool has_control_chars(std::string_view s) {
  return std::any_of(s.begin(), s.end(),
                     [](char ch) { return static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f; });
}

bool contains(const std::vector<std::string>& v, std::string_view s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// A member that is absent or null counts as omitted (RFC 7592 §2.2: the server MAY ignore null
// or empty values).
const bj::value* member(const bj::object& o, std::string_view key) {
  auto it = o.find(key);
  if (it == o.end() || it->value().is_null()) return nullptr;
  return &it->value();
}

Result<std::optional<std::string>, RegistrationError> opt_string(const bj::object& o,
                                                                 std::string_view key,
                                                                 std::size_t max_length) {
  const bj::value* v = member(o, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) return bad_meta(std::string(key) + " must be a string");
  std::string s(v->get_string());
  if (s.size() > max_length) {
    return bad_meta(std::string(key) + " is longer than " + std::to_string(max_length));
  }
  if (has_control_chars(s)) return bad_meta(std::string(key) + " contains control characters");
  return s;
}

Result<std::optional<std::vector<std::string>>, RegistrationError> opt_string_array(
    const bj::object& o, std::string_view key, std::size_t max_entries, std::size_t max_length,
    RegistrationErrc code = RegistrationErrc::InvalidClientMetadata) {
  const bj::value* v = member(o, key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_array()) return bad(code, std::string(key) + " must be an array of strings");
  const auto& arr = v->get_array();
  if (arr.size() > max_entries) {
    return bad(code,
               std::string(key) + " has more than " + std::to_string(max_entries) + " entries");
  }
  std::vector<std::string> out;
  for (const auto& e : arr) {
    if (!e.is_string()) return bad(code, std::string(key) + " must be an array of strings");
    std::string s(e.get_string());
    if (s.empty() || s.size() > max_length || has_control_chars(s)) {
      return bad(code, std::string(key) + " has an empty, overlong or malformed entry");
    }
    if (!contains(out, s)) out.push_back(std::move(s));
  }
  return out;
}

// RFC 8252 §7.3 / §8.3: loopback redirects name the interface literally; "localhost" is accepted
// for developer convenience.
bool is_loopback(const urls::url_view& u) {
  switch (u.host_type()) {
    case urls::host_type::ipv4:
      return u.host_ipv4_address().to_uint() == 0x7f000001u;
    case urls::host_type::ipv6:
      return u.host_ipv6_address().is_loopback();
    case urls::host_type::name: {
      std::string host(u.encoded_host());
      std::transform(host.begin(), host.end(), host.begin(),
                     [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
      return host == "localhost";
    }
    default:
      return false;
  }
}

struct UriRules {
  bool loopback_http = false;   // http:// allowed when the host is a loopback host
  bool private_scheme = false;  // RFC 8252 §7.1 reverse-DNS private-use schemes (native apps)
};

// Why `s` is not acceptable under `rules`, or nullopt when it is. Absolute URI (RFC 3986 §4.3),
// no fragment (RFC 6749 §3.1.2, RFC 7591 §2), no userinfo (credentials never belong in a URL).
std::optional<std::string> uri_problem(std::string_view s, UriRules rules) {
  if (s.empty() || s.size() > kMaxUriLength) return "is empty or too long";
  if (s.find('#') != std::string_view::npos) return "must not contain a fragment";
  auto u = urls::parse_absolute_uri(s);
  if (!u) return "is not an absolute URI";
  if (u->has_userinfo()) return "must not contain user information";
  // Boost.URL 1.81 reads "http://127.0.0.1.evil.example/x" as host 127.0.0.1 and path
  // ".evil.example/x" (boostorg/url#755): after an authority a path is empty or starts with '/'.
  if (u->has_authority() && !u->encoded_path().empty() && u->encoded_path().front() != '/') {
    return "has a malformed host";
  }
  const auto scheme = u->scheme_id();
  if (scheme == urls::scheme::https) {
    if (!u->has_authority() || u->encoded_host().empty()) return "has no host";
    return std::nullopt;
  }
  if (scheme == urls::scheme::http && rules.loopback_http && is_loopback(*u)) return std::nullopt;
  if (scheme != urls::scheme::http && rules.private_scheme &&
      std::string_view(u->scheme()).find('.') != std::string_view::npos) {
    return std::nullopt;
  }
  if (rules.private_scheme) {
    return "must use https, http on a loopback host, or a reverse-DNS private-use scheme";
  }
  return rules.loopback_http ? "must use https (http only for 127.0.0.1, [::1] or localhost)"
                             : "must use https";
}

Result<void, RegistrationError> check_uri(std::string_view key, std::string_view value,
                                          UriRules rules, RegistrationErrc code = RegistrationErrc::InvalidClientMetadata) {
  if (auto why = uri_problem(value, rules)) {
    return bad(code, std::string(key) + " '" + std::string(value.substr(0, 200)) + "' " + *why);
  }
  return {};
}

// RFC 7591 §2.3: we do not act on software statements (the RFC lets a server ignore them), but
// one that is not even a JWS compact string is reported rather than silently dropped.
Result<void, RegistrationError> check_software_statement(const bj::object& o, const MetadataPolicy&,
                                                         ClientRecord&) {
  const bj::value* v = member(o, "software_statement");
  if (v == nullptr) return {};
  if (!v->is_string() || std::count(v->get_string().begin(), v->get_string().end(), '.') != 2) {
    return bad(RegistrationErrc::InvalidSoftwareStatement, "software_statement must be a signed JWT");
  }
  return {};
}

// token_endpoint_auth_method (RFC 7591 §2, default client_secret_basic) and grant_types (default
// authorization_code), and the client type they imply. SMART Backend Services: client_credentials
// is for private_key_jwt clients only, and such a client uses no other grant.
Result<void, RegistrationError> read_auth_and_grants(const bj::object& o, const MetadataPolicy&,
                                                     ClientRecord& c) {
  auto method = opt_string(o, "token_endpoint_auth_method", 64);
  if (!method) return fail(method.error());
  c.auth_method = method->value_or(std::string(kAuthBasic));
  auto grants = opt_string_array(o, "grant_types", kMaxListEntries, 64);
  if (!grants) return fail(grants.error());
  c.grant_types = grants->value_or(std::vector<std::string>{std::string(kGrantCode)});
  if (c.grant_types.empty()) return bad_meta("grant_types must not be empty");
  for (const auto& g : c.grant_types) {
    if (g != kGrantCode && g != kGrantRefresh && g != kGrantClientCredentials) {
      return bad_meta("grant type '" + g + "' is not supported");
    }
  }
  const bool backend = contains(c.grant_types, kGrantClientCredentials);
  if (backend && c.grant_types.size() != 1) {
    return bad_meta("client_credentials cannot be combined with other grant types");
  }
  if (contains(c.grant_types, kGrantRefresh) && !contains(c.grant_types, kGrantCode)) {
    return bad_meta("refresh_token requires authorization_code");
  }
  if (c.auth_method == kAuthNone) {
    c.type = ClientType::Public;
  } else if (c.auth_method == kAuthBasic || c.auth_method == kAuthPost) {
    c.type = ClientType::ConfidentialSymmetric;
  } else if (c.auth_method == kAuthPrivateKeyJwt) {
    c.type = backend ? ClientType::Backend : ClientType::ConfidentialAsymmetric;
  } else {
    return bad_meta("token_endpoint_auth_method '" + c.auth_method + "' is not supported");
  }
  if (backend && c.type != ClientType::Backend) {
    return bad_meta("client_credentials requires token_endpoint_auth_method private_key_jwt");
  }
  return {};
}

// response_types (RFC 7591 §2.1): only "code", and present exactly when authorization_code is.
Result<void, RegistrationError> check_response_types(const bj::object& o, const MetadataPolicy&,
                                                     ClientRecord& c) {
  const bool code_grant = contains(c.grant_types, kGrantCode);
  auto types = opt_string_array(o, "response_types", kMaxListEntries, 64);
  if (!types) return fail(types.error());
  if (!*types) return {};  // the default follows grant_types
  for (const auto& t : **types) {
    if (t != kResponseCode) return bad_meta("response type '" + t + "' is not supported");
  }
  if (contains(**types, kResponseCode) != code_grant) {
    return bad_meta(
        "response_types and grant_types are inconsistent (code needs "
        "authorization_code and vice versa)");
  }
  return {};
}

// redirect_uris (RFC 7591 §2, RFC 8252 §7): required for the authorization_code grant, exact
// strings kept as sent (CLI-02 compares them exactly); none for backend clients.
Result<void, RegistrationError> read_redirect_uris(const bj::object& o, const MetadataPolicy&,
                                                   ClientRecord& c) {
  auto uris = opt_string_array(o, "redirect_uris", kMaxRedirectUris, kMaxUriLength,
                               RegistrationErrc::InvalidRedirectUri);
  if (!uris) return fail(uris.error());
  std::vector<std::string> list = uris->value_or(std::vector<std::string>{});
  if (!contains(c.grant_types, kGrantCode)) {
    if (!list.empty()) return bad_meta("redirect_uris are only used with authorization_code");
    return {};
  }
  if (list.empty()) return bad(RegistrationErrc::InvalidRedirectUri, "redirect_uris is required");
  for (const auto& uri : list) {
    auto ok = check_uri("redirect_uri", uri, {.loopback_http = true, .private_scheme = true},
                        RegistrationErrc::InvalidRedirectUri);
    if (!ok) return ok;
  }
  c.redirect_uris = std::move(list);
  return {};
}

// launch_uri (SMART EHR launch, an Ember extension) or its OpenID Connect Registration name
// initiate_login_uri: where the EHR sends the browser to launch the app.
Result<void, RegistrationError> read_launch_uri(const bj::object& o, const MetadataPolicy&,
                                                ClientRecord& c) {
  auto launch = opt_string(o, "launch_uri", kMaxUriLength);
  if (!launch) return fail(launch.error());
  auto initiate = opt_string(o, "initiate_login_uri", kMaxUriLength);
  if (!initiate) return fail(initiate.error());
  if (*launch && *initiate && **launch != **initiate) {
    return bad_meta("launch_uri and initiate_login_uri differ");
  }
  std::string uri = launch->value_or(initiate->value_or(""));
  if (uri.empty()) return {};
  if (c.type == ClientType::Backend) return bad_meta("a backend client has no launch_uri");
  if (auto ok = check_uri("launch_uri", uri, {.loopback_http = true}); !ok) return ok;
  c.launch_url = std::move(uri);
  return {};
}

// An inline JWK Set (RFC 7591 §2 `jwks`): public signing keys only, each with a kid unique in the
// set (checklist CLI-07). Stored in the normalized public form that KeySet produces.
Result<std::string, RegistrationError> read_jwks(const bj::value& v) {
  if (!v.is_object()) return bad_meta("jwks must be a JSON object with a keys array");
  if (bj::serialize(v).size() > jose::kMaxJwksBytes) return bad_meta("jwks is too large");
  auto set = jose::KeySet::from_json(v.get_object());
  if (!set) return bad_meta("jwks is invalid: " + std::string(jose::to_string(set.error())));
  if (set->empty()) {
    return bad_meta("jwks has no usable signing key (RSA of 2048 bits or more, EC P-256 or P-384)");
  }
  std::set<std::string> kids;
  for (const auto& k : set->keys()) {
    if (k.is_private()) return bad_meta("jwks must not contain private keys");
    if (k.kid().empty()) return bad_meta("every key in jwks needs a kid");
    if (!kids.insert(k.kid()).second) return bad_meta("kid '" + k.kid() + "' is not unique");
  }
  return bj::serialize(set->to_public_json());
}

// jwks / jwks_uri (RFC 7591 §2: "MUST NOT both be present"): exactly one for private_key_jwt
// (the SMART IG has servers support both), none for clients that never sign assertions.
Result<void, RegistrationError> read_keys(const bj::object& o, const MetadataPolicy& policy,
                                          ClientRecord& c) {
  const bj::value* jwks = member(o, "jwks");
  auto jwks_uri = opt_string(o, "jwks_uri", kMaxUriLength);
  if (!jwks_uri) return fail(jwks_uri.error());
  if (jwks != nullptr && *jwks_uri) return bad_meta("jwks and jwks_uri must not both be present");
  if (c.auth_method != kAuthPrivateKeyJwt) {
    if (jwks != nullptr || *jwks_uri) return bad_meta("jwks and jwks_uri need private_key_jwt");
    return {};
  }
  if (jwks == nullptr && !*jwks_uri) return bad_meta("private_key_jwt needs jwks or jwks_uri");
  if (jwks != nullptr) {
    auto text = read_jwks(*jwks);
    if (!text) return fail(text.error());
    c.jwks = std::move(*text);
    return {};
  }
  if (auto ok = check_uri("jwks_uri", **jwks_uri, {.loopback_http = policy.sandbox}); !ok) {
    return ok;
  }
  c.jwks_uri = std::move(**jwks_uri);
  return {};
}

// scope (RFC 7591 §2): strict SMART grammar, and the right family for the client: system/ scopes
// belong to backend clients (SMART Backend Services) and only they may hold them.
Result<void, RegistrationError> read_scope(const bj::object& o, const MetadataPolicy& policy,
                                           ClientRecord& c) {
  auto scope = opt_string(o, "scope", kMaxScopeLength);
  if (!scope) return fail(scope.error());
  const bool backend = c.type == ClientType::Backend;
  std::string text =
      scope->value_or(backend ? policy.default_backend_scope : policy.default_app_scope);
  auto set = smart::parse_scopes_strict(text);
  if (!set) return bad_meta("scope: " + set.error().message);
  if (set->empty()) return bad_meta("scope must not be empty");
  for (const auto& s : set->all()) {
    const bool system =
        s.kind == smart::ScopeKind::Resource && s.resource.context == smart::Context::System;
    if (backend && !system) {
      return bad_meta("a backend client may only hold system/ scopes, not '" + s.text + "'");
    }
    if (!backend && system) {
      return bad_meta("system/ scopes need the client_credentials grant, not '" + s.text + "'");
    }
  }
  c.allowed_scopes = set->to_string();
  return {};
}

// client_name, logo_uri, contacts: descriptive, shown on the consent page and in the app registry.
Result<void, RegistrationError> read_description(const bj::object& o, const MetadataPolicy&,
                                                 ClientRecord& c) {
  auto name = opt_string(o, "client_name", kMaxClientNameLength);
  if (!name) return fail(name.error());
  c.name = name->value_or("");
  if (c.name.empty()) c.name = std::string(kDefaultClientName);
  auto logo = opt_string(o, "logo_uri", kMaxUriLength);
  if (!logo) return fail(logo.error());
  if (*logo) {
    if (auto ok = check_uri("logo_uri", **logo, {.loopback_http = true}); !ok) return ok;
    c.logo_uri = std::move(**logo);
  }
  auto contacts = opt_string_array(o, "contacts", kMaxContacts, kMaxContactLength);
  if (!contacts) return fail(contacts.error());
  c.contacts = contacts->value_or(std::vector<std::string>{});
  return {};
}

// In order: later steps rely on the type and grant types the second one sets.
using Step = Result<void, RegistrationError> (*)(const bj::object&, const MetadataPolicy&,
                                                 ClientRecord&);
constexpr Step kSteps[] = {check_software_statement,
                           read_auth_and_grants,
                           check_response_types,
                           read_redirect_uris,
                           read_launch_uri,
                           read_keys,
                           read_scope,
                           read_description};

std::vector<std::string> effective_grant_types(const ClientRecord& c) {
  if (!c.grant_types.empty()) return c.grant_types;
  if (c.type == ClientType::Backend) return {std::string(kGrantClientCredentials)};
  return {std::string(kGrantCode), std::string(kGrantRefresh)};
}

bj::array to_array(const std::vector<std::string>& v) {
  bj::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

}  // namespace

std::string_view registration_error_code(RegistrationErrc e) {
  switch (e) {
    case RegistrationErrc::InvalidRedirectUri:
      return "invalid_redirect_uri";
    case RegistrationErrc::InvalidClientMetadata:
      return "invalid_client_metadata";
    case RegistrationErrc::InvalidSoftwareStatement:
      return "invalid_software_statement";
  }
  return "invalid_client_metadata";
}

Result<store::ClientRecord, RegistrationError> validate_client_metadata(
    const boost::json::value& body, const MetadataPolicy& policy) {
  if (!body.is_object()) return bad_meta("the registration request must be a JSON object");
  const bj::object& o = body.get_object();
  ClientRecord c;
  for (Step step : kSteps) {
    if (auto ok = step(o, policy, c); !ok) return fail(ok.error());
  }
  return c;
}

std::string_view effective_auth_method(const store::ClientRecord& c) {
  if (!c.auth_method.empty()) return c.auth_method;
  switch (c.type) {
    case ClientType::Public:
      return kAuthNone;
    case ClientType::ConfidentialSymmetric:
      return kAuthBasic;
    case ClientType::ConfidentialAsymmetric:
    case ClientType::Backend:
      return kAuthPrivateKeyJwt;
  }
  return kAuthNone;
}

boost::json::object client_metadata_json(const store::ClientRecord& c) {
  const auto grants = effective_grant_types(c);
  bj::object o;
  o["client_name"] = c.name;
  o["token_endpoint_auth_method"] = effective_auth_method(c);
  o["grant_types"] = to_array(grants);
  o["response_types"] = contains(grants, kGrantCode) ? bj::array{kResponseCode} : bj::array{};
  if (!c.redirect_uris.empty()) o["redirect_uris"] = to_array(c.redirect_uris);
  o["scope"] = c.allowed_scopes;
  if (!c.jwks.empty()) {
    boost::system::error_code ec;
    if (auto v = bj::parse(c.jwks, ec); !ec) o["jwks"] = std::move(v);
  }
  if (!c.jwks_uri.empty()) o["jwks_uri"] = c.jwks_uri;
  if (!c.logo_uri.empty()) o["logo_uri"] = c.logo_uri;
  if (!c.contacts.empty()) o["contacts"] = to_array(c.contacts);
  if (!c.launch_url.empty()) {
    // Both names: a client finds the one it registered with.
    o["launch_uri"] = c.launch_url;
    o["initiate_login_uri"] = c.launch_url;
  }
  return o;
}

}  // namespace ember::oauth
