// Patients: demographics planned from the patient's own random stream, then written as a FHIR
// Patient with an MRN, US-style address and telecom, optional US Core race/ethnicity extensions,
// managingOrganization and generalPractitioner. Patient number 1 is always Alice Carter.
#pragma once
#include "seed/directory.h"
#include "seed/emitter.h"
#include "seed/patient_plan.h"
#include "seed/prng.h"

namespace ember::seed {

// Demographics for patient `number` (1-based).
PatientPlan plan_patient(int number, Prng& prng, const Directory& directory);
void emit_patient(const PatientPlan& plan, Prng& prng, Emitter& out);

}  // namespace ember::seed
