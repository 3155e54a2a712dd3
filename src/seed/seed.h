// Deterministic synthetic sample data: patients with encounters, vitals, labs, conditions,
// medications, allergies, immunizations, procedures and reports; practitioners and
// organizations. The same options always produce the same resources (ids included).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace ember::seed {

// Fixed ids other modules rely on (demo accounts link to these).
inline constexpr std::string_view kAlicePatientId = "alice";
inline constexpr std::string_view kDrSmithPractitionerId = "dr-smith";

struct SeedOptions {
  int patients = 25;
  std::uint64_t seed = 1;
};

// Receives each generated resource, in dependency order (organizations and practitioners first,
// then each patient followed by everything that points at it). `json` has resourceType and id
// but no meta: the writer stamps meta.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void put(std::string_view type, std::string_view id, std::string json) = 0;
};

struct SeedStats {
  std::size_t resources = 0;
  std::size_t patients = 0;
};

// progress(done_patients, total_patients) is called now and then; may be empty.
SeedStats generate(const SeedOptions& options, Sink& sink,
                   const std::function<void(int done, int total)>& progress = {});

}  // namespace ember::seed
