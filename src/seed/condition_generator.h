// Conditions: 1–4 per patient, drawn by age and weight from the vocabulary. Chronic ones become
// active problem-list items (their traits steer labs, medications and plans); acute ones are
// encounter diagnoses that resolve after a few weeks unless they are recent.
#pragma once
#include "seed/emitter.h"
#include "seed/patient_plan.h"
#include "seed/prng.h"

namespace ember::seed {

// Picks the conditions and sets plan.traits; runs before plan_encounters.
void choose_conditions(PatientPlan& plan, Prng& prng);
// Ties each condition to an encounter and dates it; runs after plan_encounters.
void place_conditions(PatientPlan& plan, Prng& prng);
void emit_conditions(const PatientPlan& plan, Emitter& out);

}  // namespace ember::seed
