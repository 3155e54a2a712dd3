// Encounters: 2–6 visits per patient over the five years before the reference day, each an
// ambulatory visit, an emergency visit or an inpatient stay with its practitioner, location and
// service provider. The most recent one may still be in progress on the reference day.
#pragma once
#include "seed/directory.h"
#include "seed/emitter.h"
#include "seed/patient_plan.h"
#include "seed/prng.h"

namespace ember::seed {

// Fills plan.encounters (sorted by start). Uses plan.traits, so conditions are chosen first.
void plan_encounters(PatientPlan& plan, Prng& prng, const Directory& directory);
// Writes the planned encounters; a reasonCode names the condition diagnosed there, if any.
void emit_encounters(const PatientPlan& plan, Emitter& out);

}  // namespace ember::seed
