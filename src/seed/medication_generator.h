// MedicationRequests: each treatable condition gets an RxNorm prescription from the encounter
// where it was diagnosed — long-term drugs stay active, short courses are completed. Drugs that
// have a Medication resource (directory.cc) are referenced instead of coded inline.
#pragma once
#include "seed/emitter.h"
#include "seed/patient_plan.h"
#include "seed/prng.h"

namespace ember::seed {

void emit_medication_requests(const PatientPlan& plan, Prng& prng, Emitter& out);

}  // namespace ember::seed
