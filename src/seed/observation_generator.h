// Observations and lab reports: a vital-signs set at every encounter (LOINC, UCUM, values by age
// and traits), laboratory panels with reference ranges and H/L/N interpretations grouped under
// DiagnosticReports, and one tobacco smoking status per patient.
#pragma once
#include "seed/emitter.h"
#include "seed/patient_plan.h"
#include "seed/prng.h"

namespace ember::seed {

void emit_vital_signs(PatientPlan& plan, std::size_t encounter, Prng& prng, Emitter& out);
// Lab Observations followed by the DiagnosticReport of each panel; nothing unless e.labs.
// `reports` numbers the patient's reports across encounters.
void emit_labs(PatientPlan& plan, std::size_t encounter, int& reports, Prng& prng, Emitter& out);
void emit_smoking_status(PatientPlan& plan, Prng& prng, Emitter& out);

}  // namespace ember::seed
