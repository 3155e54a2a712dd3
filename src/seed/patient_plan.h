// The plan of one patient's records while they are generated: demographics, encounters and
// conditions that later records point at. Each generator reads it so that every reference it
// writes names a resource that is (or was already) emitted.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "seed/dates.h"
#include "seed/directory.h"
#include "seed/vocabulary.h"

namespace ember::seed {

struct EncounterPlan {
  std::string id;
  EncounterKind kind = EncounterKind::kAmbulatory;
  Code type;
  Moment start;
  Moment end;  // unused while in progress
  bool in_progress = false;
  const StaffMember* practitioner = nullptr;
  const StaffMember* nurse = nullptr;  // may be null
  std::string_view organization_id;
  std::string_view location_id;
  bool labs = false;
  std::string start_text;
  std::string end_text;  // empty while in progress
};

struct ConditionPlan {
  std::string id;
  const ConditionSpec* spec = nullptr;
  std::size_t encounter = 0;  // index into PatientPlan::encounters where it was diagnosed
  std::int64_t onset_day = 0;
  bool resolved = false;
  std::int64_t abatement_day = 0;
};

struct PatientPlan {
  int number = 0;    // 1-based; Alice is 1
  std::string id;    // "alice", "p-000002"
  std::string key;   // "000002": the part every record id of this patient shares
  std::string mrn;   // "MRN-000002"
  std::string name;  // "Alice Carter"
  std::string given;
  std::string family;
  std::string gender;  // FHIR administrative gender
  std::int64_t birth_day = 0;
  int age = 0;
  const StaffMember* gp = nullptr;
  bool alice = false;
  std::uint32_t traits = 0;
  int height_permille = 1000;  // this person's height relative to the typical one
  int bmi_tenths = 240;        // baseline body-mass index, in 0.1 kg/m2

  std::vector<EncounterPlan> encounters;
  std::vector<ConditionPlan> conditions;
  int observations = 0;  // counter behind obs-KEY-NNNN

  int age_at(std::int64_t day) const { return age_on(birth_day, day); }
  // Id for the n-th (1-based) record of a kind: record_id("enc", 3) = "enc-000002-03".
  std::string record_id(std::string_view prefix, int n, int width = 2) const;
  std::string next_observation_id() { return record_id("obs", ++observations, 4); }
};

// Zero-padded decimal: padded(7, 3) = "007"; wider numbers are written in full.
std::string padded(int value, int width);

}  // namespace ember::seed
