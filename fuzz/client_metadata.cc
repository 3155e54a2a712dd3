// Fuzz target: the RFC 7591 client metadata validator (oauth/client_metadata.h), fed as the
// registration endpoint feeds it (a JSON body of at most kMaxRegistrationBodyBytes), in sandbox
// and production policy. Properties: an accepted record respects every named bound; its RFC 7591
// §3.2.1 view validates again to the same record (what a client reads back it can send back in
// an RFC 7592 update); production never accepts what sandbox refuses.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "oauth/client_metadata.h"
#include "smart/scopes.h"

using namespace ember;
namespace bj = boost::json;

namespace {

void check_bounds(const store::ClientRecord& c) {
  FUZZ_CHECK(c.name.size() <= oauth::kMaxClientNameLength);
  FUZZ_CHECK(c.redirect_uris.size() <= oauth::kMaxRedirectUris);
  for (const auto& u : c.redirect_uris) FUZZ_CHECK(u.size() <= oauth::kMaxUriLength);
  FUZZ_CHECK(c.contacts.size() <= oauth::kMaxContacts);
  for (const auto& m : c.contacts) FUZZ_CHECK(m.size() <= oauth::kMaxContactLength);
  FUZZ_CHECK(c.grant_types.size() <= oauth::kMaxListEntries);
  FUZZ_CHECK(c.allowed_scopes.size() <= oauth::kMaxScopeLength);
  FUZZ_CHECK(c.jwks_uri.size() <= oauth::kMaxUriLength);
  FUZZ_CHECK(c.client_id.empty() && c.secret_hash.empty() && c.registration_token_hash.empty());
  FUZZ_CHECK(smart::parse_scopes_strict(c.allowed_scopes));
}

bool same(const store::ClientRecord& a, const store::ClientRecord& b) {
  return a.name == b.name && a.type == b.type && a.redirect_uris == b.redirect_uris &&
         a.launch_url == b.launch_url && a.allowed_scopes == b.allowed_scopes &&
         a.jwks_uri == b.jwks_uri && a.auth_method == b.auth_method &&
         a.grant_types == b.grant_types && a.logo_uri == b.logo_uri && a.contacts == b.contacts &&
         a.jwks.empty() == b.jwks.empty();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in = fuzz::as_view(data, size);
  if (in.size() > oauth::kMaxRegistrationBodyBytes) return 0;
  boost::system::error_code ec;
  bj::value body = bj::parse(in, ec);
  if (ec) return 0;

  oauth::MetadataPolicy sandbox;
  oauth::MetadataPolicy production;
  production.sandbox = false;
  auto in_sandbox = oauth::validate_client_metadata(body, sandbox);
  auto in_production = oauth::validate_client_metadata(body, production);
  if (in_production) FUZZ_CHECK(in_sandbox);
  if (!in_sandbox) {
    FUZZ_CHECK(!oauth::registration_error_code(in_sandbox.error().code).empty());
    FUZZ_CHECK(!in_sandbox.error().description.empty());
    return 0;
  }
  const store::ClientRecord& rec = *in_sandbox;
  check_bounds(rec);
  (void)oauth::effective_auth_method(rec);
  const bj::object view = oauth::client_metadata_json(rec);
  FUZZ_CHECK(!view.contains("client_secret") && !view.contains("registration_access_token"));
  auto back = oauth::validate_client_metadata(view, sandbox);
  FUZZ_CHECK(back);
  FUZZ_CHECK(same(*back, rec));
  return 0;
}
