// Every emitted resource is valid JSON with the put() type and id, ids are unique and well
// formed, and every reference names a resource emitted before it (dependency order).
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include "json/exact.h"
#include "seed_test_support.h"

namespace ember::seed {
namespace {

using testing::run;

TEST(SeedStructure, EveryResourceParsesAndMatchesItsPutArguments) {
  for (const auto& p : run(30, 11)) {
    auto v = json::parse_exact(p.json);
    ASSERT_TRUE(v.has_value()) << p.type << "/" << p.id << ": " << v.error().message;
    ASSERT_TRUE(v->is_object());
    const auto& o = v->as_object();
    EXPECT_EQ(json::get_string(o, "resourceType"), p.type);
    EXPECT_EQ(json::get_string(o, "id"), p.id);
    EXPECT_FALSE(o.contains("meta")) << "the writer stamps meta";
    // Round trip through the exact DOM keeps the text byte for byte (decimals included).
    EXPECT_EQ(json::serialize_exact(*v), p.json);
  }
}

TEST(SeedStructure, IdsAreUniqueAndValidFhirIds) {
  const std::regex fhir_id("[A-Za-z0-9\\-\\.]{1,64}");
  std::set<std::string> seen;
  for (const auto& p : run(30, 12)) {
    EXPECT_TRUE(std::regex_match(p.id, fhir_id)) << p.id;
    EXPECT_TRUE(seen.insert(p.type + "/" + p.id).second) << "duplicate " << p.type << "/" << p.id;
  }
}

TEST(SeedStructure, ReferencesResolveToEarlierResources) {
  std::set<std::string> emitted;
  std::size_t references = 0;
  for (const auto& p : run(60, 13)) {
    auto v = json::parse_exact(p.json);
    ASSERT_TRUE(v.has_value());
    testing::for_each_reference(*v, [&](std::string_view ref) {
      ++references;
      EXPECT_TRUE(emitted.contains(std::string(ref)))
          << p.type << "/" << p.id << " refers to " << ref << " which was not emitted before it";
    });
    emitted.insert(p.type + "/" + p.id);
  }
  EXPECT_GT(references, 1000u);
}

TEST(SeedStructure, SharedResourcesComeFirstInDependencyOrder) {
  const auto puts = run(3);
  const std::vector<std::string> order = {"Organization",     "Location",   "Practitioner",
                                          "PractitionerRole", "Medication", "Patient"};
  std::size_t stage = 0;
  for (const auto& p : puts) {
    if (stage + 1 < order.size() && p.type == order[stage + 1]) ++stage;
    if (p.type == "Patient") break;
    EXPECT_EQ(p.type, order[stage]) << p.id;
  }
  EXPECT_EQ(stage, order.size() - 1);
}

TEST(SeedStructure, DecimalsKeepFixedPrecision) {
  // Creatinine has two decimals; some values end in 0 and must keep it (e.g. 1.50).
  bool saw_trailing_zero = false;
  for (const auto& p : run(60, 14)) {
    if (p.type != "Observation" || p.json.find("\"2160-0\"") == std::string::npos) continue;
    const auto at = p.json.find("\"valueQuantity\":{\"value\":");
    ASSERT_NE(at, std::string::npos);
    const std::string value = p.json.substr(at + 26, p.json.find(',', at + 26) - at - 26);
    EXPECT_EQ(value.size() - value.find('.'), 3u) << value;
    if (value.back() == '0') saw_trailing_zero = true;
  }
  EXPECT_TRUE(saw_trailing_zero);
}

}  // namespace
}  // namespace ember::seed
