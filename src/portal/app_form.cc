#include "portal/app_form.h"

#include <array>
#include <cctype>

#include "core/text.h"
#include "oauth/client_metadata.h"

namespace ember::portal {

namespace bj = boost::json;
using ehr::AppFormField;
using ehr::AppFormFields;
using store::ClientType;

namespace {

constexpr std::string_view kPublic = "public";
constexpr std::string_view kSymmetric = "confidential-symmetric";
constexpr std::string_view kAsymmetric = "confidential-asymmetric";
constexpr std::string_view kBackend = "backend";

// Whitespace-separated words (scopes typed over several lines become one space-separated list).
std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    std::size_t j = i;
    while (j < s.size() && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// Non-empty trimmed lines (Redirect URIs: one per line; browsers post CR LF).
std::vector<std::string> lines(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find('\n', start);
    if (end == std::string_view::npos) end = s.size();
    if (std::string line = std::string(trim_space(s.substr(start, end - start))); !line.empty()) {
      out.push_back(std::move(line));
    }
    start = end + 1;
  }
  return out;
}

std::unexpected<AppFormError> problem(AppFormField field, std::string message) {
  return fail(AppFormError{field, std::move(message)});
}

// Where a validate_client_metadata description belongs, and the label its leading member name
// becomes ("redirect_uri 'x' must use https" → "Redirect URI 'x' must use https"). First match
// wins, so longer member names come before their prefixes.
struct MemberLabel {
  std::string_view needle;
  AppFormField field;
  std::string_view label;
};
constexpr std::array kMemberLabels{
    MemberLabel{"redirect_uris", AppFormField::RedirectUris, "Redirect URIs"},
    MemberLabel{"redirect_uri", AppFormField::RedirectUris, "Redirect URI"},
    MemberLabel{"launch_uri", AppFormField::LaunchUrl, "Launch URL"},
    MemberLabel{"jwks_uri", AppFormField::JwksUri, "JWKS URL"},
    MemberLabel{"jwks", AppFormField::Jwks, "JWKS"},
    MemberLabel{"kid '", AppFormField::Jwks, ""},
    MemberLabel{"logo_uri", AppFormField::LogoUri, "Logo URL"},
    MemberLabel{"client_name", AppFormField::Name, "App name"},
    MemberLabel{"system/", AppFormField::Scopes, ""},
    MemberLabel{"scope", AppFormField::Scopes, "Scopes"},
    MemberLabel{"grant", AppFormField::ClientType, ""},
    MemberLabel{"token_endpoint_auth_method", AppFormField::ClientType, "Client type"},
};

AppFormError from_registration_error(const oauth::RegistrationError& e) {
  AppFormError out{AppFormField::None, e.description};
  if (e.code == oauth::RegistrationErrc::InvalidRedirectUri) out.field = AppFormField::RedirectUris;
  for (const auto& m : kMemberLabels) {
    if (e.description.find(m.needle) == std::string::npos) continue;
    if (out.field == AppFormField::None) out.field = m.field;
    if (!m.label.empty() && e.description.starts_with(m.needle)) {
      out.message = std::string(m.label) + e.description.substr(m.needle.size());
    }
    break;
  }
  if (!out.message.empty()) {
    out.message[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out.message[0])));
    if (out.message.back() != '.') out.message += '.';
  }
  return out;
}

bj::array to_array(const std::vector<std::string>& v) {
  bj::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

}  // namespace

AppFormFields app_form_from_params(const http::QueryParams& params) {
  AppFormFields f;
  f.client_type.clear();
  for (const auto& p : params) {
    if (p.name == "name") f.name = p.value;
    else if (p.name == "launch_url") f.launch_url = p.value;
    else if (p.name == "redirect_uris") f.redirect_uris = p.value;
    else if (p.name == "client_type") f.client_type = p.value;
    else if (p.name == "scopes") f.scopes = p.value;
    else if (p.name == "jwks_uri") f.jwks_uri = p.value;
    else if (p.name == "jwks") f.jwks = p.value;
    else if (p.name == "logo_uri") f.logo_uri = p.value;
    else if (p.name == "auto_approve") f.auto_approve = !p.value.empty() && p.value != "0";
  }
  return f;
}

AppFormFields app_form_from_record(const store::ClientRecord& c) {
  AppFormFields f;
  f.name = c.name;
  f.launch_url = c.launch_url;
  for (const auto& r : c.redirect_uris) {
    if (!f.redirect_uris.empty()) f.redirect_uris += '\n';
    f.redirect_uris += r;
  }
  f.client_type = std::string(client_type_value(c.type));
  f.scopes = c.allowed_scopes;
  f.jwks_uri = c.jwks_uri;
  f.jwks = c.jwks;
  f.logo_uri = c.logo_uri;
  f.auto_approve = c.auto_approve;
  return f;
}

Result<bj::object, AppFormError> app_form_metadata(const AppFormFields& f) {
  const std::string name = std::string(trim_space(f.name));
  const std::string launch_url = std::string(trim_space(f.launch_url));
  const std::vector<std::string> redirects = lines(f.redirect_uris);
  const std::vector<std::string> scopes = words(f.scopes);
  const std::string jwks_uri = std::string(trim_space(f.jwks_uri));
  const std::string jwks = std::string(trim_space(f.jwks));
  const std::string logo_uri = std::string(trim_space(f.logo_uri));

  if (name.empty()) return problem(AppFormField::Name, "Enter the app's name.");
  const std::string_view type = f.client_type;
  if (type != kPublic && type != kSymmetric && type != kAsymmetric && type != kBackend) {
    return problem(AppFormField::ClientType, "Choose a client type.");
  }
  const bool backend = type == kBackend;
  const bool uses_keys = type == kAsymmetric || backend;

  bj::object o;
  o["client_name"] = name;
  if (type == kPublic) o["token_endpoint_auth_method"] = "none";
  if (type == kSymmetric) o["token_endpoint_auth_method"] = "client_secret_basic";
  if (uses_keys) o["token_endpoint_auth_method"] = "private_key_jwt";
  o["grant_types"] = backend ? bj::array{"client_credentials"}
                             : bj::array{"authorization_code", "refresh_token"};

  if (backend && !redirects.empty()) {
    return problem(AppFormField::RedirectUris,
                   "A backend service has no redirect URIs; leave this empty.");
  }
  if (!backend && redirects.empty()) {
    return problem(AppFormField::RedirectUris, "Enter at least one redirect URI.");
  }
  if (!redirects.empty()) o["redirect_uris"] = to_array(redirects);
  if (backend && !launch_url.empty()) {
    return problem(AppFormField::LaunchUrl,
                   "A backend service is not launched from the EHR; leave this empty.");
  }
  if (!launch_url.empty()) o["launch_uri"] = launch_url;
  if (!scopes.empty()) {
    std::string joined;
    for (const auto& s : scopes) joined += (joined.empty() ? "" : " ") + s;
    o["scope"] = joined;
  }

  if (!uses_keys && !jwks_uri.empty()) {
    return problem(AppFormField::JwksUri,
                   "Only private key JWT apps and backend services use keys; leave this empty.");
  }
  if (!uses_keys && !jwks.empty()) {
    return problem(AppFormField::Jwks,
                   "Only private key JWT apps and backend services use keys; leave this empty.");
  }
  if (uses_keys && !jwks_uri.empty() && !jwks.empty()) {
    return problem(AppFormField::Jwks, "Give a JWKS URL or a JWKS, not both.");
  }
  if (uses_keys && jwks_uri.empty() && jwks.empty()) {
    return problem(AppFormField::JwksUri,
                   "Enter a JWKS URL or paste a JWKS: this app signs its token requests with a "
                   "private key.");
  }
  if (!jwks_uri.empty()) o["jwks_uri"] = jwks_uri;
  if (!jwks.empty()) {
    boost::system::error_code ec;
    bj::value v = bj::parse(jwks, ec);
    if (ec) return problem(AppFormField::Jwks, "The JWKS is not valid JSON.");
    o["jwks"] = std::move(v);
  }
  if (!logo_uri.empty()) o["logo_uri"] = logo_uri;
  return o;
}

Result<store::ClientRecord, AppFormError> validate_app_form(const AppFormFields& f, bool sandbox) {
  if (f.auto_approve && !sandbox) {
    return problem(AppFormField::AutoApprove,
                   "Auto-approve is a sandbox feature; this server runs in production mode.");
  }
  if (f.auto_approve && f.client_type == kBackend) {
    return problem(AppFormField::AutoApprove,
                   "A backend service has no sign-in or consent to skip; leave Auto-approve off.");
  }
  auto metadata = app_form_metadata(f);
  if (!metadata) return fail(metadata.error());
  auto record = oauth::validate_client_metadata(bj::value(std::move(*metadata)),
                                                oauth::MetadataPolicy{.sandbox = sandbox});
  if (!record) return fail(from_registration_error(record.error()));
  record->auto_approve = f.auto_approve;
  return std::move(*record);
}

std::string_view client_type_words(ClientType t) {
  switch (t) {
    case ClientType::Public:
      return "Public";
    case ClientType::ConfidentialSymmetric:
      return "Confidential (client secret)";
    case ClientType::ConfidentialAsymmetric:
      return "Confidential (private key JWT)";
    case ClientType::Backend:
      return "Backend service";
  }
  return "Unknown";
}

std::string_view client_type_value(ClientType t) {
  switch (t) {
    case ClientType::Public:
      return kPublic;
    case ClientType::ConfidentialSymmetric:
      return kSymmetric;
    case ClientType::ConfidentialAsymmetric:
      return kAsymmetric;
    case ClientType::Backend:
      return kBackend;
  }
  return kPublic;
}

std::string shorten_scopes(std::string_view scopes, std::size_t max_scopes) {
  const auto all = words(scopes);
  std::string out;
  for (std::size_t i = 0; i < all.size() && i < max_scopes; ++i) {
    if (!out.empty()) out += ' ';
    out += all[i];
  }
  if (all.size() > max_scopes) out += " … (+" + std::to_string(all.size() - max_scopes) + ")";
  return out;
}

}  // namespace ember::portal
