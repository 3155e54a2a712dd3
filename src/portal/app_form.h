// The register / edit form of the app registry as data: form fields ⇄ ClientRecord. The fields
// become an RFC 7591 metadata document checked by oauth::validate_client_metadata, so an app
// registered in the portal obeys exactly the rules of POST /oauth/register and the apps file.
// Pure: no store, clock or RNG (the handlers add client_id, secret and timestamps).
#pragma once
#include <boost/json.hpp>
#include <string>
#include <string_view>

#include "core/result.h"
#include "ehr/registry_views.h"
#include "http/url.h"
#include "store/auth_store.h"

namespace ember::portal {

// A problem with the form, placed next to the input it concerns.
struct AppFormError {
  ehr::AppFormField field = ehr::AppFormField::None;
  std::string message;  // a sentence for the person, naming fields by their labels
};

// The posted fields (names as in the template: name, launch_url, redirect_uris, client_type,
// scopes, jwks_uri, jwks, logo_uri, auto_approve).
ehr::AppFormFields app_form_from_params(const http::QueryParams& params);
// A stored record shown in the edit form.
ehr::AppFormFields app_form_from_record(const store::ClientRecord& c);

// The RFC 7591 metadata document the fields describe (client_name, token_endpoint_auth_method,
// grant_types, redirect_uris, launch_uri, scope, jwks / jwks_uri, logo_uri). Reports what the
// form itself can tell: missing name, unknown type, JWKS that is not JSON, fields the chosen type
// does not use.
[[nodiscard]] Result<boost::json::object, AppFormError> app_form_metadata(
    const ehr::AppFormFields& f);

// The record the fields describe (client_id, secret_hash, created_ms are left to the caller), or
// the first problem. auto_approve is a sandbox feature: refused when `sandbox` is false.
[[nodiscard]] Result<store::ClientRecord, AppFormError> validate_app_form(
    const ehr::AppFormFields& f, bool sandbox);

// "Public", "Confidential (client secret)", "Confidential (private key JWT)", "Backend service".
std::string_view client_type_words(store::ClientType t);
// The form's radio value: "public", "confidential-symmetric", "confidential-asymmetric",
// "backend" (the names `ember clients add --type` takes).
std::string_view client_type_value(store::ClientType t);

// The first `max_scopes` scopes of a space-separated list, then "… (+N)" for the rest.
std::string shorten_scopes(std::string_view scopes, std::size_t max_scopes = 4);

}  // namespace ember::portal
