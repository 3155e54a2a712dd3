#include "oauth/sessions.h"

#include "core/encoding.h"
#include "http/cookies.h"
#include "oauth/passwords.h"

namespace ember::oauth {

namespace {
constexpr std::string_view kSessionCookie = "ember_session";
constexpr std::string_view kCsrfCookie = "ember_csrf";
}  // namespace

std::string too_many_sign_in_attempts(std::int64_t retry_after_s) {
  const std::int64_t minutes = (retry_after_s + 59) / 60;
  const std::string wait = retry_after_s == 1   ? std::string("1 second")
                           : retry_after_s < 120 ? std::to_string(retry_after_s) + " seconds"
                                                 : std::to_string(minutes) + " minutes";
  return "Too many sign-in attempts. Please wait " + wait + " and try again.";
}

Sessions::Sessions(store::AuthStore& auth, const Clock& clock, Random& random,
                   SessionOptions options)
    : auth_(auth),
      clock_(clock),
      random_(random),
      opt_(options),
      limiter_(auth, clock, options.limits) {}

std::string Sessions::hash(std::string_view secret) {
  return base64url_encode(sha256(secret));
}

std::optional<Session> Sessions::current(const http::Request& req) const {
  auto cookie = http::get_cookie(req, kSessionCookie);
  if (!cookie || cookie->empty()) return std::nullopt;
  auto rec = auth_.get_session(hash(*cookie));
  if (!rec || rec->expires_ms <= clock_.now_ms()) return std::nullopt;
  auto user = auth_.get_user(rec->username);
  if (!user) return std::nullopt;
  return Session{std::move(*rec), std::move(*user)};
}

Result<SignedIn, SignInFailure> Sessions::sign_in(const http::Request& req,
                                                  const std::string& username,
                                                  const std::string& password,
                                                  std::string_view client_addr) {
  auto attempt = limiter_.begin(username, client_addr);
  if (!attempt) {
    if (attempt.error().unavailable) return fail(SignInFailure{SignInError::Unavailable});
    return fail(SignInFailure{SignInError::TooManyAttempts, attempt.error().retry_after_s});
  }
  auto user = username.empty() ? decltype(auth_.get_user(username))(fail(store::StoreError{
                                     store::StoreErrc::NotFound, ""}))
                               : auth_.get_user(username);
  // The same work whether or not the account exists, so timing does not tell which.
  static const std::string kDummyHash = hash_password("not-a-password", random_);
  bool ok = verify_password(password, user ? user->password_hash : kDummyHash) && user.has_value();
  if (!ok) {
    limiter_.failed(*attempt);
    return fail(SignInFailure{SignInError::BadCredentials});
  }
  limiter_.succeeded(*attempt);
  // A new session id at every sign-in (no session fixation); the old one is ended.
  if (auto old = http::get_cookie(req, kSessionCookie)) (void)auth_.delete_session(hash(*old));
  std::string sid = random_.token(32);
  store::SessionRecord s;
  s.id_hash = hash(sid);
  s.username = user->username;
  s.csrf = random_.token(32);
  s.auth_time_s = clock_.now_s();
  s.expires_ms = clock_.now_ms() + opt_.ttl_s * 1000;
  if (auto r = auth_.put_session(s); !r) return fail(SignInFailure{SignInError::Unavailable});
  return SignedIn{Session{std::move(s), std::move(*user)},
                  http::cookie_header(kSessionCookie, sid, {.secure = opt_.secure_cookies})};
}

std::string Sessions::sign_out(const http::Request& req) {
  if (auto old = http::get_cookie(req, kSessionCookie)) (void)auth_.delete_session(hash(*old));
  return http::cookie_header(kSessionCookie, "", {.secure = opt_.secure_cookies, .max_age_s = 0});
}

std::string Sessions::pre_session_csrf(const http::Request& req,
                                       std::vector<std::string>& set_cookies) {
  if (auto c = http::get_cookie(req, kCsrfCookie); c && c->size() >= 32) return *c;
  std::string token = random_.token(32);
  set_cookies.push_back(http::cookie_header(kCsrfCookie, token, {.secure = opt_.secure_cookies}));
  return token;
}

bool Sessions::csrf_ok(const http::Request& req, const std::optional<Session>& session,
                       const std::string& presented) const {
  if (presented.empty()) return false;
  if (session) return constant_time_equals(session->record.csrf, presented);
  auto c = http::get_cookie(req, kCsrfCookie);
  return c && c->size() >= 32 && constant_time_equals(*c, presented);
}

}  // namespace ember::oauth
