#include "seed/directory.h"

#include <stdexcept>

#include "seed/dates.h"
#include "seed/fhir_json.h"
#include "seed/names.h"
#include "seed/vocabulary.h"

namespace ember::seed {

namespace {

constexpr std::uint64_t kDirectoryStream = 0xD1EC7041ULL;

struct Degree {
  Code code;
  std::string_view suffix;
};
constexpr Degree kMd{{cs::kDegree, "MD", "Doctor of Medicine"}, "MD"};
constexpr Degree kDo{{cs::kDegree, "DO", "Doctor of Osteopathy"}, "DO"};
constexpr Degree kRn{{cs::kDegree, "RN", "Registered Nurse"}, "RN"};
constexpr Degree kNp{{cs::kDegree, "NP", "Nurse practitioner"}, "NP"};

struct StaffSeed {
  std::string_view id;  // empty: generated "pract-NNN"
  std::string_view given;
  std::string_view family;
  std::string_view gender;
  const Degree* degree;
  Specialty specialty;
  std::string_view organization_id;
  std::string_view location_id;
  std::uint32_t npi_base;
};

using enum Specialty;
const StaffSeed kStaff[] = {
    {"dr-smith", "Sarah", "Smith", "female", &kMd, kInternalMedicine, kClinicId, kClinicLocationId,
     123456789},
    {"dr-jones", "Alan", "Jones", "male", &kMd, kCardiology, kHospitalId, kHeartCenterLocationId,
     234567891},
    {"nurse-lee", "Kim", "Lee", "female", &kRn, kNursing, kClinicId, kClinicLocationId, 345678912},
    {"", "", "", "", &kMd, kFamilyMedicine, kClinicId, kClinicLocationId, 0},
    {"", "", "", "", &kDo, kInternalMedicine, kClinicId, kClinicLocationId, 0},
    {"", "", "", "", &kMd, kPediatrics, kClinicId, kClinicLocationId, 0},
    {"", "", "", "", &kNp, kFamilyMedicine, kClinicId, kClinicLocationId, 0},
    {"", "", "", "", &kMd, kEmergency, kHospitalId, kEmergencyLocationId, 0},
    {"", "", "", "", &kDo, kEmergency, kHospitalId, kEmergencyLocationId, 0},
    {"", "", "", "", &kMd, kHospitalist, kHospitalId, kWardLocationId, 0},
    {"", "", "", "", &kMd, kCardiology, kHospitalId, kHeartCenterLocationId, 0},
    {"", "", "", "", &kRn, kNursing, kHospitalId, kEmergencyLocationId, 0},
    {"", "", "", "", &kRn, kNursing, kHospitalId, kWardLocationId, 0},
};

Code specialty_code(Specialty s) {
  switch (s) {
    case kInternalMedicine:
    case kHospitalist:
      return {cs::kSnomed, "419192003", "Internal medicine"};
    case kFamilyMedicine:
      return {cs::kSnomed, "419772000", "Family practice"};
    case kPediatrics:
      return {cs::kSnomed, "394537008", "Pediatric specialty"};
    case kCardiology:
      return {cs::kSnomed, "394579002", "Cardiology"};
    case kEmergency:
      return {cs::kSnomed, "773568002", "Emergency medicine"};
    case kNursing:
      return {cs::kSnomed, "106292003", "Professional nurse"};
  }
  return {};
}

bj::object address(std::string_view line, std::string_view city, std::string_view state,
                   std::string_view zip, std::string_view use = "work") {
  return {{"use", use},        {"line", one(bj::string_view(line))},
          {"city", city},      {"state", state},
          {"postalCode", zip}, {"country", "US"}};
}

bj::object contact(std::string_view system, std::string_view value, std::string_view use) {
  return {{"system", system}, {"value", value}, {"use", use}};
}

void emit_organizations(Emitter& out) {
  auto hospital = resource("Organization", kHospitalId);
  hospital["identifier"] =
      bj::array{identifier(cs::kNpi, npi(114422184)), identifier(cs::kEin, "04-2103580")};
  hospital["active"] = true;
  hospital["type"] = one(codeable({cs::kOrganizationType, "prov", "Healthcare Provider"}));
  hospital["name"] = "Ember General Hospital";
  hospital["alias"] = one("EGH");
  hospital["telecom"] = bj::array{contact("phone", "(617) 555-0100", "work"),
                                  contact("url", "https://hospital.example.org", "work")};
  hospital["address"] = one(address("1 Ember Way", "Boston", "MA", "02115"));
  out.emit(std::move(hospital));

  auto clinic = resource("Organization", kClinicId);
  clinic["identifier"] =
      bj::array{identifier(cs::kNpi, npi(155533377)), identifier(cs::kEin, "04-2103581")};
  clinic["active"] = true;
  clinic["type"] = one(codeable({cs::kOrganizationType, "prov", "Healthcare Provider"}));
  clinic["name"] = "Ember Family Health Clinic";
  clinic["telecom"] = bj::array{contact("phone", "(617) 555-0150", "work"),
                                contact("email", "frontdesk@clinic.example.org", "work")};
  clinic["address"] = one(address("250 Harbor Street", "Boston", "MA", "02210"));
  clinic["partOf"] = reference("Organization", kHospitalId, "Ember General Hospital");
  out.emit(std::move(clinic));
}

struct LocationSeed {
  std::string_view id;
  std::string_view name;
  Code type;
  Code physical;
  std::string_view organization_id;
  std::string_view line;
  std::string_view zip;
  std::string_view phone;
  int latitude;  // 1e-4 degrees
  int longitude;
};

void emit_locations(Emitter& out) {
  const Code wing{cs::kLocationPhysicalType, "wi", "Wing"};
  const LocationSeed seeds[] = {
      {kClinicLocationId,
       "Ember Family Health Clinic - Harbor Street",
       {cs::kRoleCode, "FMC", "Family Medicine Clinic"},
       {cs::kLocationPhysicalType, "bu", "Building"},
       kClinicId,
       "250 Harbor Street",
       "02210",
       "(617) 555-0151",
       423487,
       -710414},
      {kEmergencyLocationId,
       "Ember General Hospital Emergency Department",
       {cs::kRoleCode, "ER", "Emergency room"},
       wing,
       kHospitalId,
       "1 Ember Way",
       "02115",
       "(617) 555-0111",
       423398,
       -711063},
      {kWardLocationId,
       "Ember General Hospital Medical-Surgical Unit 3B",
       {cs::kRoleCode, "HU", "Hospital unit"},
       {cs::kLocationPhysicalType, "wa", "Ward"},
       kHospitalId,
       "1 Ember Way",
       "02115",
       "(617) 555-0133",
       423398,
       -711063},
      {kHeartCenterLocationId,
       "Ember Heart Center",
       {cs::kRoleCode, "CARD",
        "Ambulatory Health Care Facilities; Clinic/Center; "
        "Rehabilitation: Cardiac Facilities"},
       wing,
       kHospitalId,
       "1 Ember Way",
       "02115",
       "(617) 555-0122",
       423401,
       -711058},
  };
  for (const auto& s : seeds) {
    auto loc = resource("Location", s.id);
    loc["status"] = "active";
    loc["name"] = s.name;
    loc["mode"] = "instance";
    loc["type"] = one(codeable(s.type));
    loc["telecom"] = one(contact("phone", s.phone, "work"));
    loc["address"] = address(s.line, "Boston", "MA", s.zip);
    loc["physicalType"] = codeable(s.physical);
    loc["position"] = {{"longitude", decimal(s.longitude, 4)},
                       {"latitude", decimal(s.latitude, 4)}};
    loc["managingOrganization"] = reference("Organization", s.organization_id);
    out.emit(std::move(loc));
  }
}

std::string staff_name(const StaffSeed& s, std::string_view given, std::string_view family) {
  std::string name;
  if (s.degree == &kMd || s.degree == &kDo) name = "Dr. ";
  name.append(given).append(" ").append(family);
  if (s.degree == &kRn || s.degree == &kNp) name.append(", ").append(s.degree->suffix);
  return name;
}

void emit_practitioner(const StaffSeed& s, const StaffMember& m, std::string_view given,
                       std::string_view family, std::string_view gender, std::uint32_t npi_base,
                       Emitter& out) {
  auto p = resource("Practitioner", m.id);
  p["identifier"] = one(identifier(cs::kNpi, npi(npi_base), "official"));
  p["active"] = true;
  bj::object name{{"use", "official"}, {"family", family}, {"given", one(bj::string_view(given))}};
  if (s.degree == &kMd || s.degree == &kDo) name["prefix"] = one("Dr.");
  name["suffix"] = one(bj::string_view(s.degree->suffix));
  p["name"] = one(std::move(name));
  std::string email(m.id);
  email += "@hospital.example.org";
  p["telecom"] = bj::array{
      contact("phone", m.organization_id == kClinicId ? "(617) 555-0150" : "(617) 555-0100",
              "work"),
      contact("email", email, "work")};
  p["address"] =
      one(m.organization_id == kClinicId ? address("250 Harbor Street", "Boston", "MA", "02210")
                                         : address("1 Ember Way", "Boston", "MA", "02115"));
  p["gender"] = gender;
  bj::object qualification;
  qualification["identifier"] =
      one(identifier("http://example.org/ma-license", "MA-" + std::to_string(npi_base % 1000000)));
  qualification["code"] = codeable(s.degree->code);
  qualification["issuer"] = {{"display", "Commonwealth of Massachusetts"}};
  p["qualification"] = one(std::move(qualification));
  out.emit(std::move(p));
}

void emit_role(const StaffMember& m, const Degree& degree, Emitter& out) {
  auto r = resource("PractitionerRole", "role-" + m.id);
  r["active"] = true;
  r["practitioner"] = reference("Practitioner", m.id, m.name);
  r["organization"] = reference("Organization", m.organization_id);
  const bool nurse = &degree == &kRn;
  r["code"] = one(
      codeable({cs::kPractitionerRole, nurse ? "nurse" : "doctor", nurse ? "Nurse" : "Doctor"}));
  r["specialty"] = one(codeable(specialty_code(m.specialty)));
  r["location"] = one(reference("Location", m.location_id));
  r["telecom"] = one(contact(
      "phone", m.organization_id == kClinicId ? "(617) 555-0150" : "(617) 555-0100", "work"));
  bj::object hours{{"daysOfWeek", bj::array{"mon", "tue", "wed", "thu", "fri"}},
                   {"availableStartTime", "08:00:00"},
                   {"availableEndTime", "17:00:00"}};
  if (m.organization_id == kHospitalId) hours = {{"allDay", true}};
  r["availableTime"] = one(std::move(hours));
  out.emit(std::move(r));
}

void emit_medications(Emitter& out) {
  int lot = 0;
  for (const auto& spec : medications()) {
    if (spec.resource_id.empty()) continue;
    auto m = resource("Medication", spec.resource_id);
    m["code"] = codeable(spec.code);
    m["status"] = "active";
    m["form"] = spec.form.code.empty() ? text_codeable(spec.form.display) : codeable(spec.form);
    m["batch"] = {{"lotNumber", "EMB" + std::to_string(4711 + 97 * ++lot)},
                  {"expirationDate", format_date(kReferenceDay + 365 + 30 * lot)}};
    out.emit(std::move(m));
  }
}

}  // namespace

const StaffMember& Directory::find(std::string_view id) const {
  for (const auto& m : staff_) {
    if (m.id == id) return m;
  }
  throw std::out_of_range("no staff member with that id");  // a bug in the generator
}

const StaffMember& Directory::pick(Specialty specialty, Prng& prng) const {
  const auto& pool = by_specialty_[static_cast<std::size_t>(specialty)];
  return staff_[pool[prng.index(pool.size())]];
}

const StaffMember& Directory::pick(Specialty specialty, std::string_view organization_id,
                                   Prng& prng) const {
  std::vector<std::size_t> pool;
  for (std::size_t i : by_specialty_[static_cast<std::size_t>(specialty)]) {
    if (staff_[i].organization_id == organization_id) pool.push_back(i);
  }
  return staff_[pool[prng.index(pool.size())]];
}

void Directory::add(StaffMember member) {
  by_specialty_[static_cast<std::size_t>(member.specialty)].push_back(staff_.size());
  staff_.push_back(std::move(member));
}

std::string npi(std::uint32_t nine_digits) {
  std::string digits = std::to_string(nine_digits % 1000000000u);
  digits.insert(0, 9 - digits.size(), '0');
  if (digits[0] == '0') digits[0] = '1';  // NPIs start with 1 or 2
  // Luhn over "80840" + the nine digits, doubling every second digit from the right.
  const std::string payload = "80840" + digits;
  int sum = 0;
  bool doubled = true;
  for (auto it = payload.rbegin(); it != payload.rend(); ++it) {
    int d = *it - '0';
    if (doubled) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    doubled = !doubled;
  }
  digits.push_back(static_cast<char>('0' + (10 - sum % 10) % 10));
  return digits;
}

Directory emit_directory(std::uint64_t seed, Emitter& out) {
  emit_organizations(out);
  emit_locations(out);

  Prng prng = Prng::stream(seed, kDirectoryStream);
  Directory directory;
  struct Person {
    std::string given, family, gender;
    std::uint32_t npi_base;
  };
  std::vector<Person> people;
  int generated = 0;
  for (const auto& s : kStaff) {
    Person person{std::string(s.given), std::string(s.family), std::string(s.gender), s.npi_base};
    std::string id(s.id);
    if (id.empty()) {
      const bool female = prng.percent(50);
      person.gender = female ? "female" : "male";
      person.given = female ? prng.pick(female_given_names()) : prng.pick(male_given_names());
      person.family = prng.pick(family_names());
      person.npi_base = static_cast<std::uint32_t>(prng.uniform(100000000, 299999999));
      const std::string n = std::to_string(++generated);
      id = "pract-" + std::string(3 - n.size(), '0') + n;
    }
    directory.add(StaffMember{id, staff_name(s, person.given, person.family), s.specialty,
                              s.organization_id, s.location_id});
    people.push_back(std::move(person));
  }
  for (std::size_t i = 0; i < directory.staff().size(); ++i) {
    const auto& p = people[i];
    emit_practitioner(kStaff[i], directory.staff()[i], p.given, p.family, p.gender, p.npi_base,
                      out);
  }
  for (std::size_t i = 0; i < directory.staff().size(); ++i) {
    emit_role(directory.staff()[i], *kStaff[i].degree, out);
  }
  emit_medications(out);
  return directory;
}

}  // namespace ember::seed
