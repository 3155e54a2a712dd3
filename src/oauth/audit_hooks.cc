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
  audit::Event e;
  e.kind = audit::Kind::Logout;
  e.channel = audit::Channel::Portal;
  e.user = session.user.username;
  e.fhir_user = session.user.fhir_user;
  send(sink, std::move(e));
}

void audit_code_issued(audit::Sink* sink, const store::CodeRecord& code) {
  if (!audit::wants(sink, audit::Kind::Authorization)) return;
  audit::Event e;
  e.kind = audit::Kind::Authorization;
  e.client_id = code.client_id;
  e.user = code.username;
  e.fhir_user = code.fhir_user;
  e.grant_id = code.grant_id;
  e.scope = code.scope;
  audit::add_patient(e, code.patient_id);
  send(sink, std::move(e));
}

void audit_authorization_denied(audit::Sink* sink, std::string_view client_id,
                                std::string_view username, std::string_view fhir_user,
                                std::string_view patient_id, std::string_view reason) {
  if (!audit::wants(sink, audit::Kind::Authorization)) return;
  audit::Event e;
  e.kind = audit::Kind::Authorization;
  e.outcome = audit::Outcome::MinorFailure;
  e.outcome_desc = reason;
  e.client_id = client_id;
  e.user = username;
  e.fhir_user = fhir_user;
  if (patient_id != "#none") audit::add_patient(e, patient_id);
  send(sink, std::move(e));
}

void audit_token_issued(audit::Sink* sink, const IssuedToken& t) {
  if (!audit::wants(sink, t.kind)) return;
  audit::Event e;
  e.kind = t.kind;
  e.client_id = t.client_id;
  e.user = t.username;
  e.fhir_user = t.fhir_user;
  e.jti = t.jti;
  e.grant_id = t.grant_id;
  e.scope = t.scope;
  audit::add_patient(e, t.patient_id);
  send(sink, std::move(e));
}

void audit_token_revoked(audit::Sink* sink, std::string_view client_id, std::string_view username,
                         std::string_view grant_id, std::string_view jti) {
  if (!audit::wants(sink, audit::Kind::TokenRevoke)) return;
  audit::Event e;
  e.kind = audit::Kind::TokenRevoke;
  e.client_id = client_id;
  e.user = username;
  e.grant_id = grant_id;
  e.jti = jti;
  send(sink, std::move(e));
}

void audit_client_change(audit::Sink* sink, audit::Kind kind, std::string_view client_id) {
  if (!audit::wants(sink, kind)) return;
  audit::Event e;
  e.kind = kind;
  e.client_id = client_id;
  send(sink, std::move(e));
}

}  // namespace ember::oauth
