// Care coordination records for a subset of patients (always for Alice): Devices for chronic
// traits, Goals + a CareTeam + CarePlans for managed conditions, a DocumentReference carrying a
// short text/plain note, and a Provenance for the patient's problem list.
#pragma once
#include "seed/emitter.h"
#include "seed/patient_plan.h"
#include "seed/prng.h"

namespace ember::seed {

void emit_devices(const PatientPlan& plan, Prng& prng, Emitter& out);
void emit_care_plans(const PatientPlan& plan, Prng& prng, Emitter& out);
void emit_document(const PatientPlan& plan, Prng& prng, Emitter& out);
void emit_provenance(const PatientPlan& plan, Prng& prng, Emitter& out);

}  // namespace ember::seed
