// The sandbox launcher under /ehr/launcher: launch any registered app as the EHR would (EHR
// launch with a chosen user, patient, encounter, fhirContext, intent, display and simulated
// failures) or build its standalone launch URL. Like the public SMART launcher, it needs no
// sign-in; its form is CSRF-protected with the session's token or, before sign-in, the
// double-submit cookie. In production mode every /ehr/launcher URL answers 404.
#include <algorithm>
#include <boost/json.hpp>

#include "core/text.h"
#include "ehr/registry_views.h"
#include "fhir/patient_search.h"
#include "fhir/patient_summary.h"
#include "json/exact.h"
#include "oauth/authorize_request.h"
#include "portal/portal.h"

namespace ember::portal {

namespace {

constexpr std::string_view kLauncherPath = "/ehr/launcher";
constexpr std::string_view kDirectPath = "/ehr/launcher/launch";
constexpr std::size_t kMaxPatients = 200;  // the Patient select; a prefilled id is added when missing
constexpr std::size_t kMaxParamBytes = 16 * 1024;  // fhirContext is the longest value

constexpr std::string_view kSimTokenFailure = "token_invalid_client";
constexpr std::string_view kSimFhir401 = "fhir_401";
constexpr std::string_view kSimNoPatient = "no_patient";
// Deliberately broken launches (checklist EHR-11): applied by the launcher to the URL it hands out.
constexpr std::string_view kBrokenUnknown = "launch_unknown";
constexpr std::string_view kBrokenUsed = "launch_used";
constexpr std::string_view kBrokenExpired = "launch_expired";
constexpr std::string_view kBrokenIss = "wrong_iss";

struct Broken {
  bool unknown = false, used = false, expired = false, iss = false;
  bool any() const { return unknown || used || expired || iss; }
};

// What the launcher form (or its query-string prefill) asks for.
struct LaunchInput {
  std::optional<std::string> app;  // client id of a registered app; "" = Other; nullopt = not given
  std::string other_launch_url;
  std::string other_client_id;
  bool standalone = false;
  std::optional<std::string> user;  // "" = whoever signs in; nullopt = not given
  std::string patient;
  std::string encounter;
  bool embedded = true;
  std::string fhir_context;
  std::string intent;
  bool sim_token = false;
  bool sim_fhir_401 = false;
  bool sim_no_patient = false;
  Broken broken;
};

LaunchInput input_from(const http::QueryParams& params) {
  LaunchInput in;
  for (const auto& p : params) {
    if (p.name == "app") in.app = std::string(trim_space(p.value));
    else if (p.name == "launch_url") in.other_launch_url = std::string(trim_space(p.value));
    else if (p.name == "client_id") in.other_client_id = std::string(trim_space(p.value));
    else if (p.name == "launch_type") in.standalone = p.value == "standalone";
    else if (p.name == "user") in.user = std::string(trim_space(p.value));
    else if (p.name == "patient") in.patient = std::string(trim_space(p.value));
    else if (p.name == "encounter") in.encounter = std::string(trim_space(p.value));
    else if (p.name == "display") in.embedded = p.value != "window";
    else if (p.name == "fhir_context") in.fhir_context = std::string(trim_space(p.value));
    else if (p.name == "intent") in.intent = std::string(trim_space(p.value));
    else if (p.name == "simulate") {
      in.sim_token |= p.value == kSimTokenFailure;
      in.sim_fhir_401 |= p.value == kSimFhir401;
      in.sim_no_patient |= p.value == kSimNoPatient;
      in.broken.unknown |= p.value == kBrokenUnknown;
      in.broken.used |= p.value == kBrokenUsed;
      in.broken.expired |= p.value == kBrokenExpired;
      in.broken.iss |= p.value == kBrokenIss;
    }
  }
  return in;
}

// The launcher's query string for the same choices ("Back to the launcher" keeps them).
std::string prefill_href(const LaunchInput& in) {
  http::QueryParams q;
  if (in.app) q.push_back({"app", *in.app});
  if (in.app && in.app->empty()) {
    q.push_back({"launch_url", in.other_launch_url});
    q.push_back({"client_id", in.other_client_id});
  }
  if (in.standalone) q.push_back({"launch_type", "standalone"});
  if (in.user) q.push_back({"user", *in.user});
  if (!in.patient.empty()) q.push_back({"patient", in.patient});
  if (!in.encounter.empty()) q.push_back({"encounter", in.encounter});
  if (!in.embedded) q.push_back({"display", "window"});
  if (!in.fhir_context.empty()) q.push_back({"fhir_context", in.fhir_context});
  if (!in.intent.empty()) q.push_back({"intent", in.intent});
  if (in.sim_token) q.push_back({"simulate", std::string(kSimTokenFailure)});
  if (in.sim_fhir_401) q.push_back({"simulate", std::string(kSimFhir401)});
  if (in.sim_no_patient) q.push_back({"simulate", std::string(kSimNoPatient)});
  if (in.broken.unknown) q.push_back({"simulate", std::string(kBrokenUnknown)});
  if (in.broken.used) q.push_back({"simulate", std::string(kBrokenUsed)});
  if (in.broken.expired) q.push_back({"simulate", std::string(kBrokenExpired)});
  if (in.broken.iss) q.push_back({"simulate", std::string(kBrokenIss)});
  return std::string(kLauncherPath) + (q.empty() ? "" : "?" + http::encode_query(q));
}

// The display name of a stored Patient (fhir::human_name); "" when it has none or is not JSON.
std::string patient_name(const std::string& resource_json) {
  auto doc = json::parse_exact(resource_json);
  if (!doc || !doc->is_object()) return "";
  return fhir::human_name(doc->get_object(), "");
}

std::string role_words(store::UserRole r) {
  return r == store::UserRole::Practitioner ? "practitioner" : "patient";
}

bool http_url(std::string_view s) {
  return (s.starts_with("https://") || s.starts_with("http://")) &&
         s.find_first_of(" \t\r\n#") == std::string_view::npos;
}

class Launcher {
 public:
  explicit Launcher(Portal& portal) : p_(portal) {}

  http::Response handle(const http::Request& req) {
    auto session = p_.sessions().current(req);
    if (!p_.opt.sandbox) {
      return p_.error_page(req, 404, "Page not found",
                           "The launcher is a sandbox tool; this server runs in production mode.",
                           session);
    }
    const std::string_view path = http::target_path({req.target().data(), req.target().size()});
    const auto method = req.method();
    const bool get = method == bhttp::verb::get || method == bhttp::verb::head;
    if (path == kLauncherPath) {
      if (get) return form(req, session);
      if (method == bhttp::verb::post) return post(req, session);
      return not_allowed(req, session, "GET, HEAD, POST");
    }
    if (path == kDirectPath) {
      if (get) return direct(req, session);
      return not_allowed(req, session, "GET, HEAD");
    }
    return p_.error_page(req, 404, "Page not found", "There is no launcher page at this address.",
                         session);
  }

 private:
  ehr::PortalShell shell(const std::optional<oauth::Session>& s, std::string title) const {
    return p_.shell(s, std::move(title), ehr::PortalSection::Launcher);
  }

  http::Response not_allowed(const http::Request& req, const std::optional<oauth::Session>& s,
                             std::string_view allow) const {
    auto res = p_.error_page(req, 405, "Not allowed", "This page does not take that method.", s);
    res.set(bhttp::field::allow, allow);
    return res;
  }

  http::Response form(const http::Request& req, const std::optional<oauth::Session>& s) {
    std::vector<std::string> cookies;
    const std::string csrf = s ? s->record.csrf : p_.sessions().pre_session_csrf(req, cookies);
    auto res = p_.page(req, 200, render_form(s, csrf, input_from(query_of(req)), ""));
    for (const auto& c : cookies) res.insert(bhttp::field::set_cookie, c);
    return res;
  }

  http::Response post(const http::Request& req, const std::optional<oauth::Session>& s) {
    auto form = http::parse_form(std::string_view(req.body().data(), req.body().size()));
    if (!form || !p_.sessions().csrf_ok(req, s, param_or(*form, "csrf"))) {
      return p_.error_page(req, 403, "This form has expired",
                           "For your safety the form was not accepted. Reload the launcher and "
                           "try again.",
                           s);
    }
    const LaunchInput in = input_from(*form);
    auto ready = in.standalone ? standalone(in) : ehr_launch(in);
    if (!ready) {
      // The same CSRF token: it was just accepted.
      return p_.page(req, 400, render_form(s, param_or(*form, "csrf"), in, ready.error()));
    }
    ready->again_href = prefill_href(in);
    const std::string title = "Launch " + ready->app_name;
    return p_.page(req, 200, ehr::render_launch_ready(shell(s, title), *ready));
  }

  // GET /ehr/launcher/launch?client_id=…&user=…[&patient=…][&encounter=…][&embedded=0|1]
  //   [&intent=…][&fhir_context=…][&simulate=token_invalid_client,fhir_401,no_patient,
  //   launch_unknown,launch_used,launch_expired,wrong_iss]
  // For CI scripts: creates the EHR launch and answers 303 to the app's launch URL, no form and
  // no clicks (with an auto-approve app, no sign-in or consent either). SANDBOX ONLY: it is a
  // state-changing GET without CSRF protection, acceptable only because the sandbox holds
  // synthetic data and the launch still ends at the app's registered redirect URI; handle()
  // answers 404 for it in production mode.
  http::Response direct(const http::Request& req, const std::optional<oauth::Session>& s) {
    auto bad = [&](const std::string& message) {
      return p_.error_page(req, 400, "This launch link is not valid", message, s);
    };
    auto target = http::parse_target(std::string_view(req.target().data(), req.target().size()));
    if (!target) return bad("The address is malformed.");
    oauth::LaunchRequest r;
    Broken broken;
    bool has_client = false, has_user = false;
    std::vector<std::string> seen;
    for (const auto& p : target->query) {
      if (std::find(seen.begin(), seen.end(), p.name) != seen.end()) {
        return bad("The parameter '" + p.name + "' appears more than once.");
      }
      seen.push_back(p.name);
      if (p.value.size() > kMaxParamBytes) return bad("The parameter '" + p.name + "' is too long.");
      if (p.name == "client_id") {
        r.client_id = p.value;
        has_client = !p.value.empty();
      } else if (p.name == "user") {
        r.username = p.value;
        has_user = !p.value.empty();
      } else if (p.name == "patient") {
        r.patient_id = p.value;
      } else if (p.name == "encounter") {
        r.encounter_id = p.value;
      } else if (p.name == "embedded") {
        if (p.value != "0" && p.value != "1") return bad("embedded must be 0 or 1.");
        r.embedded = p.value == "1";
      } else if (p.name == "intent") {
        r.intent = p.value;
      } else if (p.name == "fhir_context") {
        r.fhir_context = p.value;
      } else if (p.name == "simulate") {
        if (auto ok = parse_simulate(p.value, r, broken); !ok) return bad(ok.error());
      } else {
        return bad("Unknown parameter '" + p.name +
                   "'. Use client_id, user, patient, encounter, embedded, intent, fhir_context "
                   "and simulate.");
      }
    }
    if (!has_client) return bad("client_id is required: the app to launch.");
    if (!has_user) return bad("user is required: the username of the EHR user launching the app.");
    auto issued = p_.auth_server.create_launch(r);
    if (!issued) return bad(issued.error());
    if (auto ok = break_launch(*issued, broken); !ok) return bad(ok.error());
    return p_.redirect(req, issued->url);
  }

  // Makes a good launch bad in the ways asked for (checklist EHR-11), so an app developer (or a
  // negative test) sees what their app and the authorization do with it.
  Result<void, std::string> break_launch(oauth::IssuedLaunch& l, const Broken& b) {
    if (!b.any()) return {};
    const std::string hash = oauth::Sessions::hash(l.launch);
    if (b.used) {
      if (!p_.auth.consume_launch(hash)) return fail(std::string("The EHR is busy right now."));
    }
    if (b.expired) {
      auto rec = p_.auth.get_launch(hash);
      if (!rec) return fail(std::string("The EHR is busy right now."));
      rec->expires_ms = p_.clock.now_ms() - 1;
      if (!p_.auth.put_launch(*rec)) return fail(std::string("The EHR is busy right now."));
    }
    auto replace = [&](const std::string& name, const std::string& from, const std::string& to) {
      const std::string needle = name + "=" + http::percent_encode(from);
      if (auto at = l.url.find(needle); at != std::string::npos) {
        l.url.replace(at, needle.size(), name + "=" + http::percent_encode(to));
      }
    };
    if (b.unknown) {
      std::string never_issued = p_.random.token(32);
      replace("launch", l.launch, never_issued);
      l.launch = std::move(never_issued);
    }
    if (b.iss) {
      std::string wrong = p_.auth_server.options().base_url + "/not-the-fhir-base";
      replace("iss", l.iss, wrong);
      l.iss = std::move(wrong);
    }
    return {};
  }

  // simulate=token_invalid_client,fhir_401,no_patient,launch_unknown,launch_used,launch_expired,
  // wrong_iss (comma-separated, any subset).
  static Result<void, std::string> parse_simulate(std::string_view value, oauth::LaunchRequest& r,
                                                  Broken& broken) {
    while (!value.empty()) {
      const auto comma = value.find(',');
      const std::string_view flag = value.substr(0, comma);
      if (flag == kSimTokenFailure) r.simulate_token_failure = true;
      else if (flag == kSimFhir401) r.simulate_fhir_401 = true;
      else if (flag == kSimNoPatient) r.simulate_no_patient = true;
      else if (flag == kBrokenUnknown) broken.unknown = true;
      else if (flag == kBrokenUsed) broken.used = true;
      else if (flag == kBrokenExpired) broken.expired = true;
      else if (flag == kBrokenIss) broken.iss = true;
      else {
        return fail("Unknown simulated failure '" + std::string(flag) +
                    "'. Use token_invalid_client, fhir_401, no_patient, launch_unknown, "
                    "launch_used, launch_expired or wrong_iss.");
      }
      if (comma == std::string_view::npos) break;
      value.remove_prefix(comma + 1);
    }
    return {};
  }

  // The registered app the form names (Other: the client id typed, which must be registered).
  Result<store::ClientRecord, std::string> chosen_client(const LaunchInput& in) const {
    const bool other = !in.app || in.app->empty();
    const std::string id = other ? in.other_client_id : *in.app;
    if (id.empty()) return fail(std::string("Choose an app, or enter the client ID of a registered app under Other."));
    auto c = p_.auth.get_client(id);
    if (!c) {
      if (c.error().code == store::StoreErrc::NotFound) {
        return fail("No app is registered with client ID '" + id +
                    "'. Register it under Apps first.");
      }
      return fail(std::string("The EHR is busy right now. Please try again."));
    }
    if (c->type == store::ClientType::Backend) {
      return fail(std::string("Backend-services apps have no user and cannot be launched."));
    }
    return std::move(*c);
  }

  Result<ehr::LaunchReadyView, std::string> ehr_launch(const LaunchInput& in) {
    auto client = chosen_client(in);
    if (!client) return fail(client.error());
    const bool other = !in.app || in.app->empty();
    oauth::LaunchRequest r;
    r.client_id = client->client_id;
    r.username = in.user.value_or("");
    r.patient_id = in.patient;
    r.encounter_id = in.encounter;
    r.fhir_context = in.fhir_context;
    r.intent = in.intent;
    r.embedded = in.embedded;
    r.simulate_token_failure = in.sim_token;
    r.simulate_fhir_401 = in.sim_fhir_401;
    r.simulate_no_patient = in.sim_no_patient;
    if (other) r.launch_url = in.other_launch_url;  // "" = the registered one
    auto issued = p_.auth_server.create_launch(r);
    if (!issued) return fail(issued.error());
    if (auto ok = break_launch(*issued, in.broken); !ok) return fail(ok.error());

    ehr::LaunchReadyView v;
    v.app_name = client->name;
    v.url = issued->url;
    if (!r.username.empty()) {
      if (auto u = p_.auth.get_user(r.username)) v.user_display = u->display + " (" + u->username + ")";
    }
    if (!r.patient_id.empty() && !r.simulate_no_patient) {
      if (auto pat = p_.resources.read("Patient", r.patient_id)) {
        const std::string name = patient_name(pat->json);
        v.patient_display = name.empty() ? r.patient_id : name + " (" + r.patient_id + ")";
      }
    }
    if (!r.simulate_no_patient) v.encounter = r.encounter_id;
    v.embedded = r.embedded;
    v.fhir_context = r.fhir_context;
    v.intent = r.intent;
    if (r.simulate_token_failure) v.simulated.push_back("The token request fails (invalid_client)");
    if (r.simulate_fhir_401) v.simulated.push_back("The FHIR API refuses the access token (401)");
    if (r.simulate_no_patient) v.simulated.push_back("The launch has no patient");
    if (in.broken.unknown) v.simulated.push_back("The launch handle was never issued");
    if (in.broken.used) v.simulated.push_back("The launch handle was already used");
    if (in.broken.expired) v.simulated.push_back("The launch handle has expired");
    if (in.broken.iss) v.simulated.push_back("iss is not this server's FHIR base");
    v.ttl_minutes = static_cast<int>(std::max<std::int64_t>(
        1, p_.auth_server.options().launch_ttl_s / 60));
    return v;
  }

  // SMART standalone launch: the app's launch URL with only `iss`; the person signs in and picks
  // a patient during the app's authorization.
  Result<ehr::LaunchReadyView, std::string> standalone(const LaunchInput& in) {
    auto client = chosen_client(in);
    if (!client) return fail(client.error());
    if (in.sim_token || in.sim_fhir_401 || in.sim_no_patient || in.broken.any()) {
      return fail(std::string("Simulated failures travel with an EHR launch; choose EHR launch."));
    }
    const bool other = !in.app || in.app->empty();
    const std::string url = other && !in.other_launch_url.empty() ? in.other_launch_url
                                                                   : client->launch_url;
    if (url.empty()) {
      return fail(std::string(
          "This app has no launch URL registered. Choose Other and enter its launch URL."));
    }
    if (!http_url(url)) return fail(std::string("The launch URL must be an absolute http(s) URL."));
    ehr::LaunchReadyView v;
    v.standalone = true;
    v.app_name = client->name;
    v.url = oauth::append_query(url, {{"iss", p_.auth_server.options().fhir_base()}});
    return v;
  }

  std::string render_form(const std::optional<oauth::Session>& s, const std::string& csrf,
                          const LaunchInput& in, const std::string& error) {
    ehr::LauncherView v;
    v.csrf = csrf;
    v.error = error;

    // Apps: registered, launchable, by name. Without a choice the first one is selected.
    std::vector<store::ClientRecord> apps;
    if (auto all = p_.auth.list_clients()) {
      for (auto& c : *all) {
        if (c.type != store::ClientType::Backend) apps.push_back(std::move(c));
      }
    }
    std::sort(apps.begin(), apps.end(), [](const auto& a, const auto& b) {
      return a.name != b.name ? a.name < b.name : a.client_id < b.client_id;
    });
    v.other_app = in.app && in.app->empty();
    std::string selected_app = in.app.value_or(apps.empty() ? "" : apps.front().client_id);
    if (!v.other_app && !apps.empty() &&
        std::none_of(apps.begin(), apps.end(),
                     [&](const auto& c) { return c.client_id == selected_app; })) {
      selected_app = apps.front().client_id;  // a prefill naming an unknown app
    }
    if (apps.empty()) v.other_app = true;
    for (const auto& c : apps) {
      std::string label = c.name + " (" + c.client_id + ")";
      if (c.launch_url.empty()) label += " — no launch URL";
      v.apps.push_back({c.client_id, label, !v.other_app && c.client_id == selected_app});
    }
    v.other_launch_url = in.other_launch_url;
    v.other_client_id = in.other_client_id;
    v.standalone = in.standalone;

    // Users: every account, with its role. Default: the signed-in user, else the first
    // practitioner.
    std::string selected_user;
    if (in.user) {
      selected_user = *in.user;
    } else if (s) {
      selected_user = s->user.username;
    }
    std::vector<store::UserRecord> users;
    if (auto all = p_.auth.list_users()) users = std::move(*all);
    std::sort(users.begin(), users.end(), [](const auto& a, const auto& b) {
      if (a.role != b.role) return a.role == store::UserRole::Practitioner;
      return a.username < b.username;
    });
    if (!in.user && !s && !users.empty()) selected_user = users.front().username;
    for (const auto& u : users) {
      v.users.push_back({u.username, u.display + " — " + role_words(u.role) + " (" + u.username + ")",
                         u.username == selected_user});
    }
    v.users.push_back({"", "Whoever signs in (the app's authorization asks)",
                       in.user && in.user->empty()});

    // Patients: by family name, bounded; a prefilled patient outside the list is added.
    v.patients.push_back({"", "No patient", in.patient.empty()});
    bool listed = in.patient.empty();
    if (auto page = p_.resources.search(fhir::patient_search_query("", kMaxPatients))) {
      for (const auto& rec : page->resources) {
        const std::string name = patient_name(rec.json);
        v.patients.push_back({rec.id, (name.empty() ? rec.id : name) + " (" + rec.id + ")",
                              rec.id == in.patient});
        listed |= rec.id == in.patient;
      }
    }
    if (!listed) v.patients.push_back({in.patient, in.patient, true});

    v.encounter = in.encounter;
    v.embedded = in.embedded;
    v.fhir_context = in.fhir_context;
    v.intent = in.intent;
    v.simulate_token_failure = in.sim_token;
    v.simulate_fhir_401 = in.sim_fhir_401;
    v.simulate_no_patient = in.sim_no_patient;
    v.broken_unknown = in.broken.unknown;
    v.broken_used = in.broken.used;
    v.broken_expired = in.broken.expired;
    v.broken_iss = in.broken.iss;
    return ehr::render_launcher(shell(s, "Launcher"), v);
  }

  Portal& p_;
};

}  // namespace

void mount_launcher(http::Router& router, Portal& portal) {
  auto launcher = std::make_shared<Launcher>(portal);
  // One prefix route: in production mode every /ehr/launcher URL answers the same 404 page.
  router.add_prefix(http::kAnyMethod, std::string(kLauncherPath),
                    [launcher](const http::Request& req, http::RequestContext&) {
                      return launcher->handle(req);
                    },
                    "ehr_launcher");
}

}  // namespace ember::portal
