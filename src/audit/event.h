// What happened, in the few plain fields the audit trail needs: the hooks in oauth/, portal/ and
// fhir/ fill an Event (cheap: a handful of strings) and hand it to a Sink; the AuditEvent JSON is
// built later, off the request thread (audit/balp.h). An Event never holds a secret: no password,
// token, code, client secret or assertion — only identifiers (user name, client id, jti, grant id).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ember::audit {

// Which AuditEvent pattern an event follows (audit/balp.cc maps each to its type/subtype codes).
enum class Kind {
  Login,           // DCM 110114 User Authentication / 110122 Login
  Logout,          // DCM 110114 User Authentication / 110123 Logout
  Authorization,   // DCM 110113 Security Alert / BALP AuthZ-Consent (code issued or denied)
  TokenIssue,      // DCM 110114 / IHE ITI-71 Get Access Token (authorization_code)
  TokenRefresh,    // DCM 110114 / ITI-71 (refresh_token)
  TokenClientCredentials,  // DCM 110114 / ITI-71 (client_credentials, backend services)
  TokenRevoke,     // DCM 110114 / token-revoke (RFC 7009)
  TokenFailure,    // DCM 110114 / ITI-71, failed token request (outcome 4)
  ClientRegister,  // DCM 110113 Security Alert / 110129 Security Configuration (RFC 7591)
  ClientUpdate,    // DCM 110113 / 110129 (RFC 7592 update)
  ClientDelete,    // DCM 110113 / 110129 (RFC 7592 delete)
  // FHIR RESTful interactions (audit-event-type rest, subtype restful-interaction).
  Read, VRead, Search, History, Create, Update, Patch, Delete, Batch,
};

// What the event is about, for the --audit setting: `auth` records only the first group.
enum class Category { Auth, DataAccess };

constexpr Category category_of(Kind k) {
  return k >= Kind::Read ? Category::DataAccess : Category::Auth;
}

// R4 AuditEvent.outcome (audit-event-outcome).
enum class Outcome {
  Success = 0,
  MinorFailure = 4,    // the request was refused (bad credentials, denied, 4xx)
  SeriousFailure = 8,  // the server failed (5xx)
  MajorFailure = 12,
};

constexpr Outcome outcome_of_status(int http_status) {
  return http_status >= 500 ? Outcome::SeriousFailure
                            : http_status >= 400 ? Outcome::MinorFailure : Outcome::Success;
}

// Where a sign-in happened: the authorization pages or the EHR portal.
enum class Channel { Authorize, Portal };

struct Event {
  Kind kind = Kind::Read;
  Outcome outcome = Outcome::Success;
  std::string outcome_desc;  // why it failed (a fixed sentence or an error code; never a secret)
  std::int64_t time_ms = 0;  // when it happened; stamped by the Sink when 0

  // Who: the person (user name as typed or from the token's sub, and their FHIR resource) and
  // the app (client id). Any may be empty.
  std::string user;
  std::string fhir_user;  // e.g. "Practitioner/dr-smith"
  std::string client_id;
  Channel channel = Channel::Authorize;

  // The connection: peer address and the request id (X-Request-Id).
  std::string remote_addr;
  std::string request_id;

  // FHIR REST: the resource acted on (type alone for search/history/create) and the request's
  // query without secrets (audit/redact.h), recorded as entity.query (base64) and description.
  std::string resource_type;
  std::string resource_id;
  std::string version_id;
  std::string query;
  int http_status = 0;

  // The patients concerned (ids, no "Patient/" prefix), at most kMaxPatients.
  std::vector<std::string> patients;

  // OAuth: the grant (authorization), the access token's jti, scopes granted or asked.
  std::string grant_id;
  std::string jti;
  std::string scope;
};

inline constexpr std::size_t kMaxPatients = 20;

// Adds `id` to e.patients unless present, empty or the list is full.
inline void add_patient(Event& e, std::string_view id) {
  if (id.empty() || e.patients.size() >= kMaxPatients) return;
  for (const auto& p : e.patients) {
    if (p == id) return;
  }
  e.patients.emplace_back(id);
}

}  // namespace ember::audit
