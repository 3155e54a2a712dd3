// Per-encounter and per-patient clinical records other than observations: procedures done at
// an encounter, immunizations given at ambulatory visits (CVX, by age), and allergies and
// intolerances (about 40% of patients; Alice always has a penicillin allergy).
#pragma once
#include "seed/emitter.h"
#include "seed/patient_plan.h"
#include "seed/prng.h"

namespace ember::seed {

// Counters number the patient's records of a kind across its encounters.
struct ClinicalCounters {
  int procedures = 0;
  int immunizations = 0;
  std::uint32_t vaccines_given = 0;  // bit i: vaccines()[i] already given (influenza may repeat)
};

void emit_procedures(const PatientPlan& plan, std::size_t encounter, ClinicalCounters& counters,
                     Prng& prng, Emitter& out);
void emit_immunizations(const PatientPlan& plan, std::size_t encounter, ClinicalCounters& counters,
                        Prng& prng, Emitter& out);
void emit_allergies(const PatientPlan& plan, Prng& prng, Emitter& out);

}  // namespace ember::seed
