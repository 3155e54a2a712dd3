// The FHIR REST handler end to end in process (no socket): interactions, statuses, headers,
// paging, transactions, decimal preservation. Over-the-wire tests live in tests/e2e/.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "fhir/api.h"
#include "fhir/policy.h"
#include "json/exact.h"
#include "store/sqlite/sqlite_store.h"
#include "../support/memory_store.h"

namespace ember::fhir {
namespace {

namespace bj = boost::json;
namespace bhttp = boost::beast::http;

class RestTest : public test_support::MemoryStoreTest {
 protected:
  void SetUp() override {
    MemoryStoreTest::SetUp();
    if (HasFatalFailure()) return;
    random_ = make_seeded_random(7);
    handler_ = make_fhir_handler(*store_, clock_, *random_, {.base_url = "http://h/fhir"});
  }

  http::Response call(bhttp::verb method, std::string target, std::string body = {},
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::Request req{method, target, 11};
    if (!body.empty()) {
      req.set(bhttp::field::content_type, "application/fhir+json");
      req.body() = std::move(body);
      req.prepare_payload();
    }
    for (auto& [k, v] : headers) req.set(k, v);
    http::RequestContext ctx;
    return handler_(req, ctx);
  }
  static bj::value body_of(const http::Response& r) { return bj::parse(r.body()); }

  std::string create_patient(const std::string& family) {
    auto r = call(bhttp::verb::post, "/fhir/Patient",
                  R"({"resourceType":"Patient","name":[{"family":")" + family +
                      R"(","given":["Ann"]}],"birthDate":"1980-01-02"})");
    EXPECT_EQ(r.result_int(), 201);
    return std::string(body_of(r).at("id").as_string());
  }

  std::unique_ptr<Random> random_;
  http::Handler handler_;
};

TEST_F(RestTest, CreateReadKeepsDecimalsAndSetsMeta) {
  auto r = call(bhttp::verb::post, "/fhir/Observation",
                R"({"resourceType":"Observation","id":"ignored","status":"final",)"
                R"("code":{"text":"x"},"valueQuantity":{"value":1.50,"unit":"mg"}})");
  ASSERT_EQ(r.result_int(), 201);
  std::string loc(r[bhttp::field::location]);
  EXPECT_TRUE(loc.starts_with("http://h/fhir/Observation/")) << loc;
  EXPECT_TRUE(loc.ends_with("/_history/1"));
  EXPECT_EQ(r[bhttp::field::etag], "W/\"1\"");
  EXPECT_NE(r.body().find("\"value\":1.50"), std::string::npos) << r.body();
  auto id = std::string(body_of(r).at("id").as_string());
  EXPECT_NE(id, "ignored");
  auto g = call(bhttp::verb::get, "/fhir/Observation/" + id);
  ASSERT_EQ(g.result_int(), 200);
  EXPECT_NE(g.body().find("\"value\":1.50"), std::string::npos);
  EXPECT_EQ(body_of(g).at("meta").at("versionId"), "1");
  EXPECT_FALSE(std::string(g[bhttp::field::last_modified]).empty());
}

TEST_F(RestTest, ErrorsAreOperationOutcomesWithTheRightStatus) {
  auto expect = [&](http::Response r, int status) {
    EXPECT_EQ(r.result_int(), status) << r.body();
    EXPECT_EQ(body_of(r).at("resourceType"), "OperationOutcome") << r.body();
  };
  expect(call(bhttp::verb::get, "/fhir/Patient/nope"), 404);
  expect(call(bhttp::verb::get, "/fhir/Unicorn/1"), 404);
  expect(call(bhttp::verb::post, "/fhir/Patient", "not json"), 400);
  expect(call(bhttp::verb::post, "/fhir/Patient", R"({"resourceType":"Observation"})"), 400);
  expect(call(bhttp::verb::post, "/fhir/Patient", R"({"resourceType":"Patient","name":[]})"), 422);
  expect(call(bhttp::verb::put, "/fhir/Patient/a", R"({"resourceType":"Patient","id":"b"})"), 400);
  expect(call(bhttp::verb::get, "/fhir/Patient?_format=xml"), 406);
  expect(call(bhttp::verb::get, "/fhir/Patient", {}, {{"Accept", "application/fhir+xml"}}), 406);
  http::Request req{bhttp::verb::post, "/fhir/Patient", 11};
  req.set(bhttp::field::content_type, "application/xml");
  req.body() = "<Patient/>";
  req.prepare_payload();
  http::RequestContext ctx;
  expect(handler_(req, ctx), 415);
  expect(call(bhttp::verb::delete_, "/fhir/Patient"), 405);
  expect(call(bhttp::verb::get, "/fhir/Patient?birthdate=notadate"), 400);
}

TEST_F(RestTest, UpdateVersionsIfMatchDeleteAndHistory) {
  std::string id = create_patient("Smith");
  clock_.advance_ms(1000);
  std::string body = R"({"resourceType":"Patient","id":")" + id + R"(","active":true})";
  auto bad = call(bhttp::verb::put, "/fhir/Patient/" + id, body, {{"If-Match", "W/\"5\""}});
  EXPECT_EQ(bad.result_int(), 412);
  auto ok = call(bhttp::verb::put, "/fhir/Patient/" + id, body, {{"If-Match", "W/\"1\""}});
  ASSERT_EQ(ok.result_int(), 200) << ok.body();
  EXPECT_EQ(ok[bhttp::field::etag], "W/\"2\"");
  auto v1 = call(bhttp::verb::get, "/fhir/Patient/" + id + "/_history/1");
  ASSERT_EQ(v1.result_int(), 200);
  EXPECT_TRUE(body_of(v1).as_object().contains("name"));
  auto created = call(bhttp::verb::put, "/fhir/Patient/client-id",
                      R"({"resourceType":"Patient","id":"client-id"})");
  EXPECT_EQ(created.result_int(), 201);
  auto del = call(bhttp::verb::delete_, "/fhir/Patient/" + id);
  EXPECT_EQ(del.result_int(), 204);
  EXPECT_EQ(call(bhttp::verb::get, "/fhir/Patient/" + id).result_int(), 410);
  auto h = call(bhttp::verb::get, "/fhir/Patient/" + id + "/_history");
  ASSERT_EQ(h.result_int(), 200);
  auto hb = body_of(h);
  EXPECT_EQ(hb.at("type"), "history");
  EXPECT_EQ(hb.at("total").as_int64(), 3);
  EXPECT_EQ(hb.at("entry").as_array()[0].at("request").at("method"), "DELETE");
}

TEST_F(RestTest, JsonPatch) {
  std::string id = create_patient("Patch");
  http::Request req{bhttp::verb::patch, "/fhir/Patient/" + id, 11};
  req.set(bhttp::field::content_type, "application/json-patch+json");
  req.body() = R"([{"op":"replace","path":"/birthDate","value":"1990-05-06"},)"
               R"({"op":"add","path":"/active","value":true}])";
  req.prepare_payload();
  http::RequestContext ctx;
  auto r = handler_(req, ctx);
  ASSERT_EQ(r.result_int(), 200) << r.body();
  auto b = body_of(r);
  EXPECT_EQ(b.at("birthDate"), "1990-05-06");
  EXPECT_EQ(b.at("meta").at("versionId"), "2");
  req.body() = R"([{"op":"replace","path":"/id","value":"other"}])";
  req.prepare_payload();
  EXPECT_EQ(handler_(req, ctx).result_int(), 422);
  req.body() = R"([{"op":"test","path":"/birthDate","value":"2000-01-01"}])";
  req.prepare_payload();
  EXPECT_EQ(handler_(req, ctx).result_int(), 422);
}

TEST_F(RestTest, SearchPagingLinksStayValid) {
  for (int i = 0; i < 7; ++i) create_patient("Page" + std::to_string(i));
  create_patient("Other");
  auto r = call(bhttp::verb::get, "/fhir/Patient?family=page&_count=3");
  ASSERT_EQ(r.result_int(), 200) << r.body();
  auto b = body_of(r);
  EXPECT_EQ(b.at("total").as_int64(), 7);
  EXPECT_EQ(b.at("entry").as_array().size(), 3u);
  std::set<std::string> ids;
  std::string next;
  int pages = 0;
  while (true) {
    ++pages;
    for (auto& e : b.at("entry").as_array())
      ids.insert(std::string(e.at("resource").at("id").as_string()));
    next.clear();
    for (auto& l : b.at("link").as_array()) {
      if (l.at("relation") == "next") next = std::string(l.at("url").as_string());
    }
    if (next.empty() || pages > 5) break;
    ASSERT_TRUE(next.starts_with("http://h/fhir/Patient?"));
    b = body_of(call(bhttp::verb::get, next.substr(std::string("http://h").size())));
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(ids.size(), 7u);
  auto count = body_of(call(bhttp::verb::get, "/fhir/Patient?_summary=count"));
  EXPECT_EQ(count.at("total").as_int64(), 8);
  EXPECT_FALSE(count.as_object().contains("entry"));
}

TEST_F(RestTest, IncludeAndRevinclude) {
  std::string pid = create_patient("Inc");
  auto o = call(bhttp::verb::post, "/fhir/Observation",
                R"({"resourceType":"Observation","status":"final","code":{"text":"x"},)"
                R"("subject":{"reference":"Patient/)" +
                    pid + R"("}})");
  ASSERT_EQ(o.result_int(), 201);
  auto r = body_of(call(bhttp::verb::get, "/fhir/Observation?subject=Patient/" + pid +
                                              "&_include=Observation:subject"));
  ASSERT_EQ(r.at("entry").as_array().size(), 2u);
  EXPECT_EQ(r.at("entry").as_array()[1].at("search").at("mode"), "include");
  auto rev = body_of(
      call(bhttp::verb::get, "/fhir/Patient?_id=" + pid + "&_revinclude=Observation:subject"));
  ASSERT_EQ(rev.at("entry").as_array().size(), 2u);
}

TEST_F(RestTest, TransactionResolvesReferencesAndIsAtomic) {
  std::string tx = R"({"resourceType":"Bundle","type":"transaction","entry":[
    {"fullUrl":"urn:uuid:11111111-1111-1111-1111-111111111111",
     "resource":{"resourceType":"Patient","name":[{"family":"Tx"}]},
     "request":{"method":"POST","url":"Patient"}},
    {"resource":{"resourceType":"Observation","status":"final","code":{"text":"t"},
      "subject":{"reference":"urn:uuid:11111111-1111-1111-1111-111111111111"},
      "valueQuantity":{"value":2.50}},
     "request":{"method":"POST","url":"Observation"}}]})";
  auto r = call(bhttp::verb::post, "/fhir", tx);
  ASSERT_EQ(r.result_int(), 200) << r.body();
  auto b = body_of(r);
  EXPECT_EQ(b.at("type"), "transaction-response");
  auto& entries = b.at("entry").as_array();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].at("response").at("status"), "201 Created");
  std::string pid(entries[0].at("resource").at("id").as_string());
  EXPECT_EQ(entries[1].at("resource").at("subject").at("reference").as_string(),
            ("Patient/" + pid).c_str());
  EXPECT_NE(r.body().find("\"value\":2.50"), std::string::npos);

  // One bad entry: nothing is written.
  auto before = body_of(call(bhttp::verb::get, "/fhir/Patient?_summary=count")).at("total");
  std::string bad = R"({"resourceType":"Bundle","type":"transaction","entry":[
    {"resource":{"resourceType":"Patient"},"request":{"method":"POST","url":"Patient"}},
    {"resource":{"resourceType":"Patient","id":"x"},"request":{"method":"PUT","url":"Patient/x"},
     "fullUrl":"x"},
    {"resource":{"resourceType":"Patient","id":"y"},"request":{"method":"PUT","url":"Patient/y","ifMatch":"W/\"9\""}}]})";
  auto rb = call(bhttp::verb::post, "/fhir", bad);
  EXPECT_EQ(rb.result_int(), 412) << rb.body();
  auto after = body_of(call(bhttp::verb::get, "/fhir/Patient?_summary=count")).at("total");
  EXPECT_EQ(before, after);
  EXPECT_EQ(call(bhttp::verb::get, "/fhir/Patient/x").result_int(), 404);
}

TEST_F(RestTest, BatchReportsEachEntry) {
  std::string batch = R"({"resourceType":"Bundle","type":"batch","entry":[
    {"resource":{"resourceType":"Patient"},"request":{"method":"POST","url":"Patient"}},
    {"request":{"method":"GET","url":"Patient/missing"}}]})";
  auto r = call(bhttp::verb::post, "/fhir", batch);
  ASSERT_EQ(r.result_int(), 200) << r.body();
  auto rb = body_of(r);
  auto& e = rb.at("entry").as_array();
  EXPECT_EQ(e[0].at("response").at("status"), "201 Created");
  EXPECT_EQ(e[1].at("response").at("status"), "404");
}

TEST_F(RestTest, MetadataIsACapabilityStatement) {
  auto r = call(bhttp::verb::get, "/fhir/metadata");
  ASSERT_EQ(r.result_int(), 200);
  auto b = body_of(r);
  EXPECT_EQ(b.at("resourceType"), "CapabilityStatement");
  EXPECT_EQ(b.at("fhirVersion"), "4.0.1");
  bool has_obs = false;
  for (auto& res : b.at("rest").as_array()[0].at("resource").as_array()) {
    if (res.at("type") == "Observation") {
      has_obs = true;
      bool has_code = false;
      for (auto& p : res.at("searchParam").as_array()) has_code |= p.at("name") == "code";
      EXPECT_TRUE(has_code);
    }
  }
  EXPECT_TRUE(has_obs);
}

// A policy confined to one patient's compartment, as SMART patient/ scopes will be.
class CompartmentPolicy final : public AccessPolicy {
 public:
  explicit CompartmentPolicy(std::string pid) : pid_(std::move(pid)) {}
  Result<void, FhirError> allow(Interaction, std::string_view) const override { return {}; }
  std::vector<store::Clause> constraints(Interaction, std::string_view type) const override {
    store::Predicate p;
    if (type == "Patient") {
      p.param = "_id";
      p.code = pid_;
    } else {
      p.param = "subject";
      p.type = store::ParamType::Reference;
      p.target_type = "Patient";
      p.target_id = pid_;
    }
    return {store::Clause{{p}}};
  }
  bool unrestricted() const override { return false; }

 private:
  std::string pid_;
};

TEST_F(RestTest, PolicyConstraintsApplyInsideQueries) {
  std::string a = create_patient("A");
  std::string b = create_patient("B");
  for (const auto& pid : {a, b}) {
    call(bhttp::verb::post, "/fhir/Observation",
         R"({"resourceType":"Observation","status":"final","code":{"text":"x"},)"
         R"("subject":{"reference":"Patient/)" +
             pid + R"("}})");
  }
  auto policy = std::make_shared<CompartmentPolicy>(a);
  handler_ = make_fhir_handler(
      *store_, clock_, *random_,
      {.base_url = "http://h/fhir",
       .authorizer = [policy](const http::Request&)
           -> Result<std::shared_ptr<const AccessPolicy>, FhirError> { return policy; }});
  auto all = body_of(call(bhttp::verb::get, "/fhir/Observation"));
  EXPECT_EQ(all.at("total").as_int64(), 1);
  EXPECT_EQ(call(bhttp::verb::get, "/fhir/Patient/" + b).result_int(), 403);
  EXPECT_EQ(call(bhttp::verb::get, "/fhir/Patient/" + a).result_int(), 200);
  auto w = call(bhttp::verb::post, "/fhir/Observation",
                R"({"resourceType":"Observation","status":"final","code":{"text":"x"},)"
                R"("subject":{"reference":"Patient/)" +
                    b + R"("}})");
  EXPECT_EQ(w.result_int(), 403);
  auto inc = body_of(call(bhttp::verb::get, "/fhir/Observation?_include=Observation:subject"));
  EXPECT_EQ(inc.at("entry").as_array().size(), 2u);
}

}  // namespace
}  // namespace ember::fhir
