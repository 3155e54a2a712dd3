// The shared part of the sample data that every patient points at: a hospital and a clinic with
// their locations, the practitioners (the fixed demo accounts plus generated colleagues) with
// their roles, and the Medication resources that prescriptions reference.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "seed/emitter.h"
#include "seed/prng.h"

namespace ember::seed {

inline constexpr std::string_view kHospitalId = "org-hospital";
inline constexpr std::string_view kClinicId = "org-clinic";
inline constexpr std::string_view kClinicLocationId = "loc-clinic";
inline constexpr std::string_view kEmergencyLocationId = "loc-emergency";
inline constexpr std::string_view kWardLocationId = "loc-ward";
inline constexpr std::string_view kHeartCenterLocationId = "loc-heart-center";
inline constexpr std::string_view kDrJonesPractitionerId = "dr-jones";
inline constexpr std::string_view kNurseLeePractitionerId = "nurse-lee";

enum class Specialty {
  kInternalMedicine,
  kFamilyMedicine,
  kPediatrics,
  kCardiology,
  kEmergency,
  kHospitalist,
  kNursing,
};
inline constexpr std::size_t kSpecialtyCount = 7;

struct StaffMember {
  std::string id;
  std::string name;  // "Dr. Sarah Smith", "Kim Lee, RN"
  Specialty specialty;
  std::string_view organization_id;
  std::string_view location_id;
};

class Directory {
 public:
  const std::vector<StaffMember>& staff() const { return staff_; }
  const StaffMember& find(std::string_view id) const;
  // A member with this specialty; every specialty has at least one.
  const StaffMember& pick(Specialty specialty, Prng& prng) const;
  // Same, among the members that work for `organization_id` (one must exist).
  const StaffMember& pick(Specialty specialty, std::string_view organization_id, Prng& prng) const;
  void add(StaffMember member);

 private:
  std::vector<StaffMember> staff_;
  std::array<std::vector<std::size_t>, kSpecialtyCount> by_specialty_;
};

// A valid NPI: nine digits plus the Luhn check digit computed over the "80840" prefix.
std::string npi(std::uint32_t nine_digits);

// Emits Organizations, Locations, Practitioners, PractitionerRoles and Medications, in that order.
Directory emit_directory(std::uint64_t seed, Emitter& out);

}  // namespace ember::seed
