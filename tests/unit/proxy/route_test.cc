// Request classification: the same paths, 404s and 405s as the built-in handler.
#include "proxy/route.h"

#include <gtest/gtest.h>

namespace ember::proxy {
namespace {

using bhttp::verb;

TEST(SplitPath, NonEmptySegments) {
  EXPECT_EQ(split_path("/Patient/1/"), (std::vector<std::string>{"Patient", "1"}));
  EXPECT_TRUE(split_path("/").empty());
  EXPECT_TRUE(split_path("").empty());
}

TEST(Classify, Table) {
  struct Case {
    verb method;
    std::string path;
    Kind kind;
  };
  const std::vector<Case> cases = {
      {verb::post, "", Kind::Batch},
      {verb::get, "/metadata", Kind::Metadata},
      {verb::head, "/metadata", Kind::Metadata},
      {verb::get, "/_history", Kind::SystemHistory},
      {verb::get, "/Observation", Kind::Search},
      {verb::post, "/Observation/_search", Kind::SearchPost},
      {verb::post, "/Observation", Kind::Create},
      {verb::get, "/Observation/1", Kind::Read},
      {verb::put, "/Observation/1", Kind::Update},
      {verb::patch, "/Observation/1", Kind::Patch},
      {verb::delete_, "/Observation/1", Kind::Delete},
      {verb::get, "/Observation/_history", Kind::TypeHistory},
      {verb::get, "/Observation/1/_history", Kind::InstanceHistory},
      {verb::get, "/Observation/1/_history/2", Kind::VRead},
      {verb::get, "/$export", Kind::Operation},
      {verb::post, "/Patient/$match", Kind::Operation},
      {verb::get, "/Patient/1/$everything", Kind::Operation},
  };
  for (const auto& c : cases) {
    auto r = classify(c.method, split_path(c.path));
    ASSERT_TRUE(r) << c.path << ": " << r.error().message;
    EXPECT_EQ(r->kind, c.kind) << c.path;
  }
  auto vr = classify(verb::get, split_path("/Observation/1/_history/2"));
  EXPECT_EQ(vr->type, "Observation");
  EXPECT_EQ(vr->id, "1");
  EXPECT_EQ(vr->vid, "2");
  EXPECT_EQ(classify(verb::get, split_path("/Patient/1/$everything"))->operation, "$everything");
}

TEST(Classify, ErrorsMatchTheBuiltInHandler) {
  struct Case {
    verb method;
    std::string path;
    int status;
    std::string allow;
  };
  const std::vector<Case> cases = {
      {verb::get, "", 405, "POST"},
      {verb::post, "/metadata", 405, "GET"},
      {verb::get, "/NotAType", 404, ""},
      {verb::delete_, "/Observation", 405, "GET, POST"},
      {verb::get, "/Observation/_search", 405, "POST"},
      {verb::post, "/Observation/1", 405, "GET, PUT, PATCH, DELETE"},
      {verb::get, "/Observation/bad$id!", 404, ""},
      {verb::post, "/Observation/1/_history", 405, "GET"},
      {verb::get, "/Observation/1/x", 404, ""},
      {verb::get, "/Observation/1/_history/2/3", 404, ""},
      {verb::put, "/Patient/$match", 405, "GET, POST"},
  };
  for (const auto& c : cases) {
    auto r = classify(c.method, split_path(c.path));
    ASSERT_FALSE(r) << c.path;
    EXPECT_EQ(r.error().status, c.status) << c.path;
    EXPECT_EQ(r.error().allow, c.allow) << c.path;
  }
}

TEST(InteractionOf, ScopeLetters) {
  Route r;
  r.kind = Kind::Operation;
  EXPECT_EQ(interaction_of(r, verb::get), fhir::Interaction::Read);
  EXPECT_EQ(interaction_of(r, verb::post), fhir::Interaction::Create);
  r.kind = Kind::SearchPost;
  EXPECT_EQ(interaction_of(r, verb::post), fhir::Interaction::SearchType);
}

}  // namespace
}  // namespace ember::proxy
