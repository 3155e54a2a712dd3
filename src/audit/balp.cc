// AuditEvent JSON for each Event kind (see balp.h for the patterns and their sources).
#include "audit/balp.h"

#include "audit/redact.h"
#include "core/clock.h"

namespace ember::audit {

namespace bj = boost::json;

namespace {

constexpr std::string_view kProfileBase = "https://profiles.ihe.net/ITI/BALP/StructureDefinition/";

bj::object coding(std::string_view system, std::string_view code, std::string_view display = {}) {
  bj::object c{{"system", system}, {"code", code}};
  if (!display.empty()) c["display"] = display;
  return c;
}

bj::object concept_of(bj::object c) { return bj::object{{"coding", bj::array{std::move(c)}}}; }

struct Codes {
  bj::object type;
  bj::array subtype;
  std::string_view action;  // C R U D E
};

std::string_view grant_code(Kind k) {
  switch (k) {
    case Kind::TokenIssue: return "authorization_code";
    case Kind::TokenRefresh: return "refresh_token";
    case Kind::TokenClientCredentials: return "client_credentials";
    default: return "";
  }
}

Codes codes_of(const Event& e) {
  const Kind k = e.kind;
  const auto dcm = [](std::string_view code, std::string_view display) {
    return coding(kDcm, code, display);
  };
  const auto ember = [](std::string_view code) { return coding(kEmberSubtype, code); };
  const auto rest = [](std::string_view code) { return coding(kRestfulInteraction, code, code); };
  const bj::object rest_type = coding(kAuditEventType, "rest", "Restful Operation");
  switch (k) {
    case Kind::Login:
      return {dcm("110114", "User Authentication"), {dcm("110122", "Login")}, "E"};
    case Kind::Logout:
      return {dcm("110114", "User Authentication"), {dcm("110123", "Logout")}, "E"};
    case Kind::Authorization:
      return {dcm("110113", "Security Alert"),
              {coding(kAuthZSubtype, "AuthZ-Consent",
                      "Authorization Decision using Roles and Consent")},
              "E"};
    case Kind::TokenIssue:
    case Kind::TokenRefresh:
    case Kind::TokenClientCredentials:
      return {dcm("110114", "User Authentication"),
              {coding(kIheEventTypeCode, "ITI-71", "Get Access Token"), ember(grant_code(k))},
              "E"};
    case Kind::TokenFailure:
      return {dcm("110114", "User Authentication"),
              {coding(kIheEventTypeCode, "ITI-71", "Get Access Token")},
              "E"};
    case Kind::TokenRevoke:
      return {dcm("110114", "User Authentication"), {ember("token-revoke")}, "E"};
    case Kind::ClientRegister:
      return {dcm("110113", "Security Alert"),
              {dcm("110129", "Security Configuration"), ember("client-register")},
              "C"};
    case Kind::ClientUpdate:
      return {dcm("110113", "Security Alert"),
              {dcm("110129", "Security Configuration"), ember("client-update")},
              "U"};
    case Kind::ClientDelete:
      return {dcm("110113", "Security Alert"),
              {dcm("110129", "Security Configuration"), ember("client-delete")},
              "D"};
    case Kind::Read: return {rest_type, {rest("read")}, "R"};
    case Kind::VRead: return {rest_type, {rest("vread")}, "R"};
    case Kind::Search: return {rest_type, {rest("search-type")}, "E"};
    case Kind::History:
      return {rest_type,
              {rest(!e.resource_id.empty()     ? "history-instance"
                    : !e.resource_type.empty() ? "history-type"
                                               : "history-system")},
              "R"};
    case Kind::Create: return {rest_type, {rest("create")}, "C"};
    case Kind::Update: return {rest_type, {rest("update")}, "U"};
    case Kind::Patch: return {rest_type, {rest("patch")}, "U"};
    case Kind::Delete: return {rest_type, {rest("delete")}, "D"};
    case Kind::Batch: return {rest_type, {rest("batch")}, "E"};
  }
  return {rest_type, {}, "E"};
}

bool is_rest(Kind k) { return category_of(k) == Category::DataAccess; }
bool is_read_like(Kind k) { return k == Kind::Read || k == Kind::VRead || k == Kind::History; }
bool is_write(Kind k) {
  return k == Kind::Create || k == Kind::Update || k == Kind::Patch || k == Kind::Delete;
}

bj::object identifier(std::string_view system, std::string_view value) {
  bj::object id{{"value", value}};
  if (!system.empty()) id["system"] = system;
  return bj::object{{"identifier", std::move(id)}};
}

bj::object network(std::string_view address, std::string_view type) {
  return bj::object{{"address", address}, {"type", type}};
}

// The person: their FHIR resource when known (searchable as agent / patient), and the user name.
std::optional<bj::object> user_agent(const Event& e, bj::object type) {
  if (e.user.empty() && e.fhir_user.empty()) return std::nullopt;
  bj::object who;
  if (!e.fhir_user.empty()) who["reference"] = e.fhir_user;
  if (!e.user.empty()) {
    who["identifier"] = bj::object{{"value", e.user}};
    who["display"] = e.user;
  }
  bj::object a{{"type", concept_of(std::move(type))}, {"who", std::move(who)}, {"requestor", true}};
  if (!e.user.empty()) a["name"] = e.user;
  return a;
}

bj::object client_agent(const Event& e, const Source& s, bj::object type, bool requestor) {
  bj::object a{{"type", concept_of(std::move(type))}, {"requestor", requestor}};
  if (!e.client_id.empty()) {
    bj::object who = identifier(s.base_url + std::string(kClientIdSystemPath), e.client_id);
    who["display"] = e.client_id;
    a["who"] = std::move(who);
  } else {
    a["who"] = bj::object{{"display", "unidentified client"}};
  }
  if (!e.remote_addr.empty()) a["network"] = network(e.remote_addr, "2");  // 2 = IP address
  return a;
}

bj::object server_agent(bj::object type, std::string_view address) {
  bj::object who = identifier("", address);
  who["display"] = "Ember";
  return bj::object{{"type", concept_of(std::move(type))},
                    {"who", std::move(who)},
                    {"requestor", false},
                    {"network", network(address, "5")}};  // 5 = URI
}

bj::object patient_entity(std::string_view id) {
  return bj::object{{"what", bj::object{{"reference", "Patient/" + std::string(id)}}},
                    {"type", coding(kEntityType, "1", "Person")},
                    {"role", coding(kObjectRole, "1", "Patient")}};
}

bj::object request_id_entity(std::string_view request_id) {
  return bj::object{{"what", identifier("", request_id)},
                    {"type", coding(kBasicAuditEntityType, "XrequestId")}};
}

bj::object detail(std::string_view type, std::string_view value) {
  return bj::object{{"type", type}, {"valueString", value}};
}

}  // namespace

std::string_view balp_profile(const Event& e) {
  if (e.outcome != Outcome::Success) return {};
  const bool p = !e.patients.empty();
  switch (e.kind) {
    case Kind::Read:
    case Kind::VRead: return p ? "IHE.BasicAudit.PatientRead" : "IHE.BasicAudit.Read";
    case Kind::Search: return p ? "IHE.BasicAudit.PatientQuery" : "IHE.BasicAudit.Query";
    case Kind::Create: return p ? "IHE.BasicAudit.PatientCreate" : "IHE.BasicAudit.Create";
    case Kind::Update:
    case Kind::Patch: return p ? "IHE.BasicAudit.PatientUpdate" : "IHE.BasicAudit.Update";
    case Kind::Delete: return p ? "IHE.BasicAudit.PatientDelete" : "IHE.BasicAudit.Delete";
    default: return {};
  }
}

// The event with every request-derived string made valid UTF-8 and bounded (redact.h).
Event cleaned(const Event& in) {
  constexpr std::size_t kId = 256, kName = 200, kText = 500, kQuery = 4096, kScope = 2000;
  Event e = in;
  for (auto* f : {&e.user, &e.fhir_user, &e.client_id}) *f = clean_text(*f, kName);
  for (auto* f : {&e.remote_addr, &e.request_id, &e.resource_type, &e.resource_id, &e.version_id,
                  &e.grant_id, &e.jti}) {
    *f = clean_text(*f, kId);
  }
  e.outcome_desc = clean_text(e.outcome_desc, kText);
  e.query = clean_text(e.query, kQuery);
  e.scope = clean_text(e.scope, kScope);
  for (auto& p : e.patients) p = clean_text(p, kId);
  return e;
}

bj::object build_audit_event(const Event& event, const Source& s) {
  const Event e = cleaned(event);
  Codes codes = codes_of(e);
  bj::object ae{{"resourceType", "AuditEvent"}};
  if (auto profile = balp_profile(e); !profile.empty()) {
    ae["meta"] = bj::object{{"profile", bj::array{std::string(kProfileBase) + std::string(profile)}}};
  }
  ae["type"] = std::move(codes.type);
  ae["subtype"] = std::move(codes.subtype);
  ae["action"] = codes.action;
  ae["recorded"] = format_instant(e.time_ms);
  ae["outcome"] = std::to_string(static_cast<int>(e.outcome));
  if (!e.outcome_desc.empty()) ae["outcomeDesc"] = e.outcome_desc;

  bj::array agents;
  bj::array entities;
  if (is_rest(e.kind)) {
    // BALP RESTful pattern: for reads the server is the source of the data and the client its
    // destination; for queries and writes the request flows from the client (source) to the
    // server (destination). Delete: the client is the Application, the server the Custodian.
    bj::object client_type, server_type, user_type;
    if (e.kind == Kind::Delete) {
      client_type = coding(kDcm, "110150", "Application");
      server_type = coding("http://terminology.hl7.org/CodeSystem/provenance-participant-type",
                           "custodian", "Custodian");
    } else if (is_read_like(e.kind)) {
      client_type = coding(kDcm, "110152", "Destination Role ID");
      server_type = coding(kDcm, "110153", "Source Role ID");
    } else {
      client_type = coding(kDcm, "110153", "Source Role ID");
      server_type = coding(kDcm, "110152", "Destination Role ID");
    }
    user_type = is_write(e.kind) ? coding(kParticipationType, "AUT", "author")
                                 : coding(kParticipationType, "IRCP", "information recipient");
    const bool user = !e.user.empty() || !e.fhir_user.empty();
    agents.push_back(client_agent(e, s, std::move(client_type), !user));
    agents.push_back(server_agent(std::move(server_type), s.fhir_base));
    if (auto u = user_agent(e, std::move(user_type))) agents.push_back(std::move(*u));

    if (!e.request_id.empty()) entities.push_back(request_id_entity(e.request_id));
    if (e.kind == Kind::Search || e.kind == Kind::Batch ||
        (e.kind == Kind::History && e.resource_id.empty())) {
      bj::object q{{"type", coding(kEntityType, "2", "System Object")},
                   {"role", coding(kObjectRole, "24", "Query")}};
      std::string text = e.resource_type;
      if (!e.query.empty()) text += "?" + e.query;
      if (!text.empty()) {
        q["query"] = base64_encode(text);
        q["description"] = text;
      }
      entities.push_back(std::move(q));
    } else if (!e.resource_type.empty()) {
      std::string ref = e.resource_type;
      if (!e.resource_id.empty()) ref += "/" + e.resource_id;
      if (!e.version_id.empty()) ref += "/_history/" + e.version_id;
      entities.push_back(bj::object{{"what", bj::object{{"reference", ref}}},
                                    {"type", coding(kEntityType, "2", "System Object")},
                                    {"role", coding(kObjectRole, "4", "Domain Resource")}});
    }
  } else {
    // Security events: the person, the app, and Ember as the authorization server.
    bj::object user_type = e.kind == Kind::Login || e.kind == Kind::Logout
                               ? coding(kSecurityRoleType, "humanuser", "human user")
                               : coding(kParticipationType, "IRCP", "information recipient");
    const bool user = !e.user.empty() || !e.fhir_user.empty();
    if (auto u = user_agent(e, std::move(user_type))) agents.push_back(std::move(*u));
    if (!e.client_id.empty() || !e.remote_addr.empty()) {
      agents.push_back(client_agent(e, s, coding(kDcm, "110150", "Application"), !user));
    }
    agents.push_back(server_agent(coding(kSecurityRoleType, "authserver", "authorization server"),
                                  s.base_url));
    if (!e.request_id.empty()) entities.push_back(request_id_entity(e.request_id));
    if (!e.grant_id.empty() || !e.jti.empty() || !e.scope.empty() || !e.client_id.empty()) {
      // The grant or token concerned (BALP AuthZconsent "token" / IUA ITI-71 token-response):
      // identifiers and the scope only, never a token or code.
      bj::object sec{{"type", coding(kEntityType, "2", "System Object")},
                     {"role", coding(kObjectRole, "13", "Security Resource")}};
      if (!e.jti.empty()) {
        sec["what"] = identifier("", "urn:ietf:params:oauth:jti:" + e.jti);
      } else if (!e.grant_id.empty()) {
        sec["what"] = identifier(kEmberSubtype, "grant:" + e.grant_id);
      } else if (!e.client_id.empty()) {
        sec["what"] = identifier(s.base_url + std::string(kClientIdSystemPath), e.client_id);
      }
      bj::array details;
      if (!e.grant_id.empty()) details.push_back(detail("grant", e.grant_id));
      if (!e.scope.empty()) details.push_back(detail("scope", e.scope));
      if (e.kind == Kind::Login || e.kind == Kind::Logout) {
        details.push_back(detail("channel", e.channel == Channel::Portal ? "ehr-portal"
                                                                         : "authorization"));
      }
      if (!details.empty()) sec["detail"] = std::move(details);
      if (sec.contains("what") || sec.contains("detail")) entities.push_back(std::move(sec));
    } else if (e.kind == Kind::Login || e.kind == Kind::Logout) {
      entities.push_back(bj::object{
          {"type", coding(kEntityType, "2", "System Object")},
          {"role", coding(kObjectRole, "13", "Security Resource")},
          {"detail", bj::array{detail("channel", e.channel == Channel::Portal ? "ehr-portal"
                                                                               : "authorization")}}});
    }
  }
  for (const auto& p : e.patients) entities.push_back(patient_entity(p));

  ae["agent"] = std::move(agents);
  bj::object source{{"observer", bj::object{{"display", "Ember"},
                                            {"identifier", bj::object{{"value", s.base_url}}}}},
                    {"type", bj::array{is_rest(e.kind)
                                           ? coding(kSourceType, "4", "Application Server")
                                           : coding(kSourceType, "6", "Security Server")}}};
  if (!s.site.empty()) source["site"] = s.site;
  ae["source"] = std::move(source);
  if (!entities.empty()) ae["entity"] = std::move(entities);
  return ae;
}

}  // namespace ember::audit
