// EHR launch contexts (SMART 2.2 app-launch, "Launch App: EHR Launch"; checklist §4): the EHR
// stores what it had open behind an opaque, random, single-use, short-lived handle bound to one
// client, and opens the app's launch URL with `iss` and `launch`. The authorization endpoint
// takes the handle back (take_launch) and the token response carries the context.
#include <boost/json.hpp>
#include <boost/url.hpp>

#include "http/url.h"
#include "json/exact.h"
#include "oauth/auth_internal.h"

namespace ember::oauth {

namespace bj = boost::json;

namespace {

// fhirContext (SMART 2.2): an array of objects, each with `reference`, `canonical` or
// `identifier`, and optionally `type` and `role`.
bool valid_fhir_context(std::string_view text) {
  boost::system::error_code ec;
  auto v = bj::parse(text, ec);
  if (ec || !v.is_array()) return false;
  for (const auto& item : v.get_array()) {
    if (!item.is_object()) return false;
    const auto& o = item.get_object();
    bool has = false;
    for (const char* key : {"reference", "canonical", "identifier"}) {
      if (const bj::value* f = o.if_contains(key)) {
        has = true;
        if (std::string_view(key) != "identifier" && !f->is_string()) return false;
        if (std::string_view(key) == "identifier" && !f->is_object()) return false;
      }
    }
    if (!has) return false;
    for (const char* key : {"type", "role"}) {
      if (const bj::value* f = o.if_contains(key); f && !f->is_string()) return false;
    }
  }
  return true;
}

bool absolute_http_url(std::string_view s) {
  auto u = boost::urls::parse_absolute_uri(s);
  if (!u || s.find('#') != std::string_view::npos) return false;
  auto scheme = u->scheme_id();
  return (scheme == boost::urls::scheme::http || scheme == boost::urls::scheme::https) &&
         u->has_authority() && !u->encoded_host().empty();
}

}  // namespace

Result<IssuedLaunch, std::string> AuthServerImpl::create_launch(const LaunchRequest& r) {
  auto client = find_client(r.client_id);
  if (!client) return fail(std::string("That app is not registered."));
  if (client->type == store::ClientType::Backend) {
    return fail(std::string("Backend-services apps cannot be launched from the EHR."));
  }
  std::string launch_url = r.launch_url.empty() ? client->launch_url : r.launch_url;
  if (launch_url.empty()) return fail(std::string("The app has no launch URL registered."));
  if (!absolute_http_url(launch_url)) {
    return fail(std::string("The launch URL must be an absolute http(s) URL."));
  }
  if (!r.username.empty() && !auth_.get_user(r.username)) {
    return fail(std::string("Unknown user."));
  }
  if (!r.patient_id.empty() && !resources_.read("Patient", r.patient_id)) {
    return fail(std::string("Unknown patient."));
  }
  if (!r.encounter_id.empty()) {
    auto enc = resources_.read("Encounter", r.encounter_id);
    bool belongs = false;
    if (enc) {
      auto doc = json::parse_exact(enc->json);
      if (doc && doc->is_object()) {
        if (const bj::value* s = json::find(doc->get_object(), "subject"); s && s->is_object()) {
          belongs = json::get_string(s->get_object(), "reference") == "Patient/" + r.patient_id;
        }
      }
    }
    if (!belongs) return fail(std::string("That encounter is not one of the patient's."));
  }
  if (!r.fhir_context.empty() && !valid_fhir_context(r.fhir_context)) {
    return fail(std::string(
        "fhirContext must be a JSON array of objects with a reference, canonical or identifier."));
  }
  const bool simulating = r.simulate_token_failure || r.simulate_fhir_401 || r.simulate_no_patient;
  if (simulating && !opt_.sandbox) {
    return fail(std::string("Simulated failures are a sandbox feature."));
  }
  if (!r.launch_url.empty() && !opt_.sandbox) {
    return fail(std::string("Only the registered launch URL can be used outside the sandbox."));
  }

  std::string handle = random_.token(32);
  store::LaunchRecord l;
  l.launch_hash = hash_token(handle);
  l.client_id = r.client_id;
  l.username = r.username;
  l.patient_id = r.simulate_no_patient ? std::string() : r.patient_id;
  l.encounter_id = r.simulate_no_patient ? std::string() : r.encounter_id;
  l.fhir_context = r.fhir_context;
  l.intent = r.intent;
  l.need_patient_banner = !r.embedded;
  // context-style applies to embedded launches only (checklist EHR-10), but the style document
  // is harmless and Inferno's g10 practitioner group expects smart_style_url in every EHR launch.
  l.smart_style_url = opt_.base_url + "/ehr/smart-style/v1.json";
  std::string flags;
  auto add = [&](bool on, std::string_view f) {
    if (!on) return;
    if (!flags.empty()) flags += ' ';
    flags += f;
  };
  add(r.simulate_token_failure, "token_invalid_client");
  add(r.simulate_fhir_401, "fhir_401");
  add(r.simulate_no_patient, "no_patient");
  l.simulate = std::move(flags);
  l.expires_ms = clock_.now_ms() + opt_.launch_ttl_s * 1000;
  if (auto put = auth_.put_launch(l); !put) {
    return fail(std::string("The server is busy right now. Please try again."));
  }
  IssuedLaunch out;
  out.launch = handle;
  out.iss = opt_.fhir_base();
  out.url = append_query(launch_url, {{"iss", out.iss}, {"launch", handle}});
  return out;
}

Result<store::LaunchRecord, Error> AuthServerImpl::take_launch(const std::string& launch,
                                                               const std::string& client_id) {
  // Checklist EHR-04: unknown, expired, reused or another client's launch → invalid_request.
  auto consumed = auth_.consume_launch(hash_token(launch));
  if (!consumed) return fail(Error{Errc::TemporarilyUnavailable, "try again"});
  auto& [result, rec] = *consumed;
  if (result == store::ConsumeResult::NotFound) {
    return fail(Error{Errc::InvalidRequest, "unknown or expired launch"});
  }
  if (result == store::ConsumeResult::AlreadyUsed) {
    return fail(Error{Errc::InvalidRequest, "this launch was already used"});
  }
  if (rec.expires_ms <= clock_.now_ms()) {
    return fail(Error{Errc::InvalidRequest, "unknown or expired launch"});
  }
  if (rec.client_id != client_id) {
    return fail(Error{Errc::InvalidRequest, "this launch was issued for another app"});
  }
  return std::move(rec);
}

}  // namespace ember::oauth
