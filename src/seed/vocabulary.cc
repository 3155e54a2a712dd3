#include "seed/vocabulary.h"

#include <array>

namespace ember::seed {

namespace {

using namespace trait;  // NOLINT: the tables below read better without the prefix

constexpr Code snomed(std::string_view code, std::string_view display) {
  return Code{cs::kSnomed, code, display};
}
constexpr Code loinc(std::string_view code, std::string_view display) {
  return Code{cs::kLoinc, code, display};
}
constexpr Code rxnorm(std::string_view code, std::string_view display) {
  return Code{cs::kRxNorm, code, display};
}
constexpr Code cvx(std::string_view code, std::string_view display) {
  return Code{cs::kCvx, code, display};
}

constexpr Code kTablet = snomed("385055001", "Tablet");
constexpr Code kCapsule = snomed("385049006", "Capsule");
constexpr Code kInhaler{{}, {}, "Metered dose inhaler"};  // written as text only

constexpr auto kConditions = std::to_array<ConditionSpec>({
    {snomed("59621000", "Essential hypertension (disorder)"), true, 18, 95, kHypertension, 20},
    {snomed("44054006", "Diabetes mellitus type 2 (disorder)"), true, 25, 95, kDiabetes, 10},
    {snomed("15777000", "Prediabetes (finding)"), true, 18, 95, kPrediabetes, 10},
    {snomed("55822004", "Hyperlipidemia (disorder)"), true, 30, 95, kHyperlipidemia, 12},
    {snomed("195967001", "Asthma (disorder)"), true, 2, 95, kAsthma, 8},
    {snomed("433144002", "Chronic kidney disease stage 3 (disorder)"), true, 50, 95, kKidney, 4},
    {snomed("49436004", "Atrial fibrillation (disorder)"), true, 55, 95, kCardiac, 4},
    {snomed("53741008", "Coronary arteriosclerosis (disorder)"), true, 50, 95, kCardiac, 4},
    {snomed("35489007", "Depressive disorder (disorder)"), true, 14, 95, kMood, 6},
    {snomed("197480006", "Anxiety disorder (disorder)"), true, 12, 95, kMood, 6},
    {snomed("271737000", "Anemia (disorder)"), true, 1, 95, kAnemia, 4},
    {snomed("239873007", "Osteoarthritis of knee (disorder)"), true, 45, 95, kPain, 6},
    {snomed("444814009", "Viral sinusitis (disorder)"), false, 1, 95, 0, 12},
    {snomed("195662009", "Acute viral pharyngitis (disorder)"), false, 1, 95, 0, 10},
    {snomed("10509002", "Acute bronchitis (disorder)"), false, 1, 95, 0, 8},
    {snomed("43878008", "Streptococcal sore throat (disorder)"), false, 1, 60, kInfection, 5},
    {snomed("65363002", "Otitis media (disorder)"), false, 1, 12, kInfection, 8},
    {snomed("75498004", "Acute bacterial sinusitis (disorder)"), false, 5, 95, kInfection, 5},
    {snomed("38822007", "Cystitis (disorder)"), false, 15, 95, kInfection, 4},
    {snomed("25064002", "Headache (finding)"), false, 8, 95, kPain, 6},
    {snomed("44465007", "Sprain of ankle (disorder)"), false, 5, 80, kPain, 5},
});

constexpr auto kMedications = std::to_array<MedicationSpec>({
    {rxnorm("314076", "lisinopril 10 MG Oral Tablet"), "med-lisinopril", kTablet,
     "Take 1 tablet by mouth once daily", 1, 1, "d", false, true, kHypertension},
    {rxnorm("197361", "amlodipine 5 MG Oral Tablet"), "", kTablet,
     "Take 1 tablet by mouth once daily", 1, 1, "d", false, true, kHypertension},
    {rxnorm("310798", "hydrochlorothiazide 25 MG Oral Tablet"), "", kTablet,
     "Take 1 tablet by mouth every morning", 1, 1, "d", false, true, kHypertension},
    {rxnorm("860975", "24 HR metformin hydrochloride 500 MG Extended Release Oral Tablet"),
     "med-metformin", kTablet, "Take 1 tablet by mouth daily with the evening meal", 1, 1, "d",
     false, true, kDiabetes},
    {rxnorm("316672", "simvastatin 10 MG Oral Tablet"), "", kTablet,
     "Take 1 tablet by mouth at bedtime", 1, 1, "d", false, true, kHyperlipidemia},
    {rxnorm("745679", "200 ACTUAT albuterol 0.09 MG/ACTUAT Metered Dose Inhaler"), "med-albuterol",
     kInhaler, "Inhale 2 puffs by mouth every 4 hours as needed for wheezing", 1, 4, "h", true,
     true, kAsthma},
    {rxnorm("895994", "120 ACTUAT fluticasone propionate 0.044 MG/ACTUAT Metered Dose Inhaler"), "",
     kInhaler, "Inhale 2 puffs by mouth twice daily; rinse mouth after use", 2, 1, "d", false, true,
     kAsthma},
    {rxnorm("312938", "sertraline 100 MG Oral Tablet"), "", kTablet,
     "Take 1 tablet by mouth once daily", 1, 1, "d", false, true, kMood},
    {rxnorm("855332", "warfarin sodium 5 MG Oral Tablet"), "", kTablet,
     "Take 1 tablet by mouth once daily in the evening", 1, 1, "d", false, true, kCardiac},
    {rxnorm("309362", "clopidogrel 75 MG Oral Tablet"), "", kTablet,
     "Take 1 tablet by mouth once daily", 1, 1, "d", false, true, kCardiac},
    {rxnorm("866924", "metoprolol tartrate 25 MG Oral Tablet"), "", kTablet,
     "Take 1 tablet by mouth twice daily", 2, 1, "d", false, true, kCardiac},
    {rxnorm("310325", "ferrous sulfate 325 MG Oral Tablet"), "", kTablet,
     "Take 1 tablet by mouth once daily with food", 1, 1, "d", false, true, kAnemia},
    {rxnorm("308182", "amoxicillin 250 MG Oral Capsule"), "med-amoxicillin", kCapsule,
     "Take 1 capsule by mouth three times daily for 10 days", 3, 1, "d", false, false, kInfection},
    {rxnorm("313782", "acetaminophen 325 MG Oral Tablet"), "", kTablet,
     "Take 2 tablets by mouth every 6 hours as needed for pain", 1, 6, "h", true, false, kPain},
    {rxnorm("310965", "ibuprofen 200 MG Oral Tablet"), "", kTablet,
     "Take 2 tablets by mouth every 8 hours as needed for pain", 1, 8, "h", true, false, kPain},
    {rxnorm("849574", "naproxen sodium 220 MG Oral Tablet"), "med-naproxen", kTablet,
     "Take 1 tablet by mouth every 12 hours as needed for pain", 1, 12, "h", true, false, kPain},
});

constexpr Code kAnaphylaxis = snomed("39579001", "Anaphylaxis (disorder)");
constexpr Code kUrticaria = snomed("126485001", "Urticaria (disorder)");
constexpr Code kSneezing = snomed("76067001", "Sneezing (finding)");

constexpr auto kAllergies = std::to_array<AllergySpec>({
    {snomed("764146007", "Penicillin (substance)"), "allergy", "medication", "high", kUrticaria,
     "moderate"},
    {snomed("762952008", "Peanut (substance)"), "allergy", "food", "high", kAnaphylaxis, "severe"},
    {snomed("387406002", "Sulfonamide (substance)"), "allergy", "medication", "low",
     snomed("271807003", "Eruption of skin (disorder)"), "mild"},
    {snomed("111088007", "Latex (substance)"), "allergy", "environment", "low",
     snomed("40275004", "Contact dermatitis (disorder)"), "mild"},
    {snomed("288328004", "Bee venom (substance)"), "allergy", "environment", "high", kAnaphylaxis,
     "severe"},
    {snomed("260147004", "House dust mite (organism)"), "allergy", "environment", "low", kSneezing,
     "mild"},
    {snomed("264287008", "Animal dander (substance)"), "allergy", "environment", "low", kSneezing,
     "mild"},
    {snomed("44027008", "Seafood (substance)"), "allergy", "food", "high", kUrticaria, "moderate"},
    {snomed("102263004", "Eggs (edible) (substance)"), "allergy", "food", "low", kUrticaria,
     "mild"},
    {snomed("387458008", "Aspirin (substance)"), "intolerance", "medication", "low",
     snomed("422587007", "Nausea (finding)"), "moderate"},
});

constexpr auto kVaccines = std::to_array<VaccineSpec>({
    {cvx("140", "Influenza, seasonal, injectable, preservative free"), 1, 95, 25},
    {cvx("150", "Influenza, injectable, quadrivalent, preservative free"), 1, 95, 25},
    {cvx("208",
         "SARS-COV-2 (COVID-19) vaccine, mRNA, spike protein, LNP, preservative free, 30 "
         "mcg/0.3mL dose"),
     12, 95, 15},
    {cvx("115", "Tdap"), 11, 95, 8},
    {cvx("113", "Td (adult) preservative free"), 19, 95, 5},
    {cvx("133", "Pneumococcal conjugate PCV 13"), 65, 95, 5},
    {cvx("33", "pneumococcal polysaccharide vaccine, 23 valent"), 65, 95, 4},
    {cvx("187", "zoster vaccine recombinant"), 50, 95, 5},
    {cvx("08", "Hep B, adolescent or pediatric"), 1, 18, 5},
    {cvx("83", "Hep A, ped/adol, 2 dose"), 1, 18, 5},
    {cvx("20", "DTaP"), 1, 6, 6},
    {cvx("10", "IPV"), 1, 6, 6},
    {cvx("03", "MMR"), 1, 6, 6},
    {cvx("21", "varicella"), 1, 12, 6},
    {cvx("165", "HPV9"), 9, 26, 5},
});

constexpr auto kProcedures = std::to_array<ProcedureSpec>({
    {snomed("430193006", "Medication Reconciliation (procedure)"), EncounterKind::kAmbulatory, 0, 0, 15},
    {snomed("171207006", "Depression screening (procedure)"), EncounterKind::kAmbulatory, 12, 0, 10},
    {snomed("710824005", "Assessment of health and social care needs (procedure)"), EncounterKind::kAmbulatory, 18,
     0, 15},
    {snomed("29303009", "Electrocardiographic procedure (procedure)"), EncounterKind::kAmbulatory, 40,
     kCardiac | kHypertension, 20},
    {snomed("117015009", "Throat culture (procedure)"), EncounterKind::kAmbulatory, 1, 0, 10},
    {snomed("73761001", "Colonoscopy (procedure)"), EncounterKind::kAmbulatory, 45, 0, 60},
    {snomed("23426006", "Measurement of respiratory function (procedure)"), EncounterKind::kAmbulatory, 5, kAsthma,
     20},
    {snomed("29303009", "Electrocardiographic procedure (procedure)"), EncounterKind::kEmergency, 18, 0, 20},
    {snomed("399208008", "Plain chest X-ray (procedure)"), EncounterKind::kEmergency, 1, 0, 20},
    {snomed("274474001", "Bone immobilization (procedure)"), EncounterKind::kEmergency, 3, 0, 30},
    {snomed("399208008", "Plain chest X-ray (procedure)"), EncounterKind::kInpatient, 1, 0, 20},
    {snomed("80146002", "Appendectomy (procedure)"), EncounterKind::kInpatient, 5, 0, 90},
    {snomed("415070008", "Percutaneous coronary intervention (procedure)"), EncounterKind::kInpatient, 40,
     kCardiac, 120},
    {snomed("265764009", "Renal dialysis (procedure)"), EncounterKind::kInpatient, 40, kKidney, 240},
});

constexpr Unit kMgPerDl{"mg/dL", "mg/dL"};
constexpr Unit kGPerDl{"g/dL", "g/dL"};
constexpr Unit kMmolPerL{"mmol/L", "mmol/L"};

constexpr auto kLabs = std::to_array<LabSpec>({
    {Lab::kGlucose, loinc("2345-7", "Glucose [Mass/volume] in Serum or Plasma"), kMgPerDl, 0, 70,
     99},
    {Lab::kHemoglobin, loinc("718-7", "Hemoglobin [Mass/volume] in Blood"), kGPerDl, 1, 120, 175},
    {Lab::kCreatinine, loinc("2160-0", "Creatinine [Mass/volume] in Serum or Plasma"), kMgPerDl, 2,
     60, 130},
    {Lab::kA1c, loinc("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood"), {"%", "%"}, 1, 40, 56},
    {Lab::kCholesterol, loinc("2093-3", "Cholesterol [Mass/volume] in Serum or Plasma"), kMgPerDl,
     0, 100, 199},
    {Lab::kWbc,
     loinc("6690-2", "Leukocytes [#/volume] in Blood by Automated count"),
     {"10*3/uL", "10*3/uL"},
     1,
     45,
     110},
    {Lab::kSodium, loinc("2951-2", "Sodium [Moles/volume] in Serum or Plasma"), kMmolPerL, 0, 136,
     145},
    {Lab::kPotassium, loinc("2823-3", "Potassium [Moles/volume] in Serum or Plasma"), kMmolPerL, 1,
     35, 51},
});

// lab_spec() indexes kLabs by the enum value.
constexpr bool labs_in_enum_order() {
  for (std::size_t i = 0; i < kLabs.size(); ++i) {
    if (static_cast<std::size_t>(kLabs[i].lab) != i) return false;
  }
  return true;
}
static_assert(labs_in_enum_order());

constexpr auto kMetabolic =
    std::to_array<Lab>({Lab::kGlucose, Lab::kCreatinine, Lab::kSodium, Lab::kPotassium});
constexpr auto kBloodCount = std::to_array<Lab>({Lab::kHemoglobin, Lab::kWbc});
constexpr auto kLipids = std::to_array<Lab>({Lab::kCholesterol});
constexpr auto kGlycated = std::to_array<Lab>({Lab::kA1c});

constexpr auto kPanels = std::to_array<PanelSpec>({
    {loinc("24323-8", "Comprehensive metabolic 2000 panel - Serum or Plasma"), kMetabolic},
    {loinc("58410-2", "CBC panel - Blood by Automated count"), kBloodCount},
    {loinc("57698-3", "Lipid panel with direct LDL - Serum or Plasma"), kLipids},
    {loinc("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood"), kGlycated},
});

constexpr auto kDevices = std::to_array<DeviceSpec>({
    {snomed("337414009", "Blood glucose meters (physical object)"), "Home blood glucose meter",
     "Ember Diagnostics", kDiabetes | kPrediabetes},
    {snomed("14106009", "Cardiac pacemaker, device (physical object)"), "Implanted pacemaker",
     "Ember Cardiac Systems", kCardiac},
    {snomed("36965003", "Hemodialysis machine, device (physical object)"),
     "Home hemodialysis machine", "Ember Renal Care", kKidney},
});

constexpr Code kExercise = snomed("229065009", "Exercise therapy (regime/therapy)");

constexpr auto kCarePlans = std::to_array<CarePlanSpec>({
    {snomed("698360004", "Diabetes self management plan (record artifact)"),
     "Diabetes self-management plan", snomed("160670007", "Diabetic diet (finding)"),
     "Hemoglobin A1c total in Blood < 7.0%",
     loinc("4548-4", "Hemoglobin A1c/Hemoglobin.total in Blood"), kDiabetes | kPrediabetes},
    {snomed("443402002", "Lifestyle education regarding hypertension (procedure)"),
     "Hypertension management plan",
     snomed("386463000", "Prescribed activity/exercise education (procedure)"),
     "Systolic blood pressure below 130 mm[Hg]", loinc("8480-6", "Systolic blood pressure"),
     kHypertension},
    {snomed("699728000", "Asthma self management (procedure)"), "Asthma action plan", kExercise,
     "Rescue inhaler needed fewer than two days a week", Code{}, kAsthma},
    {snomed("734163000", "Care plan (record artifact)"), "Lipid management plan", kExercise,
     "Total cholesterol below 200 mg/dL",
     loinc("2093-3", "Cholesterol [Mass/volume] in Serum or Plasma"), kHyperlipidemia},
});

constexpr auto kSmoking = std::to_array<Code>({
    snomed("266919005", "Never smoked tobacco (finding)"),
    snomed("8517006", "Ex-smoker (finding)"),
    snomed("449868002", "Smokes tobacco daily (finding)"),
    snomed("428041000124106", "Occasional tobacco smoker (finding)"),
});

constexpr auto kRaces = std::to_array<Code>({
    {cs::kRaceEthnicity, "2106-3", "White"},
    {cs::kRaceEthnicity, "2054-5", "Black or African American"},
    {cs::kRaceEthnicity, "2028-9", "Asian"},
    {cs::kRaceEthnicity, "1002-5", "American Indian or Alaska Native"},
    {cs::kRaceEthnicity, "2076-8", "Native Hawaiian or Other Pacific Islander"},
});

constexpr auto kEthnicities = std::to_array<Code>({
    {cs::kRaceEthnicity, "2135-2", "Hispanic or Latino"},
    {cs::kRaceEthnicity, "2186-5", "Not Hispanic or Latino"},
});

constexpr auto kNoteTypes = std::to_array<Code>({
    loinc("11506-3", "Progress note"),
    loinc("34117-2", "History and physical note"),
    loinc("18842-5", "Discharge summary"),
});

}  // namespace

std::span<const ConditionSpec> conditions() {
  return kConditions;
}
std::span<const MedicationSpec> medications() {
  return kMedications;
}
std::span<const AllergySpec> allergies() {
  return kAllergies;
}
std::span<const VaccineSpec> vaccines() {
  return kVaccines;
}
std::span<const ProcedureSpec> procedures() {
  return kProcedures;
}
const LabSpec& lab_spec(Lab lab) {
  return kLabs[static_cast<std::size_t>(lab)];
}
std::span<const PanelSpec> panels() {
  return kPanels;
}
std::span<const DeviceSpec> devices() {
  return kDevices;
}
std::span<const CarePlanSpec> care_plans() {
  return kCarePlans;
}
std::span<const Code> smoking_statuses() {
  return kSmoking;
}
std::span<const Code> races() {
  return kRaces;
}
std::span<const Code> ethnicities() {
  return kEthnicities;
}
std::span<const Code> note_types() {
  return kNoteTypes;
}

}  // namespace ember::seed
