// The clinician's workspace: the patient list (/ehr/patients), the patient chart
// (/ehr/patients/{id}) with its Apps panel, and the EHR launch of an app from the chart
// (POST /ehr/launch, SMART App Launch 2.2 "EHR launch"), shown in the chart's frame under the
// patient banner or in a new window.
#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "ehr/chart_views.h"
#include "fhir/ingest.h"
#include "fhir/patient_search.h"
#include "json/exact.h"
#include "portal/chart_model.h"
#include "portal/portal.h"
#include "store/query.h"

namespace ember::portal {

namespace {

constexpr std::size_t kPatientListLimit = 50;
constexpr std::size_t kPanelLimit = 50;   // rows per chart panel
constexpr std::size_t kVitalsLimit = 120;  // vital-sign observations read for latest + trends
constexpr std::size_t kMaxQuery = 100;     // characters of a patient search
constexpr std::string_view kPatientsPrefix = "/ehr/patients/";

std::chrono::year_month_day today(const Clock& clock) {
  return std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(clock.now())};
}

std::optional<bj::object> parsed(const store::ResourceRecord& rec) {
  auto doc = json::parse_exact(rec.json);
  if (!doc || !doc->is_object()) return std::nullopt;
  return std::move(doc->get_object());
}

store::Predicate patient_ref(std::string param, const std::string& patient_id) {
  store::Predicate p;
  p.param = std::move(param);
  p.type = store::ParamType::Reference;
  p.target_type = "Patient";
  p.target_id = patient_id;
  return p;
}

// A patient's resources of one type, newest first by `date_param`, at most `count`.
std::vector<bj::object> patient_resources(Portal& portal, const std::string& type,
                                          const std::string& ref_param,
                                          const std::string& patient_id,
                                          const std::string& date_param, std::size_t count,
                                          std::optional<store::Predicate> also = std::nullopt) {
  store::Query q;
  q.resource_type = type;
  q.count = count;
  q.total = store::TotalMode::None;
  q.all_of.push_back({{patient_ref(ref_param, patient_id)}});
  if (also) q.all_of.push_back({{std::move(*also)}});
  q.sort.push_back({date_param, store::ParamType::Date, true});
  std::vector<bj::object> out;
  if (auto page = portal.resources.search(q)) {
    for (const auto& rec : page->resources) {
      if (auto o = parsed(rec)) out.push_back(std::move(*o));
    }
  }
  return out;
}

std::string id_of(const bj::object& o) {
  auto id = json::get_string(o, "id");
  return id ? std::string(*id) : std::string();
}

// Practitioners open any chart; a patient account only its own.
std::optional<http::Response> denied(Portal& portal, const http::Request& req,
                                     const oauth::Session& session, const std::string& patient_id) {
  if (session.user.role == store::UserRole::Practitioner) return std::nullopt;
  if (patient_id_of(session.user.fhir_user) == patient_id) return std::nullopt;
  return portal.error_page(req, 403, "This chart is not yours to open",
                           "Your account can open your own chart only.", session);
}

// What the banner needs: the patient, their allergies (also the Allergies panel) and the open
// encounter, which must belong to the patient.
struct PatientContext {
  ehr::PatientBanner banner;
  std::vector<ehr::AllergyRow> allergies;
};

Result<PatientContext, http::Response> load_patient(Portal& portal, const http::Request& req,
                                                    const oauth::Session& session,
                                                    const std::string& patient_id,
                                                    const std::string& encounter_id) {
  auto rec = portal.resources.read("Patient", patient_id);
  std::optional<bj::object> patient = rec ? parsed(*rec) : std::nullopt;
  if (!rec && rec.error().code != store::StoreErrc::NotFound &&
      rec.error().code != store::StoreErrc::Gone) {
    return fail(portal.error_page(req, 503, "Please try again",
                                  "The record could not be read right now.", session));
  }
  if (!patient) {
    return fail(portal.error_page(req, 404, "No such patient",
                                  "There is no chart with this id. Search the patient list.",
                                  session));
  }
  PatientContext ctx;
  ctx.banner = patient_banner(patient_id, *patient, today(portal.clock));
  for (const auto& a : patient_resources(portal, "AllergyIntolerance", "patient", patient_id,
                                         "date", kPanelLimit)) {
    auto row = allergy_row(a);
    if (allergy_is_active(a)) ctx.banner.allergies.push_back(row.substance);
    ctx.allergies.push_back(std::move(row));
  }
  if (!encounter_id.empty()) {
    std::optional<bj::object> enc;
    if (fhir::is_valid_id(encounter_id)) {
      if (auto e = portal.resources.read("Encounter", encounter_id)) enc = parsed(*e);
    }
    bool belongs = false;
    if (enc) {
      if (const bj::value* s = json::find(*enc, "subject"); s && s->is_object()) {
        belongs = json::get_string(s->get_object(), "reference") == "Patient/" + patient_id;
      }
    }
    if (!belongs) {
      return fail(portal.error_page(req, 404, "No such encounter",
                                    "This encounter is not in this patient's chart.", session));
    }
    const auto row = encounter_row(encounter_id, *enc);
    ctx.banner.encounter_id = encounter_id;
    ctx.banner.encounter_type = row.type;
    ctx.banner.encounter_date = row.date;
  }
  return ctx;
}

bool is_web_url(std::string_view url) {
  return url.starts_with("https://") || url.starts_with("http://");
}

// Registered apps that can be launched from the chart (a launch URL; never backend services).
std::vector<ehr::LaunchableApp> launchable_apps(store::AuthStore& auth) {
  std::vector<ehr::LaunchableApp> apps;
  auto clients = auth.list_clients();
  if (!clients) return apps;
  for (const auto& c : *clients) {
    if (c.type == store::ClientType::Backend || c.launch_url.empty()) continue;
    apps.push_back({c.client_id, c.name.empty() ? c.client_id : c.name,
                    is_web_url(c.logo_uri) ? c.logo_uri : std::string()});
  }
  std::ranges::sort(apps, [](const auto& a, const auto& b) { return a.name < b.name; });
  return apps;
}

http::Response patient_list(Portal& portal, const http::Request& req) {
  auto session = portal.require_practitioner(req);
  if (!session) return std::move(session.error());
  ehr::PatientListView v;
  v.query = param_or(query_of(req), "q");
  if (v.query.size() > kMaxQuery) v.query.resize(kMaxQuery);
  // The same search as the authorization's patient picker: name, or an MRN typed exactly; one
  // more than shown tells whether the list was cut.
  const auto q = fhir::patient_search_query(v.query, kPatientListLimit + 1);
  if (auto page = portal.resources.search(q)) {
    for (const auto& rec : page->resources) {
      if (v.patients.size() == kPatientListLimit) {
        v.truncated = true;
        break;
      }
      if (auto o = parsed(rec)) v.patients.push_back(patient_row(rec.id, *o));
    }
  } else {
    return portal.error_page(req, 503, "Please try again",
                             "The patient list could not be read right now.", *session);
  }
  auto shell = portal.shell(*session, "Patients", ehr::PortalSection::Patients);
  shell.full_width = true;
  return portal.page(req, 200, ehr::render_patient_list(shell, v));
}

http::Response chart(Portal& portal, const http::Request& req) {
  auto session = portal.require_session(req);
  if (!session) return std::move(session.error());
  const std::string_view path = http::target_path(
      std::string_view(req.target().data(), req.target().size()));
  const std::string id(path.starts_with(kPatientsPrefix) ? path.substr(kPatientsPrefix.size())
                                                         : std::string_view());
  if (!fhir::is_valid_id(id)) {
    return portal.error_page(req, 404, "No such page", "Open a chart from the patient list.",
                             *session);
  }
  if (auto no = denied(portal, req, *session, id)) return std::move(*no);
  const auto params = query_of(req);
  const std::string encounter = param_or(params, "encounter");
  auto ctx = load_patient(portal, req, *session, id, encounter);
  if (!ctx) return std::move(ctx.error());

  ehr::ChartView v;
  v.banner = std::move(ctx->banner);
  v.allergies = std::move(ctx->allergies);
  v.window_mode = param_or(params, "view") == "window";
  v.csrf = session->record.csrf;
  for (const auto& e : patient_resources(portal, "Encounter", "subject", id, "date", kPanelLimit)) {
    v.encounters.push_back(encounter_row(id_of(e), e));
  }
  for (const auto& c :
       patient_resources(portal, "Condition", "subject", id, "onset-date", kPanelLimit)) {
    v.problems.push_back(problem_row(c));
  }
  for (const auto& m :
       patient_resources(portal, "MedicationRequest", "subject", id, "authoredon", kPanelLimit)) {
    v.medications.push_back(medication_row(m));
  }
  store::Predicate category;
  category.param = "category";
  category.type = store::ParamType::Token;
  category.code = "vital-signs";
  auto vitals = summarize_vitals(
      patient_resources(portal, "Observation", "subject", id, "date", kVitalsLimit, category));
  v.vitals = std::move(vitals.latest);
  v.trends = std::move(vitals.trends);
  category.code = "laboratory";
  for (const auto& o :
       patient_resources(portal, "Observation", "subject", id, "date", kPanelLimit, category)) {
    v.labs.push_back(lab_row(o));
  }
  v.apps = launchable_apps(portal.auth);

  auto shell = portal.shell(*session, v.banner.name, ehr::PortalSection::Chart);
  shell.full_width = true;
  return portal.page(req, 200, ehr::render_chart(shell, v));
}

// POST /ehr/launch: stores the chart's context behind a launch handle and opens the app with
// it (SMART App Launch 2.2 §"EHR launch": the app receives iss and launch).
http::Response launch(Portal& portal, const http::Request& req) {
  auto session = portal.require_session(req);
  if (!session) return std::move(session.error());
  auto form = portal.checked_form(req, *session);
  if (!form) return std::move(form.error());
  const std::string patient_id = param_or(*form, "patient");
  const std::string encounter_id = param_or(*form, "encounter");
  const std::string client_id = param_or(*form, "client_id");
  const bool window = param_or(*form, "view") == "window";
  if (!fhir::is_valid_id(patient_id)) {
    return portal.error_page(req, 400, "The app could not be launched",
                             "Open a patient's chart and launch the app from there.", *session);
  }
  if (auto no = denied(portal, req, *session, patient_id)) return std::move(*no);
  auto ctx = load_patient(portal, req, *session, patient_id, encounter_id);
  if (!ctx) return std::move(ctx.error());

  oauth::LaunchRequest lr;
  lr.client_id = client_id;
  lr.username = session->user.username;
  lr.patient_id = patient_id;
  lr.encounter_id = encounter_id;
  lr.embedded = !window;
  auto issued = portal.auth_server.create_launch(lr);
  if (!issued) {
    return portal.error_page(req, 400, "The app could not be launched", issued.error(), *session);
  }
  if (!is_web_url(issued->url)) {
    return portal.error_page(req, 400, "The app could not be launched",
                             "The app's launch URL is not a web address.", *session);
  }
  if (window) return portal.redirect(req, issued->url);

  ehr::AppFrameView v;
  v.banner = std::move(ctx->banner);
  auto client = portal.auth.get_client(client_id);
  v.app_name = client && !client->name.empty() ? client->name : client_id;
  v.launch_url = issued->url;
  auto shell = portal.shell(*session, v.app_name + " · " + v.banner.name,
                            ehr::PortalSection::Chart);
  shell.full_width = true;
  return portal.page(req, 200, ehr::render_app_frame(shell, v));
}

}  // namespace

void mount_chart(http::Router& router, Portal& portal) {
  using V = bhttp::verb;
  auto bind = [&portal](http::Response (*fn)(Portal&, const http::Request&)) {
    return [&portal, fn](const http::Request& req, http::RequestContext&) {
      return fn(portal, req);
    };
  };
  router.add(V::get, "/ehr/patients", bind(&patient_list), "ehr_patients");
  router.add_prefix(V::get, std::string(kPatientsPrefix), bind(&chart), "ehr_chart");
  router.add(V::post, "/ehr/launch", bind(&launch), "ehr_launch");
}

}  // namespace ember::portal
