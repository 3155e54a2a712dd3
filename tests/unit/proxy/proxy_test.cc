// The proxy handler end to end in process: a fake transport stands for the upstream server, so
// every flow (what is sent, what is refused before anything is sent, what comes back) is
// checked without sockets. Over-the-wire tests are tests/e2e/proxy.test.js.
#include "proxy/proxy.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <deque>

#include "http/headers.h"
#include "test_policy.h"

namespace ember::proxy {
namespace {

namespace bj = boost::json;
namespace bhttp = boost::beast::http;
using bhttp::verb;
using testing::TestPolicy;

constexpr const char* kUp = "http://up:9/fhir";
constexpr const char* kEmber = "https://ember.example/fhir";

struct Canned {
  unsigned status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

class ProxyTest : public ::testing::Test {
 protected:
  void use(std::shared_ptr<const fhir::AccessPolicy> policy) {
    policy_ = std::move(policy);
    ProxyOptions o;
    o.base_url = kEmber;
    o.upstream_url = kUp;
    o.authorizer = [this](const http::Request& req)
        -> Result<std::shared_ptr<const fhir::AccessPolicy>, fhir::FhirError> {
      if (req.find(bhttp::field::authorization) == req.end()) {
        fhir::FhirError e{401, "login", "an access token is required"};
        e.www_authenticate = "Bearer realm=\"ember\"";
        return fail(e);
      }
      return policy_;
    };
    o.security.authorize = "https://ember.example/oauth/authorize";
    o.security.token = "https://ember.example/oauth/token";
    o.fetch =
        [this](const http::ClientRequest& r) -> Result<http::ClientResponse, http::ClientError> {
      sent_.push_back(r);
      if (failure_) return fail(*failure_);
      if (answers_.empty())
        return fail(http::ClientError{http::ClientErrc::Io, "no answer queued"});
      Canned c = std::move(answers_.front());
      answers_.pop_front();
      http::ClientResponse res;
      res.status = c.status;
      res.body = std::move(c.body);
      for (auto& [k, v] : c.headers) res.headers.insert(k, v);
      return res;
    };
    handler_ = make_proxy_handler(std::move(o));
  }
  void SetUp() override { use(std::make_shared<TestPolicy>("alice")); }

  void answer(unsigned status, std::string body,
              std::vector<std::pair<std::string, std::string>> headers = {}) {
    answers_.push_back({status, std::move(body), std::move(headers)});
  }

  http::Response call(verb method, std::string target, std::string body = {},
                      std::string content_type = "application/fhir+json",
                      std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::Request req{method, "/fhir" + target, 11};
    req.set(bhttp::field::authorization, "Bearer token-of-the-client");
    req.set(bhttp::field::cookie, "sid=secret");
    req.set(bhttp::field::connection, "keep-alive, X-Hop");
    for (auto& [k, v] : headers) req.set(k, v);
    if (!body.empty()) {
      req.set(bhttp::field::content_type, content_type);
      req.body() = std::move(body);
      req.prepare_payload();
    }
    http::RequestContext ctx;
    ctx.request_id = "req-1";
    return handler_(req, ctx);
  }

  static bj::value json(const http::Response& r) { return bj::parse(r.body()); }
  static std::string header_of(const http::ClientRequest& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
      if (http::iequals(k, name)) return v;
    }
    return "";
  }

  static std::string obs(const std::string& id, const std::string& patient,
                         const std::string& category = "laboratory") {
    return R"({"resourceType":"Observation","id":")" + id +
           R"(","status":"final","code":{"text":"x"},"subject":{"reference":"http://up:9/fhir/Patient/)" +
           patient +
           R"("},"category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":")" +
           category + R"("}]}],"valueQuantity":{"value":1.50}})";
  }

  std::shared_ptr<const fhir::AccessPolicy> policy_;
  http::Handler handler_;
  std::deque<Canned> answers_;
  std::vector<http::ClientRequest> sent_;
  std::optional<http::ClientError> failure_;
};

TEST_F(ProxyTest, ReadInsideIsRelayedRebasedAndExact) {
  answer(200, obs("o1", "alice"),
         {{"ETag", "W/\"3\""}, {"Last-Modified", "Sat, 01 Jan 2022 00:00:00 GMT"}});
  auto r = call(verb::get, "/Observation/o1");
  ASSERT_EQ(r.result_int(), 200) << r.body();
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_EQ(sent_[0].url, "http://up:9/fhir/Observation/o1");
  EXPECT_EQ(sent_[0].method, verb::get);
  EXPECT_EQ(header_of(sent_[0], "Accept"), "application/fhir+json");
  EXPECT_EQ(header_of(sent_[0], "X-Request-Id"), "req-1");
  // Never forwarded: the client's token, cookies, hop-by-hop headers.
  EXPECT_EQ(header_of(sent_[0], "Authorization"), "");
  EXPECT_EQ(header_of(sent_[0], "Cookie"), "");
  EXPECT_EQ(header_of(sent_[0], "Connection"), "");
  EXPECT_EQ(r[bhttp::field::etag], "W/\"3\"");
  EXPECT_EQ(r[bhttp::field::last_modified], "Sat, 01 Jan 2022 00:00:00 GMT");
  EXPECT_NE(r.body().find("\"value\":1.50"), std::string::npos) << r.body();
  EXPECT_EQ(json(r).at("subject").at("reference"), "https://ember.example/fhir/Patient/alice");
  EXPECT_TRUE(std::string(r[bhttp::field::content_type]).starts_with("application/fhir+json"));
}

TEST_F(ProxyTest, ReadOutsideTheCompartmentIs403AsTheBuiltInStore) {
  answer(200, obs("o2", "bob"));
  auto r = call(verb::get, "/Observation/o2");
  EXPECT_EQ(r.result_int(), 403);
  EXPECT_EQ(json(r).at("resourceType"), "OperationOutcome");
  EXPECT_EQ(r.body().find("bob"), std::string::npos) << "nothing of the resource leaks";
}

TEST_F(ProxyTest, ReadOfADifferentResourceThanAskedIs502) {
  answer(200, obs("other", "alice"));
  EXPECT_EQ(call(verb::get, "/Observation/o1").result_int(), 502);
}

TEST_F(ProxyTest, UpstreamErrorsAreOperationOutcomes) {
  answer(
      404,
      R"({"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"not-found","diagnostics":"http://up:9/fhir/Observation/x"}]})");
  auto nf = call(verb::get, "/Observation/x");
  EXPECT_EQ(nf.result_int(), 404);
  EXPECT_EQ(json(nf).at("issue").at(0).at("diagnostics"),
            "https://ember.example/fhir/Observation/x");

  answer(404, "<html><body>Not Found</body></html>", {{"Content-Type", "text/html"}});
  auto html = call(verb::get, "/Observation/x");
  EXPECT_EQ(html.result_int(), 404);
  EXPECT_EQ(json(html).at("resourceType"), "OperationOutcome");

  answer(500, "<html>boom</html>");
  auto e500 = call(verb::get, "/Observation/x");
  EXPECT_EQ(e500.result_int(), 502);
  EXPECT_EQ(json(e500).at("resourceType"), "OperationOutcome");

  answer(503, "", {{"Retry-After", "7"}});
  auto e503 = call(verb::get, "/Observation/x");
  EXPECT_EQ(e503.result_int(), 503);
  EXPECT_EQ(e503[bhttp::field::retry_after], "7");

  answer(401, R"({"resourceType":"OperationOutcome","issue":[]})");
  EXPECT_EQ(call(verb::get, "/Observation/x").result_int(), 502) << "the upstream refusing Ember";

  answer(302, "", {{"Location", "http://elsewhere/"}});
  EXPECT_EQ(call(verb::get, "/Observation/x").result_int(), 502);

  answer(200, "<html>not json</html>");
  EXPECT_EQ(call(verb::get, "/Observation/x").result_int(), 502);
}

TEST_F(ProxyTest, TransportFailures) {
  failure_ = http::ClientError{http::ClientErrc::Connect, "connect: refused"};
  auto r = call(verb::get, "/Observation/o1");
  EXPECT_EQ(r.result_int(), 502);
  EXPECT_EQ(json(r).at("resourceType"), "OperationOutcome");
  EXPECT_EQ(r.body().find("up:9"), std::string::npos) << "the upstream's address is not shown";
  failure_ = http::ClientError{http::ClientErrc::Timeout, "read: timeout"};
  auto t = call(verb::get, "/Observation?code=x");
  EXPECT_EQ(t.result_int(), 504);
  EXPECT_EQ(json(t).at("issue").at(0).at("code"), "timeout");
}

TEST_F(ProxyTest, AuthorizationIsCheckedBeforeAnythingIsSent) {
  http::Request req{verb::get, "/fhir/Observation/o1", 11};
  http::RequestContext ctx;
  auto r = handler_(req, ctx);
  EXPECT_EQ(r.result_int(), 401);
  EXPECT_EQ(r[bhttp::field::www_authenticate], "Bearer realm=\"ember\"");
  EXPECT_TRUE(sent_.empty());
}

TEST_F(ProxyTest, TypeNotGrantedIs403WithoutAnUpstreamCall) {
  use(std::make_shared<TestPolicy>("alice", std::set<std::string>{"Observation"}));
  auto r = call(verb::get, "/Condition?patient=alice");
  EXPECT_EQ(r.result_int(), 403);
  EXPECT_NE(std::string(r[bhttp::field::www_authenticate]).find("insufficient_scope"),
            std::string::npos);
  EXPECT_TRUE(sent_.empty());
}

TEST_F(ProxyTest, SearchIsNarrowedUpstreamAndCheckedEntryByEntry) {
  answer(200, R"({"resourceType":"Bundle","type":"searchset","total":2,
    "link":[{"relation":"self","url":"http://up:9/fhir/Observation?category=laboratory&subject=Patient%2Falice&_count=1"},
            {"relation":"next","url":"http://up:9/fhir/Observation?category=laboratory&subject=Patient%2Falice&_count=1&_offset=1"}],
    "entry":[{"fullUrl":"http://up:9/fhir/Observation/o1","resource":)" +
                  obs("o1", "alice") +
                  R"(,"search":{"mode":"match"}},
             {"fullUrl":"http://up:9/fhir/Observation/o2","resource":)" +
                  obs("o2", "bob") + R"(,"search":{"mode":"match"}}]})");
  auto r = call(verb::get, "/Observation?category=laboratory&_count=1");
  ASSERT_EQ(r.result_int(), 200) << r.body();
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_EQ(sent_[0].url,
            "http://up:9/fhir/Observation?category=laboratory&_count=1&subject=Patient%2Falice");
  auto b = json(r);
  ASSERT_EQ(b.at("entry").as_array().size(), 1u);
  EXPECT_EQ(b.at("entry").at(0).at("fullUrl"), "https://ember.example/fhir/Observation/o1");
  EXPECT_FALSE(b.as_object().contains("total")) << "a dropped entry would make the total lie";
  EXPECT_EQ(b.at("link").at(1).at("url"),
            "https://ember.example/fhir/Observation?category=laboratory&_count=1&_offset=1");
}

TEST_F(ProxyTest, SearchKeepsTheUpstreamTotalWhenNothingWasDropped) {
  answer(200, R"({"resourceType":"Bundle","type":"searchset","total":1,"entry":[{"resource":)" +
                  obs("o1", "alice") + "}]}");
  auto r = call(verb::get, "/Observation");
  ASSERT_EQ(r.result_int(), 200);
  EXPECT_EQ(json(r).at("total"), 1);
}

TEST_F(ProxyTest, DroppedIncludesLeaveTheTotal) {
  use(std::make_shared<TestPolicy>("alice", std::set<std::string>{"Observation"}));
  answer(200, R"({"resourceType":"Bundle","type":"searchset","total":1,"entry":[{"resource":)" +
                  obs("o1", "alice") + R"(,"search":{"mode":"match"}},
      {"resource":{"resourceType":"Patient","id":"alice"},"search":{"mode":"include"}}]})");
  auto r = call(verb::get, "/Observation?_include=Observation:subject");
  ASSERT_EQ(r.result_int(), 200) << r.body();
  auto b = json(r);
  EXPECT_EQ(b.at("entry").as_array().size(), 1u) << "Patient is not granted";
  EXPECT_EQ(b.at("total"), 1);
}

TEST_F(ProxyTest, SearchNamingAnotherPatientIsRefused) {
  auto r = call(verb::get, "/Observation?patient=bob");
  EXPECT_EQ(r.result_int(), 403);
  EXPECT_TRUE(sent_.empty());
  EXPECT_EQ(call(verb::get, "/Observation?date=notadate").result_int(), 400);
}

TEST_F(ProxyTest, PostSearchIsForwardedAsAForm) {
  answer(200, R"({"resourceType":"Bundle","type":"searchset"})");
  auto r =
      call(verb::post, "/Observation/_search", "code=abc", "application/x-www-form-urlencoded");
  ASSERT_EQ(r.result_int(), 200) << r.body();
  EXPECT_EQ(sent_[0].url, "http://up:9/fhir/Observation/_search");
  EXPECT_EQ(sent_[0].body, "code=abc&subject=Patient%2Falice");
  EXPECT_EQ(sent_[0].content_type, "application/x-www-form-urlencoded");
}

TEST_F(ProxyTest, ElementsAreAppliedAfterTheCheckUnderConstraints) {
  answer(200, R"({"resourceType":"Bundle","type":"searchset","entry":[{"resource":)" +
                  obs("o1", "alice") + R"(,"search":{"mode":"match"}}]})");
  auto r = call(verb::get, "/Observation?_elements=status");
  ASSERT_EQ(r.result_int(), 200);
  EXPECT_EQ(sent_[0].url.find("_elements"), std::string::npos) << sent_[0].url;
  auto res = json(r).at("entry").at(0).at("resource");
  EXPECT_TRUE(res.as_object().contains("status"));
  EXPECT_FALSE(res.as_object().contains("subject"));
}

TEST_F(ProxyTest, CreateOutsideIsRefusedBeforeAnythingIsSent) {
  auto r = call(
      verb::post, "/Observation",
      R"({"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/bob"}})");
  EXPECT_EQ(r.result_int(), 403);
  EXPECT_TRUE(sent_.empty());
  // A Patient create cannot name its way into the compartment.
  EXPECT_EQ(call(verb::post, "/Patient", R"({"resourceType":"Patient","id":"alice"})").result_int(),
            403);
  EXPECT_TRUE(sent_.empty());
}

TEST_F(ProxyTest, CreateInsideIsForwardedWithEmberUrlsMadeUpstreamOnes) {
  answer(201, obs("new1", "alice"),
         {{"Location", "http://up:9/fhir/Observation/new1/_history/1"}, {"ETag", "W/\"1\""}});
  auto r = call(
      verb::post, "/Observation",
      R"({"resourceType":"Observation","status":"final","code":{"text":"x"},)"
      R"("subject":{"reference":"https://ember.example/fhir/Patient/alice"},"valueQuantity":{"value":2.0}})");
  ASSERT_EQ(r.result_int(), 201) << r.body();
  EXPECT_EQ(sent_[0].method, verb::post);
  EXPECT_EQ(sent_[0].url, "http://up:9/fhir/Observation");
  EXPECT_NE(sent_[0].body.find("\"reference\":\"http://up:9/fhir/Patient/alice\""),
            std::string::npos)
      << sent_[0].body;
  EXPECT_NE(sent_[0].body.find("\"value\":2.0"), std::string::npos) << sent_[0].body;
  EXPECT_EQ(r[bhttp::field::location], "https://ember.example/fhir/Observation/new1/_history/1");
}

TEST_F(ProxyTest, UpdateChecksTheCurrentVersionAndPinsIt) {
  answer(200, obs("o2", "bob"), {{"ETag", "W/\"4\""}});
  auto r = call(verb::put, "/Observation/o2", obs("o2", "alice"));
  EXPECT_EQ(r.result_int(), 403) << "the version being replaced is outside";
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_EQ(sent_[0].method, verb::get);

  sent_.clear();
  answer(200, obs("o1", "alice"), {{"ETag", "W/\"4\""}});
  answer(200, obs("o1", "alice"), {{"ETag", "W/\"5\""}});
  auto ok = call(verb::put, "/Observation/o1", obs("o1", "alice", "vital-signs"));
  ASSERT_EQ(ok.result_int(), 200) << ok.body();
  ASSERT_EQ(sent_.size(), 2u);
  EXPECT_EQ(sent_[1].method, verb::put);
  EXPECT_EQ(header_of(sent_[1], "If-Match"), "W/\"4\"");

  // The client's If-Match must name the version that was checked.
  sent_.clear();
  answer(200, obs("o1", "alice"), {{"ETag", "W/\"5\""}});
  auto stale = call(verb::put, "/Observation/o1", obs("o1", "alice"), "application/fhir+json",
                    {{"If-Match", "W/\"4\""}});
  EXPECT_EQ(stale.result_int(), 412);
  EXPECT_EQ(sent_.size(), 1u);

  // Moving a resource out of the compartment is a write outside.
  sent_.clear();
  answer(200, obs("o1", "alice"), {{"ETag", "W/\"5\""}});
  EXPECT_EQ(call(verb::put, "/Observation/o1", obs("o1", "bob")).result_int(), 403);
  EXPECT_EQ(sent_.size(), 1u);
}

TEST_F(ProxyTest, PatchIsAppliedHereCheckedAndWrittenPinned) {
  answer(200, obs("o1", "alice"), {{"ETag", "W/\"2\""}});
  answer(200, obs("o1", "alice"), {{"ETag", "W/\"3\""}});
  auto r = call(verb::patch, "/Observation/o1",
                R"([{"op":"replace","path":"/status","value":"amended"}])",
                "application/json-patch+json");
  ASSERT_EQ(r.result_int(), 200) << r.body();
  ASSERT_EQ(sent_.size(), 2u);
  EXPECT_EQ(sent_[1].method, verb::put);
  EXPECT_EQ(header_of(sent_[1], "If-Match"), "W/\"2\"");
  EXPECT_NE(sent_[1].body.find("\"status\":\"amended\""), std::string::npos);

  sent_.clear();
  answer(200, obs("o1", "alice"), {{"ETag", "W/\"2\""}});
  auto out = call(verb::patch, "/Observation/o1",
                  R"([{"op":"replace","path":"/subject/reference","value":"Patient/bob"}])",
                  "application/json-patch+json");
  EXPECT_EQ(out.result_int(), 403);
  EXPECT_EQ(sent_.size(), 1u);

  sent_.clear();
  answer(200, obs("o1", "alice"), {{"ETag", "W/\"2\""}});
  answer(412, R"({"resourceType":"OperationOutcome","issue":[]})");
  auto raced = call(verb::patch, "/Observation/o1",
                    R"([{"op":"replace","path":"/status","value":"amended"}])",
                    "application/json-patch+json");
  EXPECT_EQ(raced.result_int(), 409);
}

TEST_F(ProxyTest, DeleteOutsideIsRefused) {
  answer(200, obs("o2", "bob"), {{"ETag", "W/\"1\""}});
  EXPECT_EQ(call(verb::delete_, "/Observation/o2").result_int(), 403);
  EXPECT_EQ(sent_.size(), 1u);
  sent_.clear();
  answer(200, obs("o1", "alice"), {{"ETag", "W/\"1\""}});
  answer(204, "");
  EXPECT_EQ(call(verb::delete_, "/Observation/o1").result_int(), 204);
  ASSERT_EQ(sent_.size(), 2u);
  EXPECT_EQ(sent_[1].method, verb::delete_);
  EXPECT_EQ(header_of(sent_[1], "If-Match"), "W/\"1\"");
}

TEST_F(ProxyTest, BatchesAreForwardedOnlyWithoutRestrictions) {
  const std::string batch = R"({"resourceType":"Bundle","type":"batch","entry":[
      {"request":{"method":"GET","url":"Observation?code=x"}}]})";
  auto r = call(verb::post, "", batch);
  EXPECT_EQ(r.result_int(), 403);
  EXPECT_TRUE(sent_.empty());
  use(std::make_shared<TestPolicy>("", std::set<std::string>{}, true));
  answer(200, R"({"resourceType":"Bundle","type":"batch-response"})");
  auto ok = call(verb::post, "", batch);
  EXPECT_EQ(ok.result_int(), 200) << ok.body();
  ASSERT_EQ(sent_.size(), 1u);
  EXPECT_EQ(sent_[0].url, "http://up:9/fhir");
}

TEST_F(ProxyTest, OperationsNeedUnrestrictedAccess) {
  EXPECT_EQ(call(verb::get, "/Patient/alice/$everything").result_int(), 403);
  EXPECT_TRUE(sent_.empty());
  use(std::make_shared<TestPolicy>("", std::set<std::string>{}, true));
  answer(200, R"({"resourceType":"Bundle","type":"searchset"})");
  EXPECT_EQ(call(verb::get, "/Patient/alice/$everything").result_int(), 200);
  EXPECT_EQ(sent_[0].url, "http://up:9/fhir/Patient/alice/$everything");
}

TEST_F(ProxyTest, HistoryUnderConstraints) {
  EXPECT_EQ(call(verb::get, "/Observation/_history").result_int(), 403);
  EXPECT_EQ(call(verb::get, "/_history").result_int(), 403);
  EXPECT_TRUE(sent_.empty());
  answer(200, obs("o1", "alice"));
  answer(200, R"({"resourceType":"Bundle","type":"history","entry":[{"resource":)" +
                  obs("o1", "alice") + R"(},{"resource":)" + obs("o9", "bob") + "}]}");
  auto r = call(verb::get, "/Observation/o1/_history");
  ASSERT_EQ(r.result_int(), 200) << r.body();
  EXPECT_EQ(json(r).at("entry").as_array().size(), 1u);
}

TEST_F(ProxyTest, MetadataIsTheUpstreamsWithEmbersBaseAndSecurity) {
  answer(200, R"({"resourceType":"CapabilityStatement","status":"active","kind":"instance",
    "implementation":{"description":"up","url":"http://up:9/fhir"},
    "rest":[{"mode":"server","security":{"description":"upstream's own"}}]})");
  http::Request req{verb::get, "/fhir/metadata", 11};  // public: no token
  http::RequestContext ctx;
  auto r = handler_(req, ctx);
  ASSERT_EQ(r.result_int(), 200) << r.body();
  auto cs = json(r);
  EXPECT_EQ(cs.at("implementation").at("url"), "https://ember.example/fhir");
  auto sec = cs.at("rest").at(0).at("security");
  EXPECT_EQ(sec.at("service").at(0).at("coding").at(0).at("code"), "SMART-on-FHIR");
  EXPECT_NE(bj::serialize(sec).find("https://ember.example/oauth/authorize"), std::string::npos);
}

TEST_F(ProxyTest, NegotiationAndRoutingAsTheBuiltInHandler) {
  EXPECT_EQ(call(verb::get, "/Observation?_format=xml").result_int(), 406);
  EXPECT_EQ(call(verb::get, "/NotAType").result_int(), 404);
  auto m = call(verb::delete_, "/Observation");
  EXPECT_EQ(m.result_int(), 405);
  EXPECT_EQ(m[bhttp::field::allow], "GET, POST");
  EXPECT_EQ(call(verb::post, "/Observation", "x", "text/plain").result_int(), 415);
  EXPECT_EQ(call(verb::get, "/Observation/o1", {}, {}, {{"If-Match", "nonsense"}}).result_int(),
            400);
  EXPECT_TRUE(sent_.empty());
}

}  // namespace
}  // namespace ember::proxy
