// The authorization server's audit hooks: one call per auditable event (sign-in and sign-out on
// both forms, authorization decisions, tokens issued, refreshed and revoked, registrations). Each
// copies identifiers only — never a password, token, code, secret or assertion — into an
// audit::Event, adds the connection facts (audit/request_scope.h) and hands it to the sink.
// A null sink or a disabled category costs one branch.
#pragma once
#include <string>
#include <string_view>

#include "audit/sink.h"
#include "core/result.h"
#include "oauth/sessions.h"
#include "store/auth_store.h"

namespace ember::oauth {

// A sign-in attempt at /oauth/authorize/login or /ehr/login: success, wrong credentials, refused
// by the failure limits, or a store failure.
void audit_sign_in(audit::Sink* sink, audit::Channel channel, std::string_view username,
                   const Result<SignedIn, SignInFailure>& result, std::string_view client_id = {});
// A sign-out at /ehr/logout.
void audit_sign_out(audit::Sink* sink, const Session& session);

// An authorization decision: a code issued (permit) for `code`'s grant.
void audit_code_issued(audit::Sink* sink, const store::CodeRecord& code);
// An authorization refused (the user denied, no scope allowed, another user than the launch's …).
void audit_authorization_denied(audit::Sink* sink, std::string_view client_id,
                                std::string_view username, std::string_view fhir_user,
                                std::string_view patient_id, std::string_view reason);

// Tokens: issued by the token endpoint. `kind` is TokenIssue, TokenRefresh or
// TokenClientCredentials.
struct IssuedToken {
  audit::Kind kind = audit::Kind::TokenIssue;
  std::string_view client_id, username, fhir_user, patient_id, jti, grant_id, scope;
};
void audit_token_issued(audit::Sink* sink, const IssuedToken& token);
// A token revoked (RFC 7009): its grant (refresh token) or its jti (access token).
void audit_token_revoked(audit::Sink* sink, std::string_view client_id, std::string_view username,
                         std::string_view grant_id, std::string_view jti);

// A client registered, updated or deleted (RFC 7591/7592): ClientRegister, ClientUpdate,
// ClientDelete.
void audit_client_change(audit::Sink* sink, audit::Kind kind, std::string_view client_id);

}  // namespace ember::oauth
