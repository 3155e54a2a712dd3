// Checking upstream resources and Bundles against a policy, as the built-in store would.
#include "proxy/enforce.h"

#include <gtest/gtest.h>

#include "test_policy.h"

namespace ember::proxy {
namespace {

namespace bj = boost::json;
using testing::compartment_clause;
using testing::TestPolicy;

bj::object obs(const std::string& id, const std::string& subject,
               const std::string& category = "laboratory") {
  return bj::
      parse(R"({"resourceType":"Observation","id":")" + id +
            R"(","status":"final","code":{"text":"x"},"subject":{"reference":")" + subject +
            R"("},"category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":")" +
            category + R"("}]}]})")
          .as_object();
}

TEST(Admits, PatientCompartment) {
  auto c = std::vector<store::Clause>{compartment_clause("Observation", "alice")};
  EXPECT_TRUE(admits("Observation", obs("1", "Patient/alice"), c));
  EXPECT_FALSE(admits("Observation", obs("2", "Patient/bob"), c));
  // Absolute references name the patient too.
  EXPECT_TRUE(admits("Observation", obs("3", "http://up/fhir/Patient/alice"), c));
  // The compartment is subject OR performer.
  auto perf =
      bj::parse(
          R"({"resourceType":"Observation","id":"4","status":"final","code":{"text":"x"},)"
          R"("subject":{"reference":"Patient/bob"},"performer":[{"reference":"Patient/alice"}]})")
          .as_object();
  EXPECT_TRUE(admits("Observation", perf, c));
  auto alice = bj::parse(R"({"resourceType":"Patient","id":"alice"})").as_object();
  auto bob = bj::parse(R"({"resourceType":"Patient","id":"bob"})").as_object();
  auto pc = std::vector<store::Clause>{compartment_clause("Patient", "alice")};
  EXPECT_TRUE(admits("Patient", alice, pc));
  EXPECT_FALSE(admits("Patient", bob, pc));
  EXPECT_TRUE(admits("Patient", bob, {}));  // no constraints
}

TEST(Admits, GranularFilter) {
  TestPolicy p("alice");
  p.filter("Observation", "category",
           "http://terminology.hl7.org/CodeSystem/observation-category|laboratory");
  auto c = p.constraints(fhir::Interaction::Read, "Observation");
  EXPECT_TRUE(admits("Observation", obs("1", "Patient/alice"), c));
  EXPECT_FALSE(admits("Observation", obs("2", "Patient/alice", "vital-signs"), c));
  EXPECT_FALSE(admits("Observation", obs("3", "Patient/bob"), c));
}

bj::object searchset(bj::array entries) {
  return bj::object{{"resourceType", "Bundle"},
                    {"type", "searchset"},
                    {"total", 9},
                    {"entry", std::move(entries)}};
}

bj::object entry(bj::object resource, const char* mode) {
  bj::object e{{"resource", std::move(resource)}};
  if (mode != nullptr) e["search"] = bj::object{{"mode", mode}};
  return e;
}

TEST(FilterSearchset, DropsMatchesOutsideAndIncludesNotGranted) {
  TestPolicy p("alice", {"Observation", "Patient"});
  auto b = searchset(bj::array{
      entry(obs("1", "Patient/alice"), "match"),
      entry(obs("2", "Patient/bob"), "match"),
      entry(obs("3", "Patient/alice"), nullptr),  // no mode: a match by its type
      entry(bj::parse(R"({"resourceType":"Patient","id":"alice"})").as_object(), "include"),
      entry(bj::parse(R"({"resourceType":"Patient","id":"bob"})").as_object(), "include"),
      entry(bj::parse(R"({"resourceType":"Practitioner","id":"dr"})").as_object(), "include"),
      entry(bj::parse(R"({"resourceType":"OperationOutcome","issue":[]})").as_object(), "outcome"),
      entry(bj::parse(R"({"resourceType":"Patient","id":"alice"})").as_object(), "match"),
  });
  b["entry"].as_array().push_back(bj::object{{"fullUrl", "x"}});  // no resource
  auto check = filter_searchset(b, p, "Observation");
  EXPECT_EQ(check.matches_dropped, 2u);  // Observation/2 (bob), Patient/alice as a match
  EXPECT_EQ(check.others_dropped, 3u);   // Patient/bob, Practitioner, the entry without resource
  std::vector<std::string> kept;
  for (auto& e : b.at("entry").as_array()) {
    auto& r = e.at("resource").as_object();
    kept.push_back(std::string(r.at("resourceType").as_string()) +
                   (r.contains("id") ? "/" + std::string(r.at("id").as_string()) : ""));
  }
  EXPECT_EQ(kept, (std::vector<std::string>{"Observation/1", "Observation/3", "Patient/alice",
                                            "OperationOutcome"}));
}

TEST(FilterSearchset, AllDroppedLeavesNoEntryArray) {
  TestPolicy p("alice");
  auto b = searchset(bj::array{entry(obs("2", "Patient/bob"), "match")});
  EXPECT_EQ(filter_searchset(b, p, "Observation").matches_dropped, 1u);
  EXPECT_FALSE(b.contains("entry"));
}

TEST(FilterHistory, OnlyTheResourceAskedFor) {
  bj::object b{
      {"resourceType", "Bundle"},
      {"type", "history"},
      {"entry",
       bj::array{
           bj::object{{"resource", obs("1", "Patient/alice")}},
           bj::object{{"resource", obs("2", "Patient/alice")}},
           bj::object{{"request", bj::object{{"method", "DELETE"}, {"url", "Observation/1"}}}},
           bj::object{{"request", bj::object{{"method", "DELETE"}, {"url", "Observation/2"}}}},
       }}};
  bj::object copy = b;
  EXPECT_EQ(filter_history(b, "Observation", std::string("1")), 2u);
  EXPECT_EQ(b.at("entry").as_array().size(), 2u);
  EXPECT_EQ(filter_history(copy, "Observation", std::nullopt), 0u);
  EXPECT_EQ(filter_history(copy, "Patient", std::nullopt), 4u);
}

TEST(SubsetElements, KeepsListedAndMandatoryAndTags) {
  auto o = obs("1", "Patient/alice");
  subset_elements(o, {"status"});
  EXPECT_TRUE(o.contains("status"));
  EXPECT_TRUE(o.contains("id"));
  EXPECT_FALSE(o.contains("subject"));
  EXPECT_EQ(o.at("meta").at("tag").at(0).at("code"), "SUBSETTED");
}

}  // namespace
}  // namespace ember::proxy
