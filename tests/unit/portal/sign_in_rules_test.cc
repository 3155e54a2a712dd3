// The sign-in page's redirect rule: after signing in, the browser goes to `next` only when it is
// a path of the portal itself, never to another site (no open redirect).
#include <gtest/gtest.h>

#include "portal/chart_model.h"

namespace ember::portal {
namespace {

struct NextCase {
  const char* next;
  const char* expected;
};

TEST(SafeNext, OnlyLocalPortalPaths) {
  const NextCase cases[] = {
      {"/ehr", "/ehr"},
      {"/ehr/patients", "/ehr/patients"},
      {"/ehr/patients/alice?encounter=enc-1&view=window",
       "/ehr/patients/alice?encounter=enc-1&view=window"},
      {"/ehr?x=1", "/ehr?x=1"},
      {"", "/ehr"},
      {"/", "/ehr"},
      {"/oauth/authorize", "/ehr"},          // not the portal
      {"/ehrx", "/ehr"},                     // a sibling path, not the portal
      {"//evil.example/ehr", "/ehr"},        // scheme-relative URL
      {"/ehr//evil.example", "/ehr"},        // "//" anywhere
      {"https://evil.example/ehr", "/ehr"},  // absolute URL
      {"/ehr/\\evil.example", "/ehr"},       // backslash (browsers read it as '/')
      {"/\\evil.example", "/ehr"},
      {"/ehr/\r\nSet-Cookie: x=1", "/ehr"},  // header injection
      {"/ehr/\t", "/ehr"},
      {"javascript:alert(1)", "/ehr"},
      {" /ehr", "/ehr"},
  };
  for (const auto& c : cases) EXPECT_EQ(safe_next(c.next), c.expected) << c.next;
  EXPECT_EQ(safe_next("/ehr/" + std::string(3000, 'a')), "/ehr");  // bounded
}

TEST(PatientIdOf, OnlyPatientReferencesWithValidIds) {
  EXPECT_EQ(patient_id_of("Patient/alice"), "alice");
  EXPECT_EQ(patient_id_of("Patient/p-000002"), "p-000002");
  EXPECT_EQ(patient_id_of("Practitioner/dr-smith"), "");
  EXPECT_EQ(patient_id_of("Patient/"), "");
  EXPECT_EQ(patient_id_of("Patient/../x"), "");
  EXPECT_EQ(patient_id_of("Patient/a/b"), "");
  EXPECT_EQ(patient_id_of(""), "");
}

}  // namespace
}  // namespace ember::portal
