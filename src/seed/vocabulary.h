// Terminology used by the generated records: code-system URIs and the LOINC, SNOMED CT, RxNorm,
// CVX and HL7 codes each generator draws from, with the clinical facts (ages, units, reference
// ranges) that keep the choices plausible. Tables live in vocabulary.cc.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

namespace ember::seed {

struct Code {
  std::string_view system;
  std::string_view code;
  std::string_view display;

  bool operator==(const Code&) const = default;
};

// A UCUM unit: the human-readable unit and the UCUM code.
struct Unit {
  std::string_view display;
  std::string_view code;
};

namespace cs {
inline constexpr std::string_view kLoinc = "http://loinc.org";
inline constexpr std::string_view kSnomed = "http://snomed.info/sct";
inline constexpr std::string_view kRxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
inline constexpr std::string_view kCvx = "http://hl7.org/fhir/sid/cvx";
inline constexpr std::string_view kUcum = "http://unitsofmeasure.org";
inline constexpr std::string_view kNpi = "http://hl7.org/fhir/sid/us-npi";
inline constexpr std::string_view kMrn = "http://hospital.example.org/mrn";
inline constexpr std::string_view kActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
inline constexpr std::string_view kObservationCategory =
    "http://terminology.hl7.org/CodeSystem/observation-category";
inline constexpr std::string_view kInterpretation =
    "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
inline constexpr std::string_view kConditionClinical =
    "http://terminology.hl7.org/CodeSystem/condition-clinical";
inline constexpr std::string_view kConditionVerification =
    "http://terminology.hl7.org/CodeSystem/condition-ver-status";
inline constexpr std::string_view kConditionCategory =
    "http://terminology.hl7.org/CodeSystem/condition-category";
inline constexpr std::string_view kAllergyClinical =
    "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
inline constexpr std::string_view kAllergyVerification =
    "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";
inline constexpr std::string_view kIdentifierType = "http://terminology.hl7.org/CodeSystem/v2-0203";
inline constexpr std::string_view kDiagnosticService =
    "http://terminology.hl7.org/CodeSystem/v2-0074";
inline constexpr std::string_view kDegree = "http://terminology.hl7.org/CodeSystem/v2-0360|2.7";
inline constexpr std::string_view kParticipationType =
    "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
inline constexpr std::string_view kRoleCode = "http://terminology.hl7.org/CodeSystem/v3-RoleCode";
inline constexpr std::string_view kOrganizationType =
    "http://terminology.hl7.org/CodeSystem/organization-type";
inline constexpr std::string_view kPractitionerRole =
    "http://terminology.hl7.org/CodeSystem/practitioner-role";
inline constexpr std::string_view kLocationPhysicalType =
    "http://terminology.hl7.org/CodeSystem/location-physical-type";
inline constexpr std::string_view kRaceEthnicity = "urn:oid:2.16.840.1.113883.6.238";
inline constexpr std::string_view kUsCoreRace =
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-race";
inline constexpr std::string_view kUsCoreEthnicity =
    "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity";
inline constexpr std::string_view kDocumentCategory =
    "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category";
inline constexpr std::string_view kProvenanceAgentType =
    "http://terminology.hl7.org/CodeSystem/provenance-participant-type";
inline constexpr std::string_view kCarePlanCategory =
    "http://hl7.org/fhir/us/core/CodeSystem/careplan-category";
inline constexpr std::string_view kGoalAchievement =
    "http://terminology.hl7.org/CodeSystem/goal-achievement";
inline constexpr std::string_view kEin = "urn:oid:2.16.840.1.113883.4.4";
}  // namespace cs

// Chronic traits a patient may carry; they steer lab values, medications, devices and plans.
namespace trait {
inline constexpr std::uint32_t kHypertension = 1u << 0;
inline constexpr std::uint32_t kDiabetes = 1u << 1;
inline constexpr std::uint32_t kPrediabetes = 1u << 2;
inline constexpr std::uint32_t kHyperlipidemia = 1u << 3;
inline constexpr std::uint32_t kAsthma = 1u << 4;
inline constexpr std::uint32_t kKidney = 1u << 5;
inline constexpr std::uint32_t kCardiac = 1u << 6;
inline constexpr std::uint32_t kMood = 1u << 7;
inline constexpr std::uint32_t kAnemia = 1u << 8;
inline constexpr std::uint32_t kInfection = 1u << 9;  // bacterial: treated with an antibiotic
inline constexpr std::uint32_t kPain = 1u << 10;      // treated with an analgesic
}  // namespace trait

enum class EncounterKind { kAmbulatory, kEmergency, kInpatient };

namespace code {
// Encounter classes (v3-ActCode) and types (SNOMED CT).
inline constexpr Code kAmbulatory{cs::kActCode, "AMB", "ambulatory"};
inline constexpr Code kEmergency{cs::kActCode, "EMER", "emergency"};
inline constexpr Code kInpatient{cs::kActCode, "IMP", "inpatient encounter"};
inline constexpr Code kCheckUp{cs::kSnomed, "185349003", "Encounter for check up (procedure)"};
inline constexpr Code kWellChild{cs::kSnomed, "410620009", "Well child visit (procedure)"};
inline constexpr Code kFollowUp{cs::kSnomed, "390906007", "Follow-up encounter (procedure)"};
inline constexpr Code kSymptomVisit{cs::kSnomed, "185345009", "Encounter for symptom (procedure)"};
inline constexpr Code kConsultation{cs::kSnomed, "11429006", "Consultation (procedure)"};
inline constexpr Code kEmergencyVisit{cs::kSnomed, "50849002",
                                      "Emergency room admission (procedure)"};
inline constexpr Code kHospitalAdmission{cs::kSnomed, "32485007", "Hospital admission (procedure)"};

// Observation categories.
inline constexpr Code kVitalSigns{cs::kObservationCategory, "vital-signs", "Vital Signs"};
inline constexpr Code kLaboratory{cs::kObservationCategory, "laboratory", "Laboratory"};
inline constexpr Code kSocialHistory{cs::kObservationCategory, "social-history", "Social History"};
inline constexpr Code kLabService{cs::kDiagnosticService, "LAB", "Laboratory"};

// Vital signs (LOINC).
inline constexpr Code kHeartRate{cs::kLoinc, "8867-4", "Heart rate"};
inline constexpr Code kRespiratoryRate{cs::kLoinc, "9279-1", "Respiratory rate"};
inline constexpr Code kBodyTemperature{cs::kLoinc, "8310-5", "Body temperature"};
inline constexpr Code kBodyWeight{cs::kLoinc, "29463-7", "Body weight"};
inline constexpr Code kBodyHeight{cs::kLoinc, "8302-2", "Body height"};
inline constexpr Code kBmi{cs::kLoinc, "39156-5", "Body mass index (BMI) [Ratio]"};
inline constexpr Code kBloodPressure{cs::kLoinc, "85354-9",
                                     "Blood pressure panel with all children optional"};
inline constexpr Code kSystolic{cs::kLoinc, "8480-6", "Systolic blood pressure"};
inline constexpr Code kDiastolic{cs::kLoinc, "8462-4", "Diastolic blood pressure"};
inline constexpr Code kSmokingStatus{cs::kLoinc, "72166-2", "Tobacco smoking status"};

// Interpretations (v3-ObservationInterpretation).
inline constexpr Code kHigh{cs::kInterpretation, "H", "High"};
inline constexpr Code kLow{cs::kInterpretation, "L", "Low"};
inline constexpr Code kNormal{cs::kInterpretation, "N", "Normal"};

inline constexpr Code kMrnType{cs::kIdentifierType, "MR", "Medical Record Number"};
}  // namespace code

namespace unit {
inline constexpr Unit kPerMinute{"/min", "/min"};
inline constexpr Unit kCelsius{"Cel", "Cel"};
inline constexpr Unit kKilogram{"kg", "kg"};
inline constexpr Unit kCentimeter{"cm", "cm"};
inline constexpr Unit kBmi{"kg/m2", "kg/m2"};
inline constexpr Unit kMmHg{"mm[Hg]", "mm[Hg]"};
}  // namespace unit

struct ConditionSpec {
  Code code;
  bool chronic;  // problem-list item that stays active; otherwise an encounter diagnosis
  int min_age;
  int max_age;
  std::uint32_t traits;
  int weight;
};

struct MedicationSpec {
  Code code;                     // RxNorm
  std::string_view resource_id;  // a Medication resource is emitted when non-empty
  Code form;                     // SNOMED dose form
  std::string_view dosage_text;
  int frequency;
  int period;
  std::string_view period_unit;  // UCUM time unit: h, d, wk
  bool as_needed;
  bool long_term;  // active; otherwise a completed short course
  std::uint32_t treats;
};

struct AllergySpec {
  Code substance;
  std::string_view type;         // allergy | intolerance
  std::string_view category;     // food | medication | environment | biologic
  std::string_view criticality;  // low | high | unable-to-assess
  Code manifestation;
  std::string_view severity;  // mild | moderate | severe
};

struct VaccineSpec {
  Code code;  // CVX
  int min_age;
  int max_age;
  int weight;
};

struct ProcedureSpec {
  Code code;
  EncounterKind kind;
  int min_age;
  std::uint32_t traits;  // 0: anyone; else only patients with one of these traits
  int duration_minutes;  // > 60 is written as performedPeriod
};

enum class Lab {
  kGlucose,
  kHemoglobin,
  kCreatinine,
  kA1c,
  kCholesterol,
  kWbc,
  kSodium,
  kPotassium
};

struct LabSpec {
  Lab lab;
  Code code;
  Unit unit;
  int places;  // decimals written (and the scale of low/high)
  int low;     // reference range, scaled by 10^places
  int high;
};

struct PanelSpec {
  Code code;
  std::span<const Lab> labs;
};

struct DeviceSpec {
  Code type;
  std::string_view name;
  std::string_view manufacturer;
  std::uint32_t traits;
};

struct CarePlanSpec {
  Code category;
  std::string_view title;
  Code activity;
  std::string_view goal;
  Code goal_measure;
  std::uint32_t traits;
};

std::span<const ConditionSpec> conditions();
std::span<const MedicationSpec> medications();
std::span<const AllergySpec> allergies();
std::span<const VaccineSpec> vaccines();
std::span<const ProcedureSpec> procedures();
const LabSpec& lab_spec(Lab lab);
std::span<const PanelSpec> panels();  // CMP, CBC, lipid, HbA1c
std::span<const DeviceSpec> devices();
std::span<const CarePlanSpec> care_plans();
std::span<const Code> smoking_statuses();
std::span<const Code> races();
std::span<const Code> ethnicities();  // [0] Hispanic or Latino, [1] Not Hispanic or Latino
std::span<const Code> note_types();   // LOINC document types

}  // namespace ember::seed
