// The audit writer's store adapter and the OAuth failure hook (see audit_setup.h).
#include "app/audit_setup.h"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "audit/request_scope.h"
#include "core/encoding.h"
#include "fhir/ingest.h"
#include "http/router.h"
#include "http/url.h"

namespace ember::app {

namespace bhttp = boost::beast::http;

namespace {

constexpr std::size_t kMaxDescription = 300;
constexpr std::string_view kRegisterPrefix = "/oauth/register/";

std::string host_of(const std::string& url) {
  auto u = boost::urls::parse_uri(url);
  return u ? std::string(u->host()) : std::string();
}

// The client id a token or revocation request names (not authenticated yet: a claim only).
std::string claimed_client(const http::Request& req) {
  auto form = http::parse_form(std::string_view(req.body().data(), req.body().size()));
  if (form) {
    if (auto id = http::find_param(*form, "client_id")) return std::string(*id);
  }
  auto it = req.find(bhttp::field::authorization);
  if (it == req.end()) return {};
  std::string_view v(it->value().data(), it->value().size());
  if (v.size() < 6 || !(v.substr(0, 6) == "Basic " || v.substr(0, 6) == "basic ")) return {};
  auto decoded = base64_decode(v.substr(6));
  if (!decoded) return {};
  auto colon = decoded->find(':');
  if (colon == std::string::npos) return {};
  // RFC 6749 §2.3.1: the user part is the form-urlencoded client id; the rest is the secret and
  // is dropped here.
  auto id = http::parse_form("id=" + decoded->substr(0, colon));
  return id && !id->empty() ? (*id)[0].value : std::string();
}

std::string error_of(const http::Response& res) {
  std::string out = "HTTP " + std::to_string(res.result_int());
  boost::system::error_code ec;
  auto v = boost::json::parse(res.body(), ec);
  if (ec || !v.is_object()) return out;
  const auto& o = v.get_object();
  if (const auto* e = o.if_contains("error"); e && e->is_string()) {
    out += ": " + std::string(e->get_string());
  }
  if (const auto* d = o.if_contains("error_description"); d && d->is_string()) {
    out += " (" + std::string(d->get_string()) + ")";
  }
  if (out.size() > kMaxDescription) out.resize(kMaxDescription);
  return out;
}

}  // namespace

std::unique_ptr<audit::Writer> make_audit_writer(audit::Level level, store::ResourceStore& store,
                                                 const Clock& clock, Random& random,
                                                 const std::string& base_url) {
  if (level == audit::Level::Off) return nullptr;
  audit::WriterOptions opt;
  opt.level = level;
  opt.source = {base_url, base_url + "/fhir", host_of(base_url)};
  // build_audit_event's output is not validated again here: tests/unit/app/audit_setup_test.cc
  // holds every kind of event to fhir::validate_resource instead, which keeps that cost off the
  // writer thread (docs/performance.md, "Audit batching").
  auto persist = [&store](std::vector<audit::Built> batch) -> Result<std::size_t, std::string> {
    std::vector<store::WriteOp> ops;
    ops.reserve(batch.size());
    for (auto& b : batch) {
      ops.push_back(fhir::make_put("AuditEvent", std::move(b.id), std::move(b.resource), 0));
    }
    const std::size_t n = ops.size();
    if (n == 0) return std::size_t{0};
    auto w = store.write(std::move(ops));
    if (!w) return fail(w.error().message);
    return n;
  };
  return std::make_unique<audit::Writer>(std::move(persist), clock, random, std::move(opt));
}

void audit_oauth_failure(audit::Sink* sink, const http::Request& req,
                         const http::RequestContext& ctx, const http::Response& res) {
  if (sink == nullptr || res.result_int() < 400 || !sink->enabled(audit::Category::Auth)) return;
  const std::string_view route = ctx.route;
  audit::Event e;
  if (route == "token" && req.method() == bhttp::verb::post) {
    e.kind = audit::Kind::TokenFailure;
    e.client_id = claimed_client(req);
  } else if (route == "revoke" && req.method() == bhttp::verb::post) {
    e.kind = audit::Kind::TokenRevoke;
    e.client_id = claimed_client(req);
  } else if (route == "register" && req.method() == bhttp::verb::post) {
    e.kind = audit::Kind::ClientRegister;
  } else if (route == "register_manage" &&
             (req.method() == bhttp::verb::put || req.method() == bhttp::verb::delete_)) {
    e.kind = req.method() == bhttp::verb::put ? audit::Kind::ClientUpdate
                                              : audit::Kind::ClientDelete;
    auto path = http::target_path(std::string_view(req.target().data(), req.target().size()));
    if (path.starts_with(kRegisterPrefix)) e.client_id = path.substr(kRegisterPrefix.size());
  } else {
    return;
  }
  e.outcome = audit::outcome_of_status(static_cast<int>(res.result_int()));
  e.outcome_desc = error_of(res);
  e.remote_addr = ctx.remote_addr;
  e.request_id = ctx.request_id;
  sink->record(std::move(e));
}

}  // namespace ember::app
