// The authorization endpoint and its pages: validate, remember the request as a pending
// authorization, then walk the person through sign-in, patient and encounter choice and
// consent (each step a form that posts back and redirects to /oauth/authorize/continue),
// and finally send the app a single-use code.
#include <boost/json.hpp>

#include "core/encoding.h"
#include "fhir/patient_search.h"
#include "fhir/patient_summary.h"
#include "http/cookies.h"
#include "json/exact.h"
#include "oauth/audit_hooks.h"
#include "oauth/auth_internal.h"
#include "oauth/passwords.h"
#include "smart/grant.h"
#include "store/query.h"

namespace ember::oauth {

namespace bj = boost::json;

namespace {

constexpr std::string_view kNoEncounter = "#none";  // not a FHIR id: "no encounter chosen"
constexpr std::string_view kNoPatient = "#none";    // not a FHIR id: "no patient, by request"

std::string or_empty(const std::string& id) {
  return id == kNoPatient ? std::string() : id;
}

bool has_flag(std::string_view flags, std::string_view flag) {
  return (" " + std::string(flags) + " ").find(" " + std::string(flag) + " ") != std::string::npos;
}
constexpr std::size_t kPickerLimit = 50;

std::string str_or(const bj::object& o, std::string_view key, std::string fallback = {}) {
  auto v = json::get_string(o, key);
  return v ? std::string(*v) : fallback;
}

std::string id_of_ref(const std::string& fhir_user, std::string_view type) {
  std::string prefix = std::string(type) + "/";
  return fhir_user.starts_with(prefix) ? fhir_user.substr(prefix.size()) : std::string();
}

}  // namespace

http::Response AuthServerImpl::authorize(const http::Request& req) {
  http::QueryParams params;
  auto target = http::parse_target(std::string_view(req.target().data(), req.target().size()));
  if (!target) return error_page(req, 400, "This sign-in link is not valid", "The address is malformed.");
  if (req.method() == bhttp::verb::post) {
    // authorize-post (SMART 2.2): the same parameters as a form body.
    auto form = http::parse_form(std::string_view(req.body().data(), req.body().size()));
    if (!form) return error_page(req, 400, "This sign-in request is not valid", "The form is malformed.");
    params = std::move(*form);
  } else {
    params = target->query;
  }
  auto outcome = validate_authorize_request(
      params, opt_.fhir_base(), [this](const std::string& id) { return find_client(id); });
  if (auto* pe = std::get_if<PageError>(&outcome)) return error_page(req, 400, pe->title, pe->message);
  if (auto* re = std::get_if<RedirectError>(&outcome)) return redirect_error(req, *re);
  auto& ar = std::get<AuthorizeRequest>(outcome);
  auto parsed = smart::parse_scopes(ar.scope);
  if (parsed.scopes.empty()) {
    return redirect_error(req, {ar.redirect_uri, ar.state,
                                Error{Errc::InvalidScope, "no valid scope was requested"}});
  }
  store::PendingAuthorization p;
  if (!ar.launch.empty()) {
    // EHR launch: the handle must come with the `launch` scope (SMART 2.2 app-launch).
    if (!parsed.scopes.launch()) {
      return redirect_error(req, {ar.redirect_uri, ar.state,
                                  Error{Errc::InvalidScope,
                                        "an EHR launch needs the launch scope"}});
    }
    auto launch = take_launch(ar.launch, ar.client.client_id);
    if (!launch) return redirect_error(req, {ar.redirect_uri, ar.state, launch.error()});
    p.launch = launch->launch_hash;
    p.patient_id = has_flag(launch->simulate, "no_patient") ? std::string(kNoPatient)
                                                            : launch->patient_id;
    p.encounter_id = launch->encounter_id;
  }
  p.txn = random_.token(24);
  p.client_id = ar.client.client_id;
  p.redirect_uri = ar.redirect_uri;
  p.scope = parsed.scopes.to_string();  // unknown scopes dropped (RFC 6749 §3.3)
  p.state = ar.state;
  p.nonce = ar.nonce;
  p.code_challenge = ar.code_challenge;
  p.expires_ms = clock_.now_ms() + opt_.pending_ttl_s * 1000;
  if (!p.launch.empty()) {
    // The used launch keeps its context as long as the authorization that took it.
    if (auto l = auth_.get_launch(p.launch); l) {
      l->expires_ms = p.expires_ms;
      (void)auth_.put_launch(*l);
    }
  }
  if (auto r = auth_.put_pending(p); !r) {
    return error_page(req, 503, "Please try again", "The server is busy right now.");
  }
  return redirect(req, opt_.base_url + "/oauth/authorize/continue?txn=" + p.txn);
}

http::Response AuthServerImpl::advance(const http::Request& req, const std::string& txn,
                                       std::vector<std::string> set_cookies) {
  auto with_cookies = [&](http::Response res) {
    for (const auto& c : set_cookies) res.insert(bhttp::field::set_cookie, c);
    return res;
  };
  auto pending = auth_.get_pending(txn);
  if (txn.empty() || !pending || pending->expires_ms <= clock_.now_ms()) {
    return error_page(req, 400, "This sign-in request has expired",
                      "Go back to the app and start again.");
  }
  auto client = find_client(pending->client_id);
  if (!client) return error_page(req, 400, "Unknown app", "The app is no longer registered.");
  auto back = [&](Errc code, std::string desc) {
    audit_authorization_denied(opt_.audit, pending->client_id, "", "", pending->patient_id, desc);
    (void)auth_.delete_pending(txn);
    return with_cookies(redirect_error(req, {pending->redirect_uri, pending->state,
                                             Error{code, std::move(desc)}}));
  };

  // An EHR launch names the user who launched: the authorization continues as that user.
  std::optional<store::LaunchRecord> launch;
  if (!pending->launch.empty()) {
    auto l = auth_.get_launch(pending->launch);
    if (!l) return back(Errc::InvalidRequest, "unknown or expired launch");
    launch = std::move(*l);
  }
  const std::string launch_user = launch ? launch->username : std::string();

  // Sandbox auto-approve (for CI): an app flagged for it, launched by a named user, gets its
  // code without sign-in or consent. Never in production mode.
  if (launch && !launch_user.empty() && client->auto_approve && opt_.sandbox) {
    auto user = auth_.get_user(launch_user);
    if (!user) return back(Errc::InvalidRequest, "the launch names an unknown user");
    Session unattended;
    unattended.user = std::move(*user);
    unattended.record.username = unattended.user.username;
    unattended.record.auth_time_s = clock_.now_s();
    auto requested = smart::parse_scopes(pending->scope).scopes;
    auto allowed = smart::parse_scopes(client->allowed_scopes).scopes;
    smart::ScopeSet offer;
    for (const auto& s : requested.all()) {
      if (smart::covered_by(allowed, s)) offer.add(s);
    }
    if (offer.empty()) {
      return back(Errc::InvalidScope, "none of the requested scopes is allowed for this app");
    }
    if (unattended.user.role == store::UserRole::Patient && pending->patient_id.empty()) {
      pending->patient_id = id_of_ref(unattended.user.fhir_user, "Patient");
    }
    return with_cookies(issue_code(req, *pending, unattended, offer.to_string()));
  }

  auto session = sessions_.current(req);
  const bool wrong_user = session && !launch_user.empty() && session->user.username != launch_user;
  if (wrong_user && !pending->session_hash.empty() &&
      pending->session_hash == session->record.id_hash) {
    return back(Errc::AccessDenied, "signed in as another user than the one who launched the app");
  }
  if (!session || wrong_user ||
      (!pending->session_hash.empty() && pending->session_hash != session->record.id_hash)) {
    ehr::SignInView v;
    v.form = {"/oauth/authorize/login", txn, sessions_.pre_session_csrf(req, set_cookies)};
    v.app_name = client->name;
    v.username = launch_user;
    if (opt_.sandbox) v.demo_accounts = demo_accounts();
    return with_cookies(page(req, 200, ehr::render_sign_in(v)));
  }
  if (pending->session_hash.empty()) {
    pending->session_hash = session->record.id_hash;
    (void)auth_.put_pending(*pending);
  }

  auto requested = smart::parse_scopes(pending->scope).scopes;
  auto allowed = smart::parse_scopes(client->allowed_scopes).scopes;
  smart::ScopeSet offer;
  for (const auto& s : requested.all()) {
    if (smart::covered_by(allowed, s)) offer.add(s);
  }
  if (offer.empty()) return back(Errc::InvalidScope, "none of the requested scopes is allowed for this app");

  const bool patient_user = session->user.role == store::UserRole::Patient;
  bool wants_patient = offer.launch_patient();
  for (const auto& r : offer.resources()) wants_patient |= r.context == smart::Context::Patient;
  if (patient_user && pending->patient_id.empty()) {
    // A patient is never shown a picker: the patient is themself.
    pending->patient_id = id_of_ref(session->user.fhir_user, "Patient");
    (void)auth_.put_pending(*pending);
  }
  if (wants_patient && pending->patient_id.empty()) {
    ehr::PatientPickerView v;
    v.form = {"/oauth/authorize/patient", txn, session->record.csrf};
    v.app_name = client->name;
    v.user_display = session->user.display;
    v.search_action = "/oauth/authorize/continue";
    auto target = http::parse_target(std::string_view(req.target().data(), req.target().size()));
    v.query = target ? param(target->query, "q").value_or("") : "";
    if (auto page_r = resources_.search(fhir::patient_search_query(v.query, kPickerLimit))) {
      for (const auto& rec : page_r->resources) {
        auto doc = json::parse_exact(rec.json);
        if (!doc || !doc->is_object()) continue;
        const auto& o = doc->get_object();
        v.patients.push_back({rec.id, fhir::human_name(o), str_or(o, "birthDate"),
                              str_or(o, "gender"), fhir::mrn_of(o)});
      }
    }
    return with_cookies(page(req, 200, ehr::render_patient_picker(v)));
  }
  // In an EHR launch the EHR's context is authoritative: no encounter open means none (SMART
  // 2.2: launch/encounter is a hint the EHR may ignore); only standalone launches ask.
  if (offer.launch_encounter() && pending->encounter_id.empty() && !pending->patient_id.empty() &&
      pending->patient_id != kNoPatient && pending->launch.empty()) {
    ehr::EncounterPickerView v;
    v.form = {"/oauth/authorize/encounter", txn, session->record.csrf};
    v.app_name = client->name;
    if (auto p = resources_.read("Patient", pending->patient_id); p) {
      if (auto doc = json::parse_exact(p->json); doc && doc->is_object()) {
        v.patient_display = fhir::human_name(doc->get_object());
      }
    }
    store::Query q;
    q.resource_type = "Encounter";
    q.count = kPickerLimit;
    q.total = store::TotalMode::None;
    q.sort.push_back({"date", store::ParamType::Date, true});
    store::Predicate subj;
    subj.param = "subject";
    subj.type = store::ParamType::Reference;
    subj.target_type = "Patient";
    subj.target_id = pending->patient_id;
    q.all_of.push_back({{subj}});
    if (auto page_r = resources_.search(q)) {
      for (const auto& rec : page_r->resources) {
        auto doc = json::parse_exact(rec.json);
        if (!doc || !doc->is_object()) continue;
        const auto& o = doc->get_object();
        std::string date, type;
        if (const bj::value* per = json::find(o, "period"); per && per->is_object()) {
          date = str_or(per->get_object(), "start").substr(0, 10);
        }
        if (const bj::value* t = json::find(o, "type"); t && t->is_array() && !t->get_array().empty() &&
                                                         t->get_array()[0].is_object()) {
          const auto& cc = t->get_array()[0].get_object();
          type = str_or(cc, "text");
          if (type.empty()) {
            if (const bj::value* cd = json::find(cc, "coding"); cd && cd->is_array() &&
                                                                !cd->get_array().empty() &&
                                                                cd->get_array()[0].is_object()) {
              type = str_or(cd->get_array()[0].get_object(), "display");
            }
          }
        }
        v.encounters.push_back({rec.id, date, type.empty() ? "Encounter" : type, str_or(o, "status")});
      }
    }
    if (!v.encounters.empty()) return with_cookies(page(req, 200, ehr::render_encounter_picker(v)));
    pending->encounter_id = std::string(kNoEncounter);
    (void)auth_.put_pending(*pending);
  }

  // Consent, unless a remembered decision covers every scope offered now.
  auto remembered = auth_.get_consent(client->client_id, session->user.username);
  if (remembered && *remembered) {
    auto kept = smart::parse_scopes((*remembered)->scope).scopes;
    bool all = true;
    for (const auto& s : offer.all()) all = all && smart::covered_by(kept, s);
    if (all) return with_cookies(issue_code(req, *pending, *session, offer.to_string()));
  }
  ehr::ConsentView v;
  v.form = {"/oauth/authorize/consent", txn, session->record.csrf};
  v.app_name = client->name;
  v.user_display = session->user.display;
  if (!or_empty(pending->patient_id).empty()) {
    if (auto p = resources_.read("Patient", pending->patient_id); p) {
      if (auto doc = json::parse_exact(p->json); doc && doc->is_object()) {
        v.patient_display = fhir::human_name(doc->get_object());
      }
    }
  }
  for (const auto& s : offer.all()) {
    ehr::ScopeChoice c{s.text, smart::describe_scope(s.text), true, {}};
    if (s.kind == smart::ScopeKind::Resource) {
      for (const auto& narrower : smart::granular_options(s.resource)) {
        c.narrower.push_back({narrower, smart::describe_scope(narrower), false, {}});
      }
    }
    v.scopes.push_back(std::move(c));
  }
  return with_cookies(page(req, 200, ehr::render_consent(v)));
}

http::Response AuthServerImpl::login(const http::Request& req, const http::RequestContext& ctx) {
  auto form = http::parse_form(std::string_view(req.body().data(), req.body().size()));
  if (!form) return error_page(req, 400, "This form is not valid", "Go back and try again.");
  std::string txn = param(*form, "txn").value_or("");
  if (!sessions_.csrf_ok(req, std::nullopt, param(*form, "csrf").value_or(""))) {
    return error_page(req, 403, "This form has expired",
                      "For your safety the form could not be accepted. Go back to the app and "
                      "start again.");
  }
  std::string username = param(*form, "username").value_or("");
  auto signed_in =
      sessions_.sign_in(req, username, param(*form, "password").value_or(""), ctx.remote_addr);
  audit_sign_in(opt_.audit, audit::Channel::Authorize, username, signed_in);
  if (!signed_in && signed_in.error().code == SignInError::Unavailable) {
    return error_page(req, 503, "Please try again", "The server is busy right now.");
  }
  if (!signed_in) {
    const bool throttled = signed_in.error().code == SignInError::TooManyAttempts;
    auto pending = auth_.get_pending(txn);
    auto client = pending ? find_client(pending->client_id) : std::nullopt;
    ehr::SignInView v;
    std::vector<std::string> cookies;
    v.form = {"/oauth/authorize/login", txn, sessions_.pre_session_csrf(req, cookies)};
    v.app_name = client ? client->name : "";
    v.username = username;
    v.error = throttled ? too_many_sign_in_attempts(signed_in.error().retry_after_s)
                        : "That username and password do not match. Please try again.";
    if (opt_.sandbox) v.demo_accounts = demo_accounts();
    auto res = page(req, throttled ? 429 : 401, ehr::render_sign_in(v));
    if (throttled) {
      res.set(bhttp::field::retry_after, std::to_string(signed_in.error().retry_after_s));
    }
    for (const auto& c : cookies) res.insert(bhttp::field::set_cookie, c);
    return res;
  }
  if (auto pending = auth_.get_pending(txn); pending) {
    pending->session_hash = signed_in->session.record.id_hash;
    (void)auth_.put_pending(*pending);
  }
  auto res = redirect(req, opt_.base_url + "/oauth/authorize/continue?txn=" + txn);
  res.insert(bhttp::field::set_cookie, signed_in->set_cookie);
  return res;
}

Result<FormStep, http::Response> AuthServerImpl::form_step(const http::Request& req) {
  auto form = http::parse_form(std::string_view(req.body().data(), req.body().size()));
  auto session = sessions_.current(req);
  if (!form || !session || !sessions_.csrf_ok(req, session, param(*form, "csrf").value_or(""))) {
    return fail(error_page(req, 403, "This form has expired", "Go back to the app and start again."));
  }
  auto pending = auth_.get_pending(param(*form, "txn").value_or(""));
  if (!pending || pending->session_hash != session->record.id_hash ||
      pending->expires_ms <= clock_.now_ms()) {
    return fail(error_page(req, 400, "This sign-in request has expired",
                           "Go back to the app and start again."));
  }
  return FormStep{std::move(*form), std::move(*session), std::move(*pending)};
}

http::Response AuthServerImpl::choose_patient(const http::Request& req) {
  auto step = form_step(req);
  if (!step) return std::move(step.error());
  auto& [form, session, p] = *step;
  auto* pending = &p;
  const std::string txn = p.txn;
  if (session.user.role != store::UserRole::Practitioner) {
    return error_page(req, 400, "This sign-in request has expired", "Go back to the app and start again.");
  }
  std::string pid = param(form, "patient").value_or("");
  if (pid.empty() || !resources_.read("Patient", pid)) {
    return error_page(req, 400, "Unknown patient", "Choose a patient from the list.");
  }
  pending->patient_id = pid;
  pending->encounter_id.clear();
  (void)auth_.put_pending(*pending);
  return redirect(req, opt_.base_url + "/oauth/authorize/continue?txn=" + txn);
}

http::Response AuthServerImpl::choose_encounter(const http::Request& req) {
  auto step = form_step(req);
  if (!step) return std::move(step.error());
  auto& [form, session, p] = *step;
  auto* pending = &p;
  const std::string txn = p.txn;
  std::string eid = param(form, "encounter").value_or("");
  auto enc = eid.empty() ? decltype(resources_.read("", ""))(fail(store::StoreError{
                               store::StoreErrc::NotFound, ""}))
                         : resources_.read("Encounter", eid);
  bool belongs = false;
  if (enc) {
    auto doc = json::parse_exact(enc->json);
    if (doc && doc->is_object()) {
      if (const bj::value* s = json::find(doc->get_object(), "subject"); s && s->is_object()) {
        belongs = json::get_string(s->get_object(), "reference") == "Patient/" + pending->patient_id;
      }
    }
  }
  if (!belongs) return error_page(req, 400, "Unknown encounter", "Choose an encounter from the list.");
  pending->encounter_id = eid;
  (void)auth_.put_pending(*pending);
  return redirect(req, opt_.base_url + "/oauth/authorize/continue?txn=" + txn);
}

http::Response AuthServerImpl::consent(const http::Request& req) {
  auto step = form_step(req);
  if (!step) return std::move(step.error());
  auto& [form_params, session_rec, p] = *step;
  auto* form = &form_params;
  auto* session = &session_rec;
  auto* pending = &p;
  const std::string txn = p.txn;
  auto deny = [&](std::string why) {
    audit_authorization_denied(opt_.audit, pending->client_id, session->user.username,
                               session->user.fhir_user, pending->patient_id, why);
    (void)auth_.delete_pending(txn);
    return redirect_error(req, {pending->redirect_uri, pending->state,
                                Error{Errc::AccessDenied, std::move(why)}});
  };
  if (param(*form, "decision").value_or("") != "allow") return deny("the user denied access");
  auto client = find_client(pending->client_id);
  if (!client) return error_page(req, 400, "Unknown app", "The app is no longer registered.");
  // What was offered: the allowed requested scopes and their granular narrowings.
  auto requested = smart::parse_scopes(pending->scope).scopes;
  auto allowed = smart::parse_scopes(client->allowed_scopes).scopes;
  std::vector<std::string> offered;
  for (const auto& s : requested.all()) {
    if (!smart::covered_by(allowed, s)) continue;
    offered.push_back(s.text);
    if (s.kind == smart::ScopeKind::Resource) {
      for (auto& n : smart::granular_options(s.resource)) offered.push_back(std::move(n));
    }
  }
  smart::ScopeSet granted;
  for (const auto& p : *form) {
    if (p.name != "scope") continue;
    if (std::find(offered.begin(), offered.end(), p.value) == offered.end()) continue;
    if (auto s = smart::parse_scope(p.value)) granted.add(std::move(*s));
  }
  if (granted.empty()) return deny("no scope was approved");
  if (param(*form, "remember").value_or("") == "1") {
    (void)auth_.put_consent({client->client_id, session->user.username, granted.to_string()});
  }
  return issue_code(req, *pending, *session, granted.to_string());
}

http::Response AuthServerImpl::issue_code(const http::Request& req,
                                          const store::PendingAuthorization& p,
                                          const Session& session, const std::string& scope) {
  std::string code = random_.token(32);
  store::CodeRecord c;
  c.code_hash = hash_token(code);
  c.grant_id = random_.token(16);
  c.client_id = p.client_id;
  c.redirect_uri = p.redirect_uri;
  c.code_challenge = p.code_challenge;
  c.username = session.user.username;
  c.scope = scope;
  c.patient_id = or_empty(p.patient_id);
  c.encounter_id = p.encounter_id == kNoEncounter ? std::string() : p.encounter_id;
  c.fhir_user = session.user.fhir_user;
  c.nonce = p.nonce;
  c.session_hash = session.record.id_hash;
  c.need_patient_banner = true;  // standalone launch: the app shows its own banner
  c.smart_style_url = opt_.base_url + "/ehr/smart-style/v1.json";
  if (!p.launch.empty()) {
    if (auto l = auth_.get_launch(p.launch); l) {
      c.need_patient_banner = l->need_patient_banner;
      c.smart_style_url = l->smart_style_url;
      c.fhir_context = l->fhir_context;
      c.intent = l->intent;
      c.simulate = l->simulate;
    }
  }
  c.auth_time_s = session.record.auth_time_s;
  c.expires_ms = clock_.now_ms() + opt_.code_ttl_s * 1000;
  c.aud = opt_.fhir_base();
  if (auto r = auth_.put_code(c); !r) {
    return redirect_error(req, {p.redirect_uri, p.state,
                                Error{Errc::TemporarilyUnavailable, "try again"}});
  }
  (void)auth_.delete_pending(p.txn);
  audit_code_issued(opt_.audit, c);
  http::QueryParams q{{"code", code}, {"state", p.state}};
  return redirect(req, append_query(p.redirect_uri, q));
}

}  // namespace ember::oauth
