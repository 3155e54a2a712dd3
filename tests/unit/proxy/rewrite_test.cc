// Rebasing the upstream's URLs to Ember's (and back for request bodies).
#include "proxy/rewrite.h"

#include <gtest/gtest.h>

namespace ember::proxy {
namespace {

namespace bj = boost::json;

constexpr std::string_view kUpstreamBase = "http://10.0.0.5:9090/fhir";
constexpr std::string_view kPublicBase = "https://ember.example/fhir";

TEST(RebaseUrl, OnlyTheBaseFollowedByABoundary) {
  EXPECT_EQ(rebase_url("http://10.0.0.5:9090/fhir", kUpstreamBase, kPublicBase), "https://ember.example/fhir");
  EXPECT_EQ(rebase_url("http://10.0.0.5:9090/fhir/Patient/1", kUpstreamBase, kPublicBase),
            "https://ember.example/fhir/Patient/1");
  EXPECT_EQ(rebase_url("http://10.0.0.5:9090/fhir?_count=1", kUpstreamBase, kPublicBase),
            "https://ember.example/fhir?_count=1");
  EXPECT_EQ(rebase_url("http://10.0.0.5:9090/fhirx/Patient", kUpstreamBase, kPublicBase), std::nullopt);
  EXPECT_EQ(rebase_url("http://10.0.0.5:9091/fhir/Patient", kUpstreamBase, kPublicBase), std::nullopt);
  EXPECT_EQ(rebase_url("Patient/1", kUpstreamBase, kPublicBase), std::nullopt);
  EXPECT_EQ(rebase_url("anything", "", kPublicBase), std::nullopt);
}

TEST(RebaseJson, EveryStringThatIsAnUpstreamUrl) {
  bj::value v = bj::parse(R"({
    "resourceType":"Bundle",
    "link":[{"relation":"next","url":"http://10.0.0.5:9090/fhir/Observation?_offset=20"}],
    "entry":[{"fullUrl":"http://10.0.0.5:9090/fhir/Observation/1",
              "resource":{"resourceType":"Observation","id":"1",
                          "subject":{"reference":"http://10.0.0.5:9090/fhir/Patient/alice"},
                          "note":[{"text":"see http://10.0.0.5:9090/fhir/x"}],
                          "valueQuantity":{"value":1.50}}}]})");
  EXPECT_EQ(rebase_json(v, kUpstreamBase, kPublicBase), 3u);
  EXPECT_EQ(v.at("link").at(0).at("url"), "https://ember.example/fhir/Observation?_offset=20");
  EXPECT_EQ(v.at("entry").at(0).at("fullUrl"), "https://ember.example/fhir/Observation/1");
  EXPECT_EQ(v.at("entry").at(0).at("resource").at("subject").at("reference"),
            "https://ember.example/fhir/Patient/alice");
  // Only whole strings that are URLs under the base; free text is left alone.
  EXPECT_EQ(v.at("entry").at(0).at("resource").at("note").at(0).at("text"),
            "see http://10.0.0.5:9090/fhir/x");
}

TEST(RebaseLinkHeader, EachUriReference) {
  EXPECT_EQ(rebase_link_header(R"(<http://10.0.0.5:9090/fhir/Patient?page=2>; rel="next", )"
                               R"(<https://other.example/x>; rel="help")",
                               kUpstreamBase, kPublicBase),
            R"(<https://ember.example/fhir/Patient?page=2>; rel="next", )"
            R"(<https://other.example/x>; rel="help")");
  EXPECT_EQ(rebase_link_header("no links here", kUpstreamBase, kPublicBase), "no links here");
  EXPECT_EQ(rebase_link_header("<unterminated", kUpstreamBase, kPublicBase), "<unterminated");
}

TEST(WithoutParams, RemovesOneOccurrenceOfEachAddedCriterion) {
  const std::string url =
      "https://ember.example/fhir/Observation?category=laboratory&subject=Patient%2Falice"
      "&_count=20&_offset=20";
  auto out = without_params(url, {{"subject", "Patient/alice"}});
  EXPECT_EQ(out, "https://ember.example/fhir/Observation?category=laboratory&_count=20&_offset=20");
  // The client's own identical parameter survives: only one occurrence is Ember's.
  auto twice =
      without_params("http://e/fhir/Observation?subject=Patient/alice&subject=Patient/alice",
                     {{"subject", "Patient/alice"}});
  EXPECT_EQ(twice, "http://e/fhir/Observation?subject=Patient%2Falice");
  // Nothing to remove: the URL is returned unchanged, byte for byte.
  const std::string plain = "http://e/fhir/Observation?code=a|b&_count=5";
  EXPECT_EQ(without_params(plain, {{"subject", "Patient/alice"}}), plain);
  EXPECT_EQ(without_params("http://e/fhir/Patient?_id=alice", {{"_id", "alice"}}),
            "http://e/fhir/Patient");
}

}  // namespace
}  // namespace ember::proxy
