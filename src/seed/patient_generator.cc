#include "seed/patient_generator.h"

#include <cctype>

#include "seed/fhir_json.h"
#include "seed/names.h"
#include "seed/seed.h"

namespace ember::seed {

namespace {

// Ages skew adult, as in a general practice panel.
int draw_age(Prng& prng) {
  const int band = prng.uniform(0, 99);
  if (band < 15) return prng.uniform(1, 17);
  if (band < 55) return prng.uniform(18, 49);
  if (band < 85) return prng.uniform(50, 74);
  return prng.uniform(75, 95);
}

// A birth date that makes the patient exactly `age` on the reference day.
std::int64_t draw_birth_day(int age, Prng& prng) {
  const int month = prng.uniform(1, 12);
  const int day = prng.uniform(1, 28);
  const bool birthday_ahead = month > 11 || (month == 11 && day > 1);
  return days_from_civil(kReferenceYear - age - (birthday_ahead ? 1 : 0), month, day);
}

bool is_ascii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

std::string email_of(const PatientPlan& plan) {
  std::string email;
  for (char c : plan.given + "." + plan.family) {
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '.') {
      email.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
  }
  return email + "@example.com";
}

bj::object us_core_extension(std::string_view url, const Code& code) {
  bj::object category{{"url", "ombCategory"}, {"valueCoding", coding(code)}};
  bj::object text{{"url", "text"}, {"valueString", code.display}};
  return {{"extension", bj::array{std::move(category), std::move(text)}}, {"url", url}};
}

struct Contact {
  std::string line;
  std::string_view city;
  std::string_view state;
  std::string zip;
  std::string phone;
  bool mobile = false;
};

Contact draw_contact(const PatientPlan& plan, Prng& prng) {
  if (plan.alice) return {"42 Elm Street", "Boston", "MA", "02118", "(617) 555-0142", true};
  const City& city = prng.pick(cities());
  Contact c;
  c.line = std::to_string(prng.uniform(1, 9999)) + " " + std::string(prng.pick(street_names())) +
           " " + std::string(prng.pick(street_suffixes()));
  if (prng.percent(15)) c.line += ", Apt " + std::to_string(prng.uniform(1, 40));
  c.city = city.name;
  c.state = city.state;
  c.zip = std::string(city.zip_prefix) + padded(prng.uniform(1, 99), 2);
  c.phone = "(" + std::string(city.area_code) + ") 555-01" + padded(prng.uniform(0, 99), 2);
  c.mobile = prng.percent(70);
  return c;
}

}  // namespace

PatientPlan plan_patient(int number, Prng& prng, const Directory& directory) {
  PatientPlan plan;
  plan.number = number;
  plan.key = padded(number, 6);
  plan.mrn = "MRN-" + plan.key;
  plan.alice = number == 1;
  if (plan.alice) {
    plan.id = std::string(kAlicePatientId);
    plan.given = "Alice";
    plan.family = "Carter";
    plan.gender = "female";
    plan.birth_day = days_from_civil(1987, 4, 12);
    plan.gp = &directory.find(kDrSmithPractitionerId);
  } else {
    plan.id = "p-" + plan.key;
    const int g = prng.uniform(0, 199);
    plan.gender = g < 99 ? "female" : g < 198 ? "male" : "other";
    const bool female = plan.gender == "female" || (plan.gender == "other" && prng.percent(50));
    plan.given = female ? prng.pick(female_given_names()) : prng.pick(male_given_names());
    plan.family = prng.pick(family_names());
    plan.birth_day = draw_birth_day(draw_age(prng), prng);
  }
  plan.name = plan.given + " " + plan.family;
  plan.age = plan.age_at(kReferenceDay);
  if (!plan.gp) {
    if (plan.age < 18) {
      plan.gp = &directory.pick(Specialty::kPediatrics, prng);
    } else {
      plan.gp = &directory.pick(
          prng.percent(50) ? Specialty::kInternalMedicine : Specialty::kFamilyMedicine, prng);
    }
  }
  plan.height_permille = prng.around(920, 1080);
  plan.bmi_tenths = plan.age < 18 ? prng.around(150, 210) : prng.around(195, 340);
  if (plan.alice) plan.bmi_tenths = 262;
  return plan;
}

void emit_patient(const PatientPlan& plan, Prng& prng, Emitter& out) {
  auto p = resource("Patient", plan.id);
  if (plan.alice || prng.percent(70)) {
    const auto race =
        plan.alice ? races()[0] : races()[prng.uniform(0, 9) < 6 ? 0 : prng.index(races().size())];
    const auto ethnicity = ethnicities()[plan.alice || !prng.percent(18) ? 1 : 0];
    p["extension"] = bj::array{us_core_extension(cs::kUsCoreRace, race),
                               us_core_extension(cs::kUsCoreEthnicity, ethnicity)};
  }
  bj::object mrn{{"use", "usual"},
                 {"type", codeable(code::kMrnType)},
                 {"system", cs::kMrn},
                 {"value", plan.mrn}};
  p["identifier"] = one(std::move(mrn));
  p["active"] = true;
  bj::object name{
      {"use", "official"}, {"family", plan.family}, {"given", one(bj::string_view(plan.given))}};
  p["name"] = one(std::move(name));

  const Contact c = draw_contact(plan, prng);
  bj::array telecom;
  telecom.push_back(
      {{"system", "phone"}, {"value", c.phone}, {"use", c.mobile ? "mobile" : "home"}});
  if (plan.alice || (plan.age >= 16 && is_ascii(plan.given + plan.family) && prng.percent(60))) {
    telecom.push_back({{"system", "email"}, {"value", email_of(plan)}, {"use", "home"}});
  }
  p["telecom"] = std::move(telecom);
  p["gender"] = plan.gender;
  p["birthDate"] = format_date(plan.birth_day);
  p["address"] = one({{"use", "home"},
                      {"type", "physical"},
                      {"line", one(bj::string_view(c.line))},
                      {"city", c.city},
                      {"state", c.state},
                      {"postalCode", c.zip},
                      {"country", "US"}});
  if (plan.age >= 18) {
    const int married = plan.alice ? 0 : prng.uniform(0, 2);
    static constexpr Code kMarital[] = {
        {"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "S", "Never Married"},
        {"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "M", "Married"},
        {"http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", "D", "Divorced"},
    };
    p["maritalStatus"] = codeable(kMarital[married]);
  }
  p["communication"] =
      one({{"language", codeable({"urn:ietf:bcp:47", "en-US", "English (United States)"})},
           {"preferred", true}});
  p["generalPractitioner"] = one(reference("Practitioner", plan.gp->id, plan.gp->name));
  p["managingOrganization"] = reference("Organization", plan.gp->organization_id);
  out.emit(std::move(p));
}

}  // namespace ember::seed
