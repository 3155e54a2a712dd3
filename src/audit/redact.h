// What an AuditEvent may say about a request, computed cheaply on the request thread: the query
// without any secret parameter, and the patients a request or its answer names (by scanning the
// JSON text for Patient references — no parsing, bounded by kMaxPatients).
#pragma once
#include <string>
#include <string_view>

#include "audit/event.h"
#include "http/url.h"

namespace ember::audit {

// Parameter names whose values are secrets and are never recorded (RFC 6750 §2.3 access_token,
// OAuth codes, verifiers, refresh tokens, client secrets and assertions, passwords).
bool is_secret_param(std::string_view name);

// "a=1&b=2" of `params` without secret parameters (their names stay, valued "[redacted]", so an
// auditor sees one was sent).
std::string safe_query(const http::QueryParams& params);

// Adds the patients a FHIR search names: values of `patient`/`subject` (and compartment-style
// references `Patient/x`, `{fhir_base}/Patient/x`), and `_id` of a Patient search.
void add_patients_from_query(Event& e, std::string_view type, const http::QueryParams& params,
                             std::string_view fhir_base);

// Adds the patients a FHIR JSON answer names: "reference":"Patient/x" (relative or under
// fhir_base) and Bundle entries "fullUrl":"{fhir_base}/Patient/x".
void add_patients_from_json(Event& e, std::string_view json, std::string_view fhir_base);

// `s` as valid UTF-8 without control characters (each offending byte becomes '?'), at most
// `max_bytes` long (cut at a character boundary, "…" appended): request-derived text (a user name
// as typed, an id from the URL, an error message echoing input) can be anything.
std::string clean_text(std::string_view s, std::size_t max_bytes);

// Standard base64 with padding (FHIR base64Binary).
std::string base64_encode(std::string_view bytes);

}  // namespace ember::audit
