#include "oauth/authorize_request.h"

#include <algorithm>

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "oauth/pkce.h"

namespace ember::oauth {

namespace {

// RFC 6749 §3.1: parameters sent without a value are treated as omitted; a parameter MUST NOT
// be included more than once.
struct Params {
  const http::QueryParams& all;
  std::optional<std::string> get(std::string_view name) const {
    for (const auto& p : all) {
      if (p.name == name && !p.value.empty()) return p.value;
    }
    return std::nullopt;
  }
  bool repeated(std::string_view name) const {
    return std::count_if(all.begin(), all.end(), [&](const auto& p) { return p.name == name; }) > 1;
  }
};

std::string strip_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

bool redirect_uri_matches(std::string_view registered, std::string_view presented) {
  if (registered == presented) return true;
  // RFC 8252 §7.3: for a loopback IP redirect URI (http, 127.0.0.1 or [::1]) the port is chosen
  // by the native app at run time, so a loopback URI registered WITHOUT a port matches any port;
  // everything else must be identical (a registered port stays exact).
  auto r = boost::urls::parse_absolute_uri(registered);
  auto p = boost::urls::parse_absolute_uri(presented);
  if (!r || !p) return false;
  if (r->scheme_id() != boost::urls::scheme::http || p->scheme_id() != boost::urls::scheme::http) {
    return false;
  }
  const bool loopback_ip =
      (r->host_type() == boost::urls::host_type::ipv4 &&
       r->host_ipv4_address() == boost::urls::ipv4_address::loopback()) ||
      (r->host_type() == boost::urls::host_type::ipv6 &&
       r->host_ipv6_address() == boost::urls::ipv6_address::loopback());
  if (!loopback_ip || r->has_port() || r->has_userinfo() || p->has_userinfo()) return false;
  return r->encoded_host() == p->encoded_host() && r->encoded_path() == p->encoded_path() &&
         r->has_query() == p->has_query() && r->encoded_query() == p->encoded_query() &&
         !p->has_fragment() && !r->has_fragment() && p->has_port() &&
         // Boost.URL 1.81 (boostorg/url#755): a path after the authority starts with '/' or is empty.
         (p->encoded_path().empty() || p->encoded_path().front() == '/');
}

std::string append_query(const std::string& uri, const http::QueryParams& params) {
  std::string out = uri;
  std::size_t hash = out.find('#');
  if (hash != std::string::npos) out.resize(hash);
  out += out.find('?') == std::string::npos ? '?' : '&';
  out += http::encode_query(params);
  return out;
}

AuthorizeOutcome validate_authorize_request(
    const http::QueryParams& params, const std::string& fhir_base,
    const std::function<std::optional<store::ClientRecord>(const std::string&)>& lookup) {
  Params p{params};
  for (const char* name : {"client_id", "redirect_uri", "response_type", "state", "scope", "aud",
                           "code_challenge", "code_challenge_method", "nonce", "launch"}) {
    if (p.repeated(name)) {
      return PageError{"This sign-in link is not valid",
                       std::string("The parameter '") + name + "' appears more than once."};
    }
  }
  auto client_id = p.get("client_id");
  if (!client_id) {
    return PageError{"This sign-in link is not valid",
                     "The app did not say who it is (client_id is missing)."};
  }
  auto client = lookup(*client_id);
  if (!client) {
    return PageError{"Unknown app",
                     "No app is registered with this client id. Ask the app's developer to "
                     "register it with this server."};
  }
  std::string redirect_uri;
  if (auto r = p.get("redirect_uri")) {
    if (std::none_of(client->redirect_uris.begin(), client->redirect_uris.end(),
                     [&](const std::string& reg) { return redirect_uri_matches(reg, *r); })) {
      return PageError{"This sign-in link is not valid",
                       "The app asked to return to an address that is not registered for it, "
                       "so you will not be sent there."};
    }
    redirect_uri = *r;
  } else if (client->redirect_uris.size() == 1) {
    redirect_uri = client->redirect_uris[0];  // RFC 6749 §3.1.2.3
  } else {
    return PageError{"This sign-in link is not valid",
                     "The app did not say where to return to (redirect_uri is missing)."};
  }

  // From here the redirect URI is trusted: errors go back to the app.
  std::string state = p.get("state").value_or("");
  auto back = [&](Errc code, std::string description) -> AuthorizeOutcome {
    return RedirectError{redirect_uri, state, Error{code, std::move(description)}};
  };
  if (client->type == store::ClientType::Backend) {
    return back(Errc::UnauthorizedClient, "backend-services clients cannot use this endpoint");
  }
  auto response_type = p.get("response_type");
  if (!response_type) return back(Errc::InvalidRequest, "response_type is required");
  if (*response_type != "code") {
    return back(Errc::UnsupportedResponseType, "only response_type=code is supported");
  }
  if (state.empty()) return back(Errc::InvalidRequest, "state is required");
  auto aud = p.get("aud");
  if (!aud) return back(Errc::InvalidRequest, "aud is required (the FHIR base URL)");
  if (strip_slash(*aud) != strip_slash(fhir_base)) {
    return back(Errc::InvalidRequest, "aud does not identify this FHIR server");
  }
  auto scope = p.get("scope");
  if (!scope) return back(Errc::InvalidRequest, "scope is required");
  auto method = p.get("code_challenge_method");
  auto challenge = p.get("code_challenge");
  if (!challenge) return back(Errc::InvalidRequest, "code_challenge is required (PKCE S256)");
  if (!method) return back(Errc::InvalidRequest, "code_challenge_method is required (S256)");
  if (*method != "S256") {
    return back(Errc::InvalidRequest, "code_challenge_method must be S256; plain is not allowed");
  }
  if (!is_valid_challenge(*challenge)) {
    return back(Errc::InvalidRequest, "code_challenge must be 43 base64url characters");
  }
  AuthorizeRequest out;
  out.client = std::move(*client);
  out.redirect_uri = std::move(redirect_uri);
  out.scope = std::move(*scope);
  out.state = std::move(state);
  out.nonce = p.get("nonce").value_or("");
  out.code_challenge = std::move(*challenge);
  out.launch = p.get("launch").value_or("");
  return out;
}

}  // namespace ember::oauth
