// extract_index over realistic US Core–style resources: each row kind, datatype handling,
// reference restrictions, exact decimals, deduplication.
#include "fhir/indexer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <limits>
#include <ostream>
#include <string>
#include <vector>

#include "fhir/datetime.h"
#include "json/exact.h"

namespace ember::fhir {
namespace {

using ::testing::Contains;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;
using Entries = store::IndexEntries;

Entries index_of(std::string_view type, std::string_view text) {
  auto v = json::parse_exact(text);
  EXPECT_TRUE(v.has_value()) << text;
  if (!v) return {};
  return extract_index(type, *v);
}

// Rows rendered as compact strings so that tests read like tables.
std::vector<std::string> strings(const Entries& e, std::string_view param) {
  std::vector<std::string> out;
  for (const auto& r : e.strings) {
    if (r.param == param) out.push_back(r.normalized + "|" + r.exact);
  }
  return out;
}
std::vector<std::string> tokens(const Entries& e, std::string_view param) {
  std::vector<std::string> out;
  for (const auto& r : e.tokens) {
    if (r.param == param) out.push_back(r.system + "|" + r.code + "|" + r.text);
  }
  return out;
}
std::vector<std::string> refs(const Entries& e, std::string_view param) {
  std::vector<std::string> out;
  for (const auto& r : e.references) {
    if (r.param == param) out.push_back(r.target_type + "/" + r.target_id + " " + r.url);
  }
  return out;
}
std::vector<std::pair<std::int64_t, std::int64_t>> dates(const Entries& e, std::string_view param) {
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  for (const auto& r : e.dates) {
    if (r.param == param) out.emplace_back(r.lo_ms, r.hi_ms);
  }
  return out;
}
std::vector<std::string> numbers(const Entries& e, std::string_view param) {
  std::vector<std::string> out;
  for (const auto& r : e.numbers) {
    if (r.param == param) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%g", r.value);
      out.push_back(std::string(buf) + " " + r.system + "|" + r.code);
    }
  }
  return out;
}
std::vector<std::string> uris(const Entries& e, std::string_view param) {
  std::vector<std::string> out;
  for (const auto& r : e.uris) {
    if (r.param == param) out.push_back(r.value);
  }
  return out;
}

std::pair<std::int64_t, std::int64_t> range(std::string_view text) {
  auto r = parse_date_range(text);
  EXPECT_TRUE(r.has_value()) << text;
  return r ? std::pair{r->lo_ms, r->hi_ms} : std::pair<std::int64_t, std::int64_t>{};
}

constexpr std::string_view kPatient = R"({
  "resourceType": "Patient",
  "id": "p1",
  "meta": {"tag": [{"system": "http://example.org/tags", "code": "synthetic"}],
           "profile": ["http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"]},
  "identifier": [
    {"system": "http://hospital.example.org/mrn", "value": "MRN-001",
     "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}],
              "text": "Medical Record Number"}},
    {"system": "http://hl7.org/fhir/sid/us-ssn", "value": "999-99-9999"}
  ],
  "active": true,
  "name": [
    {"use": "official", "family": "Muñoz", "given": ["José", "Luis"], "prefix": ["Mr."]},
    {"use": "nickname", "text": "Pepe"}
  ],
  "telecom": [
    {"system": "phone", "value": "555-0100", "use": "home"},
    {"system": "email", "value": "jose@example.org"}
  ],
  "gender": "male",
  "birthDate": "1980-02-29",
  "deceasedBoolean": false,
  "address": [{"line": ["12 Rue de l'Église", "Apt 3"], "city": "Montréal", "state": "QC",
               "postalCode": "H2X 1Y4", "country": "CA"}],
  "generalPractitioner": [{"reference": "Practitioner/dr-1"}],
  "managingOrganization": {"reference": "https://other.example.org/fhir/Organization/org-9"}
})";

TEST(Indexer, Patient) {
  Entries e = index_of("Patient", kPatient);
  EXPECT_THAT(strings(e, "family"), UnorderedElementsAre("munoz|Muñoz"));
  EXPECT_THAT(strings(e, "given"), UnorderedElementsAre("jose|José", "luis|Luis"));
  EXPECT_THAT(strings(e, "name"), UnorderedElementsAre("munoz|Muñoz", "jose|José", "luis|Luis",
                                                       "mr.|Mr.", "pepe|Pepe"));
  EXPECT_THAT(strings(e, "address"),
              UnorderedElementsAre("12 rue de l'eglise|12 Rue de l'Église", "apt 3|Apt 3",
                                   "montreal|Montréal", "qc|QC", "h2x 1y4|H2X 1Y4", "ca|CA"));
  EXPECT_THAT(strings(e, "address-city"), UnorderedElementsAre("montreal|Montréal"));
  EXPECT_THAT(tokens(e, "identifier"),
              UnorderedElementsAre("http://hospital.example.org/mrn|MRN-001|medical record number",
                                   "http://hl7.org/fhir/sid/us-ssn|999-99-9999|"));
  EXPECT_THAT(tokens(e, "gender"), UnorderedElementsAre("|male|"));
  EXPECT_THAT(tokens(e, "active"), UnorderedElementsAre("|true|"));
  EXPECT_THAT(tokens(e, "deceased"), UnorderedElementsAre("|false|"));
  EXPECT_THAT(tokens(e, "telecom"), UnorderedElementsAre("|555-0100|", "|jose@example.org|"));
  EXPECT_THAT(tokens(e, "phone"), UnorderedElementsAre("|555-0100|"));
  EXPECT_THAT(tokens(e, "email"), UnorderedElementsAre("|jose@example.org|"));
  EXPECT_THAT(dates(e, "birthdate"), UnorderedElementsAre(range("1980-02-29")));
  EXPECT_THAT(refs(e, "general-practitioner"),
              UnorderedElementsAre("Practitioner/dr-1 Practitioner/dr-1"));
  EXPECT_THAT(
      refs(e, "organization"),
      UnorderedElementsAre("Organization/org-9 https://other.example.org/fhir/Organization/org-9"));
  EXPECT_THAT(tokens(e, "_tag"), UnorderedElementsAre("http://example.org/tags|synthetic|"));
  EXPECT_THAT(
      uris(e, "_profile"),
      UnorderedElementsAre("http://hl7.org/fhir/us/core/StructureDefinition/us-core-patient"));
  // _id and _lastUpdated live in store columns.
  EXPECT_THAT(tokens(e, "_id"), IsEmpty());
}

constexpr std::string_view kVitalSign = R"({
  "resourceType": "Observation",
  "id": "bp-weight",
  "status": "final",
  "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                            "code": "vital-signs", "display": "Vital Signs"}]}],
  "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7", "display": "Body Weight"}],
           "text": "Body weight"},
  "subject": {"reference": "Patient/p1", "display": "José Muñoz"},
  "encounter": {"reference": "Encounter/e1"},
  "effectiveDateTime": "2024-03-05T09:30:00+01:00",
  "valueQuantity": {"value": 72.5, "unit": "kg", "system": "http://unitsofmeasure.org", "code": "kg"}
})";

TEST(Indexer, VitalSignObservation) {
  Entries e = index_of("Observation", kVitalSign);
  EXPECT_THAT(tokens(e, "status"), UnorderedElementsAre("|final|"));
  EXPECT_THAT(
      tokens(e, "category"),
      UnorderedElementsAre(
          "http://terminology.hl7.org/CodeSystem/observation-category|vital-signs|vital signs"));
  EXPECT_THAT(tokens(e, "code"),
              UnorderedElementsAre("http://loinc.org|29463-7|body weight", "||body weight"));
  EXPECT_THAT(refs(e, "subject"), UnorderedElementsAre("Patient/p1 Patient/p1"));
  EXPECT_THAT(refs(e, "patient"), UnorderedElementsAre("Patient/p1 Patient/p1"));
  EXPECT_THAT(refs(e, "encounter"), UnorderedElementsAre("Encounter/e1 Encounter/e1"));
  EXPECT_THAT(dates(e, "date"), UnorderedElementsAre(range("2024-03-05T09:30:00+01:00")));
  EXPECT_THAT(numbers(e, "value-quantity"),
              UnorderedElementsAre("72.5 http://unitsofmeasure.org|kg"));
}

constexpr std::string_view kLab = R"({
  "resourceType": "Observation",
  "id": "creatinine",
  "status": "final",
  "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category",
                            "code": "laboratory"}]}],
  "code": {"coding": [{"system": "http://loinc.org", "code": "2160-0"}]},
  "subject": {"reference": "Group/cohort-1"},
  "performer": [{"reference": "Practitioner/dr-1"}, {"reference": "#lab-org"},
                {"reference": "urn:uuid:0b8c4c1d-3f9a-4a7e-9a4e-8e7e1cbb0f11"}],
  "effectivePeriod": {"start": "2024-03-05"},
  "issued": "2024-03-05T10:00:00.000Z",
  "valueQuantity": {"value": 1.50, "unit": "mg/dL"},
  "referenceRange": [{"low": {"value": 0.7, "unit": "mg/dL"}, "high": {"value": 1.3, "unit": "mg/dL"}}]
})";

TEST(Indexer, LabObservation) {
  Entries e = index_of("Observation", kLab);
  EXPECT_THAT(tokens(e, "category"),
              UnorderedElementsAre(
                  "http://terminology.hl7.org/CodeSystem/observation-category|laboratory|"));
  EXPECT_THAT(tokens(e, "code"), UnorderedElementsAre("http://loinc.org|2160-0|"));
  // 1.50 arrives as parse_exact's exact-number sentinel, not as a string.
  EXPECT_THAT(numbers(e, "value-quantity"), UnorderedElementsAre("1.5 |mg/dL"));
  EXPECT_THAT(numbers(e, "value-quantity"), Not(Contains("0.7 |mg/dL")));
  EXPECT_THAT(strings(e, "value-string"), IsEmpty());
  // A Group subject is a subject but not a patient (.where(resolve() is Patient)).
  EXPECT_THAT(refs(e, "subject"), UnorderedElementsAre("Group/cohort-1 Group/cohort-1"));
  EXPECT_THAT(refs(e, "patient"), IsEmpty());
  // Contained (#) references are skipped; urn:uuid is kept as a URL only.
  EXPECT_THAT(refs(e, "performer"),
              UnorderedElementsAre("Practitioner/dr-1 Practitioner/dr-1",
                                   "/ urn:uuid:0b8c4c1d-3f9a-4a7e-9a4e-8e7e1cbb0f11"));
  EXPECT_THAT(dates(e, "date"),
              UnorderedElementsAre(
                  std::pair{range("2024-03-05").first, std::numeric_limits<std::int64_t>::max()}));
}

TEST(Indexer, EncounterPeriod) {
  Entries e = index_of("Encounter", R"({
    "resourceType": "Encounter", "id": "e1", "status": "finished",
    "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB",
              "display": "ambulatory"},
    "type": [{"coding": [{"system": "http://snomed.info/sct", "code": "185349003"}]}],
    "subject": {"reference": "Patient/p1"},
    "participant": [{"individual": {"reference": "Practitioner/dr-1"}},
                    {"individual": {"reference": "RelatedPerson/rp-1"}}],
    "period": {"start": "2024-03-05T09:00:00Z", "end": "2024-03-05T09:45:00Z"},
    "serviceProvider": {"reference": "Organization/org-1/_history/3"}
  })");
  EXPECT_THAT(dates(e, "date"),
              UnorderedElementsAre(std::pair{range("2024-03-05T09:00:00Z").first,
                                             range("2024-03-05T09:45:00Z").second}));
  EXPECT_THAT(
      tokens(e, "class"),
      UnorderedElementsAre("http://terminology.hl7.org/CodeSystem/v3-ActCode|AMB|ambulatory"));
  EXPECT_THAT(refs(e, "participant"),
              UnorderedElementsAre("Practitioner/dr-1 Practitioner/dr-1",
                                   "RelatedPerson/rp-1 RelatedPerson/rp-1"));
  EXPECT_THAT(refs(e, "practitioner"), UnorderedElementsAre("Practitioner/dr-1 Practitioner/dr-1"));
  EXPECT_THAT(refs(e, "service-provider"),
              UnorderedElementsAre("Organization/org-1 Organization/org-1/_history/3"));
}

TEST(Indexer, ConditionOnsetAndOpenPeriods) {
  Entries e = index_of("Condition", R"({
    "resourceType": "Condition", "id": "c1",
    "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                                   "code": "active"}]},
    "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-category",
                              "code": "problem-list-item"}]}],
    "code": {"coding": [{"system": "http://snomed.info/sct", "code": "44054006",
                         "display": "Diabetes mellitus type 2"}], "text": "Type 2 diabetes"},
    "subject": {"reference": "Patient/p1"},
    "asserter": {"reference": "Practitioner/dr-1"},
    "onsetAge": {"value": 52, "unit": "yr", "system": "http://unitsofmeasure.org", "code": "a"},
    "abatementPeriod": {"end": "2024"},
    "recordedDate": "2020-06-01"
  })");
  EXPECT_THAT(tokens(e, "code"),
              UnorderedElementsAre("http://snomed.info/sct|44054006|diabetes mellitus type 2",
                                   "||type 2 diabetes"));
  EXPECT_THAT(numbers(e, "onset-age"), UnorderedElementsAre("52 http://unitsofmeasure.org|a"));
  EXPECT_THAT(dates(e, "onset-date"), IsEmpty());
  EXPECT_THAT(dates(e, "abatement-date"),
              UnorderedElementsAre(
                  std::pair{std::numeric_limits<std::int64_t>::min(), range("2024").second}));
  EXPECT_THAT(dates(e, "recorded-date"), UnorderedElementsAre(range("2020-06-01")));
  EXPECT_THAT(refs(e, "patient"), UnorderedElementsAre("Patient/p1 Patient/p1"));
  EXPECT_THAT(refs(e, "asserter"), UnorderedElementsAre("Practitioner/dr-1 Practitioner/dr-1"));
}

TEST(Indexer, MedicationRequest) {
  Entries e = index_of("MedicationRequest", R"({
    "resourceType": "MedicationRequest", "id": "mr1", "status": "active", "intent": "order",
    "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                                              "code": "860975", "display": "Metformin 500 MG"}]},
    "subject": {"reference": "Patient/p1"},
    "authoredOn": "2024-03-05",
    "requester": {"reference": "Practitioner/dr-1"},
    "dosageInstruction": [{"timing": {"event": ["2024-03-06T08:00:00Z", "2024-03-06T20:00:00Z"],
                                      "repeat": {"frequency": 2, "period": 1, "periodUnit": "d"}},
                           "doseAndRate": [{"doseQuantity": {"value": 500, "unit": "mg"}}]}]
  })");
  EXPECT_THAT(
      tokens(e, "code"),
      UnorderedElementsAre("http://www.nlm.nih.gov/research/umls/rxnorm|860975|metformin 500 mg"));
  EXPECT_THAT(refs(e, "medication"), IsEmpty());
  EXPECT_THAT(tokens(e, "intent"), UnorderedElementsAre("|order|"));
  EXPECT_THAT(dates(e, "authoredon"), UnorderedElementsAre(range("2024-03-05")));
  EXPECT_THAT(dates(e, "date"),
              UnorderedElementsAre(range("2024-03-06T08:00:00Z"), range("2024-03-06T20:00:00Z")));
  EXPECT_THAT(refs(e, "requester"), UnorderedElementsAre("Practitioner/dr-1 Practitioner/dr-1"));
}

TEST(Indexer, AllergyIntoleranceFansOutOverReactions) {
  Entries e = index_of("AllergyIntolerance", R"({
    "resourceType": "AllergyIntolerance", "id": "a1",
    "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical",
                                   "code": "active"}]},
    "category": ["medication"], "criticality": "high",
    "code": {"coding": [{"system": "http://snomed.info/sct", "code": "764146007", "display": "Penicillin"}]},
    "patient": {"reference": "Patient/p1"},
    "reaction": [
      {"substance": {"coding": [{"system": "http://snomed.info/sct", "code": "764146007",
                                 "display": "Penicillin"}]},
       "manifestation": [{"coding": [{"system": "http://snomed.info/sct", "code": "247472004",
                                      "display": "Hives"}]}],
       "severity": "moderate"},
      {"manifestation": [{"coding": [{"system": "http://snomed.info/sct", "code": "39579001",
                                      "display": "Anaphylaxis"}]}],
       "severity": "severe", "onset": "2019-04"}
    ]
  })");
  // code covers AllergyIntolerance.code | reaction.substance; the duplicate row appears once.
  EXPECT_THAT(tokens(e, "code"),
              UnorderedElementsAre("http://snomed.info/sct|764146007|penicillin"));
  EXPECT_THAT(tokens(e, "manifestation"),
              UnorderedElementsAre("http://snomed.info/sct|247472004|hives",
                                   "http://snomed.info/sct|39579001|anaphylaxis"));
  EXPECT_THAT(tokens(e, "severity"), UnorderedElementsAre("|moderate|", "|severe|"));
  EXPECT_THAT(tokens(e, "category"), UnorderedElementsAre("|medication|"));
  EXPECT_THAT(dates(e, "onset"), UnorderedElementsAre(range("2019-04")));
  EXPECT_THAT(refs(e, "patient"), UnorderedElementsAre("Patient/p1 Patient/p1"));
}

struct EdgeCase {
  std::string name;
  std::string type;
  std::string resource;
};

void PrintTo(const EdgeCase& c, std::ostream* os) {
  *os << c.name;
}

class IndexerEdges : public ::testing::TestWithParam<EdgeCase> {};

// Malformed or unusual shapes never crash and never yield rows for the bad parts.
TEST_P(IndexerEdges, YieldNoRows) {
  Entries e = index_of(GetParam().type, GetParam().resource);
  EXPECT_THAT(e.strings, IsEmpty());
  EXPECT_THAT(e.tokens, IsEmpty());
  EXPECT_THAT(e.references, IsEmpty());
  EXPECT_THAT(e.dates, IsEmpty());
  EXPECT_THAT(e.numbers, IsEmpty());
  EXPECT_THAT(e.uris, IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(
    Table, IndexerEdges,
    ::testing::Values(
        EdgeCase{"UnknownType", "Nope", R"({"resourceType":"Nope","status":"x"})"},
        EdgeCase{"NotAnObject", "Patient", R"([1,2])"},
        EdgeCase{"WrongKinds", "Patient",
                 R"({"resourceType":"Patient","gender":5,"birthDate":true,"name":"x",
                     "identifier":[1,"a",null],"telecom":{"value":7}})"},
        EdgeCase{"BadDates", "Patient", R"({"resourceType":"Patient","birthDate":"2023-02-30"})"},
        EdgeCase{"NumberIsNotAString", "Observation",
                 R"({"resourceType":"Observation","valueString":1.50,"status":2.0})"},
        EdgeCase{"QuantityWithoutValue", "Observation",
                 R"({"resourceType":"Observation","valueQuantity":{"unit":"kg"}})"},
        EdgeCase{"ContainedAndRelativeGarbage", "Observation",
                 R"({"resourceType":"Observation","subject":{"reference":"#p"},
                     "performer":[{"reference":"not a ref"},{"reference":"Nope/1"},
                                  {"display":"Dr X"}]})"},
        EdgeCase{"EmptyStrings", "Patient",
                 R"({"resourceType":"Patient","name":[{"family":"  ","given":[""]}]})"}),
    [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace ember::fhir
