// Event construction for the authorization server's audit hooks (see audit_hooks.h).
#include "oauth/audit_hooks.h"

#include "audit/request_scope.h"

namespace ember::oauth {

namespace {

void send(audit::Sink* sink, audit::Event e) {
  audit::stamp_connection(e);
  sink->record(std::move(e));
}

constexpr std::size_t kMaxUsername = 200;

// Who and what an event names; the fields left empty stay out of the AuditEvent.
struct Parties {
  std::string_view client_id;
  std::string_view user;
  std::string_view fhir_user;
  std::string_view grant_id;
  std::string_view jti;
  std::string_view scope;
  std::string_view patient_id;
};

audit::Event event_for(audit::Kind kind, const Parties& p) {
  audit::Event e;
  e.kind = kind;
  e.client_id = p.client_id;
  e.user = p.user;
  e.fhir_user = p.fhir_user;
  e.grant_id = p.grant_id;
  e.jti = p.jti;
  e.scope = p.scope;
  if (!p.patient_id.empty()) audit::add_patient(e, p.patient_id);
  return e;
}

}  // namespace

void audit_sign_in(audit::Sink* sink, audit::Channel channel, std::string_view username,
                   const Result<SignedIn, SignInFailure>& result, std::string_view client_id) {
  if (!audit::wants(sink, audit::Kind::Login)) return;
  audit::Event e;
  e.kind = audit::Kind::Login;
  e.channel = channel;
  e.client_id = client_id;
  if (result) {
    e.user = result->session.user.username;
    e.fhir_user = result->session.user.fhir_user;
  } else {
    // The name as typed (bounded): whose account was tried matters for brute-force forensics.
    e.user = username.substr(0, kMaxUsername);
    switch (result.error().code) {
      case SignInError::BadCredentials:
        e.outcome = audit::Outcome::MinorFailure;
        e.outcome_desc = "wrong username or password";
        break;
      case SignInError::TooManyAttempts:
        e.outcome = audit::Outcome::MinorFailure;
        e.outcome_desc = "refused by the sign-in failure limits (retry after " +
                         std::to_string(result.error().retry_after_s) + " s)";
        break;
      default:
        e.outcome = audit::Outcome::SeriousFailure;
        e.outcome_desc = "the store failed";
    }
  }
  send(sink, std::move(e));
}

void audit_sign_out(audit::Sink* sink, const Session& session) {
  if (!audit::wants(sink, audit::Kind::Logout)) return;
  auto e = event_for(audit::Kind::Logout,
                     {.user = session.user.username, .fhir_user = session.user.fhir_user});
  e.channel = audit::Channel::Portal;
  send(sink, std::move(e));
}

void audit_code_issued(audit::Sink* sink, const store::CodeRecord& code) {
  if (!audit::wants(sink, audit::Kind::Authorization)) return;
  send(sink, event_for(audit::Kind::Authorization,
                       {.client_id = code.client_id, .user = code.username,
                        .fhir_user = code.fhir_user, .grant_id = code.grant_id,
                        .scope = code.scope, .patient_id = code.patient_id}));
}

void audit_authorization_denied(audit::Sink* sink, std::string_view client_id,
                                std::string_view username, std::string_view fhir_user,
                                std::string_view patient_id, std::string_view reason) {
  if (!audit::wants(sink, audit::Kind::Authorization)) return;
  auto e = event_for(audit::Kind::Authorization,
                     {.client_id = client_id, .user = username, .fhir_user = fhir_user,
                      .patient_id = patient_id == "#none" ? std::string_view() : patient_id});
  e.outcome = audit::Outcome::MinorFailure;
  e.outcome_desc = reason;
  send(sink, std::move(e));
}

void audit_token_issued(audit::Sink* sink, const IssuedToken& t) {
  if (!audit::wants(sink, t.kind)) return;
  send(sink, event_for(t.kind, {.client_id = t.client_id, .user = t.username,
                                .fhir_user = t.fhir_user, .grant_id = t.grant_id, .jti = t.jti,
                                .scope = t.scope, .patient_id = t.patient_id}));
}

void audit_token_revoked(audit::Sink* sink, std::string_view client_id, std::string_view username,
                         std::string_view grant_id, std::string_view jti) {
  if (!audit::wants(sink, audit::Kind::TokenRevoke)) return;
  send(sink, event_for(audit::Kind::TokenRevoke, {.client_id = client_id, .user = username,
                                                  .grant_id = grant_id, .jti = jti}));
}

void audit_client_change(audit::Sink* sink, audit::Kind kind, std::string_view client_id) {
  if (!audit::wants(sink, kind)) return;
  send(sink, event_for(kind, {.client_id = client_id}));
}

}  // namespace ember::oauth
