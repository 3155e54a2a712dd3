// Builds the FHIR R4 AuditEvent for an Event, following the IHE Basic Audit Log Patterns (BALP,
// profiles.ihe.net/ITI/BALP) and the ATNA/DICOM codes they build on:
//   sign-in / sign-out      type DCM 110114 User Authentication, subtype DCM 110122 / 110123
//   authorization decision  type DCM 110113 Security Alert, subtype BALP AuthZsubType AuthZ-Consent
//   token issue / refresh   type DCM 110114, subtype IHE ITI-71 Get Access Token (+ grant type)
//   token revocation        type DCM 110114, subtype Ember token-revoke
//   client registration     type DCM 110113, subtype DCM 110129 Security Configuration (+ Ember)
//   FHIR data access        type audit-event-type rest, subtype restful-interaction (read, vread,
//                           search-type, history-*, create, update, patch, delete, batch)
// Agents follow BALP's RESTful pattern (client/server as DCM 110153 Source / 110152 Destination
// Role ID, reversed for reads; the user as v3 IRCP or AUT, requestor), the patient(s) concerned are
// entities of type 1 Person and role 1 Patient, a search is entity role 24 Query with the query in
// base64. Pure: the time comes from the event, nothing is read from the environment.
#pragma once
#include <boost/json.hpp>
#include <string>
#include <string_view>

#include "audit/event.h"

namespace ember::audit {

// Code systems (also used by tests and docs).
inline constexpr std::string_view kDcm = "http://dicom.nema.org/resources/ontology/DCM";
inline constexpr std::string_view kAuditEventType =
    "http://terminology.hl7.org/CodeSystem/audit-event-type";
inline constexpr std::string_view kRestfulInteraction = "http://hl7.org/fhir/restful-interaction";
inline constexpr std::string_view kAuthZSubtype =
    "https://profiles.ihe.net/ITI/BALP/CodeSystem/AuthZsubType";
inline constexpr std::string_view kIheEventTypeCode = "urn:ihe:event-type-code";
inline constexpr std::string_view kBasicAuditEntityType =
    "https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType";
inline constexpr std::string_view kEntityType =
    "http://terminology.hl7.org/CodeSystem/audit-entity-type";
inline constexpr std::string_view kObjectRole = "http://terminology.hl7.org/CodeSystem/object-role";
inline constexpr std::string_view kParticipationType =
    "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
inline constexpr std::string_view kSecurityRoleType =
    "http://terminology.hl7.org/CodeSystem/extra-security-role-type";
inline constexpr std::string_view kSourceType =
    "http://terminology.hl7.org/CodeSystem/security-source-type";
inline constexpr std::string_view kNetworkType = "http://hl7.org/fhir/network-type";
// Ember's own subtype codes (finer than the standard ones: grant types, registration steps,
// sign-in channel). Searchable as subtype=urn:ember:audit-subtype|token-refresh.
inline constexpr std::string_view kEmberSubtype = "urn:ember:audit-subtype";
// Where client ids live (agent.who.identifier.system): the OAuth clients of this server.
inline constexpr std::string_view kClientIdSystemPath = "/oauth/clients";

// The recording server, the same for every event.
struct Source {
  std::string base_url;  // e.g. https://ember.example.org (issuer; source.observer)
  std::string fhir_base;  // e.g. https://ember.example.org/fhir (server agent)
  std::string site;       // source.site, e.g. the host name
};

// The AuditEvent resource for `e` (no id or meta.versionId; the store stamps those).
boost::json::object build_audit_event(const Event& e, const Source& source);

// The BALP profile the event claims in meta.profile ("" = none applies, e.g. failures).
std::string_view balp_profile(const Event& e);

}  // namespace ember::audit
