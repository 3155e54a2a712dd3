// patient-summary: a terminal SMART on FHIR app built on Ember's client library. It signs in
// with a standalone launch (system browser, loopback redirect) — or, with --backend, gets a
// system token with SMART Backend Services — and prints one patient's summary: demographics,
// the latest vital signs and labs, active conditions and medications. See README.md.
#include <ember/client/client.h>

#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace sc = ember::client;

namespace {

constexpr std::string_view kUsage = R"(usage:
  patient-summary --fhir URL --client-id ID [--no-browser]
      standalone launch: sign in in the browser, pick a patient, print their summary
  patient-summary --backend --fhir URL --client-id ID --key KEY.pem [--alg RS384|ES384]
                  --patient ID
      SMART Backend Services: read patient ID with a system token
)";

constexpr const char* kPatientScope =
    "openid fhirUser launch/patient patient/Patient.rs patient/Observation.rs "
    "patient/Condition.rs patient/MedicationRequest.rs";
constexpr const char* kSystemScope =
    "system/Patient.rs system/Observation.rs system/Condition.rs system/MedicationRequest.rs";

struct Options {
  std::string fhir, client_id, key_file, patient;
  std::string alg = "RS384";
  bool backend = false, no_browser = false;
};

std::optional<Options> parse_args(int argc, char** argv) {
  Options o;
  const std::map<std::string_view, std::string*> values = {{"--fhir", &o.fhir},
                                                           {"--client-id", &o.client_id},
                                                           {"--key", &o.key_file},
                                                           {"--alg", &o.alg},
                                                           {"--patient", &o.patient}};
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--backend") {
      o.backend = true;
    } else if (arg == "--no-browser") {
      o.no_browser = true;
    } else if (auto it = values.find(arg); it != values.end() && i + 1 < argc) {
      *it->second = argv[++i];
    } else {
      return std::nullopt;
    }
  }
  if (o.fhir.empty() || o.client_id.empty()) return std::nullopt;
  if (o.backend && (o.key_file.empty() || o.patient.empty())) return std::nullopt;
  if (o.alg != "RS384" && o.alg != "ES384") return std::nullopt;
  return o;
}

// Opens (or gets) a session: the person signs in, or the app authenticates as itself.
sc::Result<sc::Session> connect(const Options& o) {
  sc::AppConfig config;
  config.fhir_base = o.fhir;
  if (o.backend) {
    const auto alg = o.alg == "ES384" ? sc::SigningAlg::ES384 : sc::SigningAlg::RS384;
    auto credentials = sc::ClientCredentials::with_private_key_file(o.client_id, o.key_file, alg);
    if (!credentials) return sc::failure(credentials.error());
    config.credentials = std::move(*credentials);
    config.scope = kSystemScope;
    return sc::backend_services(config);
  }
  config.credentials = sc::ClientCredentials::public_client(o.client_id);
  config.scope = kPatientScope;
  return sc::standalone_launch(config, [&](const std::string& url,
                                           const std::string& redirect_uri) {
    std::cout << "Sign in at: " << url << '\n';
    if (!o.no_browser && sc::open_system_browser(url)) std::cout << "(browser opened)\n";
    std::cout << "Waiting for the browser to come back to " << redirect_uri << " …\n" << std::endl;
  });
}

// A CodeableConcept for people: its text, else the first coding's display, else its code.
std::string concept_text(const sc::Json& codeable) {
  if (auto text = codeable["text"].string()) return *text;
  const sc::Json coding = codeable["coding"][0];
  return coding["display"].string_or(coding["code"].string_or("?"));
}

std::string quantity_text(const sc::Json& q) {
  // dump() keeps the number as the server wrote it ("5.40" stays "5.40").
  std::string text = q["value"].dump();
  if (auto unit = q["unit"].string()) text += " " + *unit;
  return text;
}

// An Observation's value: a quantity, a string or coded value, or its components
// ("120 mm[Hg] / 80 mm[Hg]" for a blood pressure panel).
std::string observation_value(const sc::Json& obs) {
  if (obs["valueQuantity"].is_object()) return quantity_text(obs["valueQuantity"]);
  if (auto s = obs["valueString"].string()) return *s;
  if (obs["valueCodeableConcept"].is_object()) return concept_text(obs["valueCodeableConcept"]);
  std::string parts;
  for (const sc::Json& c : obs["component"].items()) {
    if (!parts.empty()) parts += " / ";
    parts += quantity_text(c["valueQuantity"]);
  }
  return parts.empty() ? "(no value)" : parts;
}

// The most recent Observation of each code in a searchset Bundle (ISO dates compare as text).
std::map<std::string, sc::Json> latest_by_code(const sc::Json& bundle) {
  std::map<std::string, sc::Json> latest;
  for (const sc::Json& entry : bundle["entry"].items()) {
    const sc::Json obs = entry["resource"];
    const std::string name = concept_text(obs["code"]);
    auto [it, inserted] = latest.try_emplace(name, obs);
    if (!inserted &&
        obs["effectiveDateTime"].string_or() > it->second["effectiveDateTime"].string_or())
      it->second = obs;
  }
  return latest;
}

void print_observations(std::string_view heading, const sc::Json& bundle) {
  std::cout << '\n' << heading << '\n';
  const auto latest = latest_by_code(bundle);
  if (latest.empty()) std::cout << "  (none)\n";
  for (const auto& [name, obs] : latest) {
    const std::string date = obs["effectiveDateTime"].string_or("(no date)").substr(0, 10);
    std::cout << "  " << name << ": " << observation_value(obs) << "  (" << date << ")\n";
  }
}

sc::Result<void> print_summary(sc::Session& session, const std::string& patient_id) {
  sc::FhirClient fhir = session.fhir();
  auto patient = fhir.read("Patient", patient_id);
  if (!patient) return sc::failure(patient.error());
  const sc::Json name = (*patient)["name"][0];
  std::string display = name["text"].string_or();
  if (display.empty()) {
    for (const sc::Json& given : name["given"].items()) display += given.string_or() + " ";
    display += name["family"].string_or();
  }
  std::cout << display << "  (Patient/" << patient_id << ")\n"
            << "  born " << (*patient)["birthDate"].string_or("unknown") << ", "
            << (*patient)["gender"].string_or("gender unknown") << '\n';

  // search() follows the Bundle's next links, so every page is seen.
  for (const auto& [category, heading] : {std::pair{"vital-signs", "Vital signs (latest)"},
                                          std::pair{"laboratory", "Labs (latest)"}}) {
    auto obs = fhir.search("Observation", {{"patient", patient_id}, {"category", category}});
    if (!obs) return sc::failure(obs.error());
    print_observations(heading, *obs);
  }

  auto conditions =
      fhir.search("Condition", {{"patient", patient_id}, {"clinical-status", "active"}});
  if (!conditions) return sc::failure(conditions.error());
  std::cout << "\nActive conditions\n";
  if ((*conditions)["entry"].size() == 0) std::cout << "  (none)\n";
  for (const sc::Json& entry : (*conditions)["entry"].items()) {
    const sc::Json c = entry["resource"];
    std::cout << "  " << concept_text(c["code"]);
    if (auto onset = c["onsetDateTime"].string())
      std::cout << " (since " << onset->substr(0, 10) << ")";
    std::cout << '\n';
  }

  auto meds = fhir.search("MedicationRequest", {{"patient", patient_id}, {"status", "active"}});
  if (!meds) return sc::failure(meds.error());
  std::cout << "\nActive medications\n";
  if ((*meds)["entry"].size() == 0) std::cout << "  (none)\n";
  for (const sc::Json& entry : (*meds)["entry"].items()) {
    const sc::Json m = entry["resource"];
    // The medication is a code, or a reference whose display names it.
    std::cout << "  "
              << (m["medicationCodeableConcept"].is_object()
                      ? concept_text(m["medicationCodeableConcept"])
                      : m["medicationReference"]["display"].string_or("(unnamed medication)"));
    if (auto dosage = m["dosageInstruction"][0]["text"].string()) std::cout << " — " << *dosage;
    std::cout << '\n';
  }
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  const auto options = parse_args(argc, argv);
  if (!options) {
    std::cerr << kUsage;
    return 2;
  }
  auto session = connect(*options);
  if (!session) {
    // describe(): "error: access_denied (…)" for OAuth errors, else
    // "error: <kind> [<reason>] (<message>)", e.g. "error: id_token_invalid [issuer_mismatch] …".
    std::cerr << session.error().describe() << '\n';
    return 1;
  }
  // A standalone launch gets the patient the person picked from the launch context.
  const std::string patient = options->backend ? options->patient : session->patient();
  if (patient.empty()) {
    std::cerr << "The server chose no patient (was launch/patient granted?)\n";
    return 1;
  }
  if (auto printed = print_summary(*session, patient); !printed) {
    std::cerr << printed.error().describe() << '\n';
    return 1;
  }
  return 0;
}
