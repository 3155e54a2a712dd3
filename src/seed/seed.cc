#include "seed/seed.h"

#include <algorithm>

#include "seed/care_generator.h"
#include "seed/clinical_generator.h"
#include "seed/condition_generator.h"
#include "seed/directory.h"
#include "seed/emitter.h"
#include "seed/encounter_generator.h"
#include "seed/medication_generator.h"
#include "seed/observation_generator.h"
#include "seed/patient_generator.h"
#include "seed/prng.h"

namespace ember::seed {

namespace {

// Everything about one patient, in dependency order: the patient, its encounters, the conditions
// diagnosed at them, per-encounter records, then records that point at conditions or the patient.
void generate_patient(int number, std::uint64_t seed, const Directory& directory, Emitter& out) {
  Prng prng = Prng::stream(seed, static_cast<std::uint64_t>(number));
  PatientPlan plan = plan_patient(number, prng, directory);
  choose_conditions(plan, prng);
  plan_encounters(plan, prng, directory);
  place_conditions(plan, prng);

  emit_patient(plan, prng, out);
  emit_encounters(plan, out);
  emit_conditions(plan, out);
  int reports = 0;
  ClinicalCounters counters;
  for (std::size_t i = 0; i < plan.encounters.size(); ++i) {
    emit_vital_signs(plan, i, prng, out);
    emit_labs(plan, i, reports, prng, out);
    emit_procedures(plan, i, counters, prng, out);
    emit_immunizations(plan, i, counters, prng, out);
  }
  emit_smoking_status(plan, prng, out);
  emit_medication_requests(plan, prng, out);
  emit_allergies(plan, prng, out);
  emit_devices(plan, prng, out);
  emit_care_plans(plan, prng, out);
  emit_document(plan, prng, out);
  emit_provenance(plan, prng, out);
}

}  // namespace

SeedStats generate(const SeedOptions& options, Sink& sink,
                   const std::function<void(int done, int total)>& progress) {
  Emitter out(sink);
  const Directory directory = emit_directory(options.seed, out);
  const int total = std::max(0, options.patients);
  const int step = std::max(1, total / 100);
  for (int i = 0; i < total; ++i) {
    generate_patient(i + 1, options.seed, directory, out);
    const int done = i + 1;
    if (progress && (done % step == 0 || done == total)) progress(done, total);
  }
  if (progress && total == 0) progress(0, 0);
  return SeedStats{out.count(), static_cast<std::size_t>(total)};
}

}  // namespace ember::seed
