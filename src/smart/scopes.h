// The one SMART scope grammar, v1 and v2 (SMART App Launch 2.2 scopes-and-launch-context):
// resource scopes `(patient|user|system)/(<Type>|*).<perm>[?k=v(&k=v)*]`, launch-context and
// identity scopes, extension scopes. Parsing is strict — an out-of-order or unknown permission
// suffix is invalid, never read loosely (checklist SCP-05) — and pure (no I/O).
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace ember::smart {

// The context prefix of a resource scope (SMART 2.2 scopes-and-launch-context).
enum class Context { Patient, User, System };

std::string_view context_name(Context c);  // "patient", "user", "system"

// Granular constraints of a scope: decoded `?k=v` pairs, in request order.
using Filters = std::vector<std::pair<std::string, std::string>>;

struct ResourceScope {
  Context context = Context::Patient;
  std::string type;     // a FHIR R4 resource type, or "*" = any type
  std::string letters;  // canonical, in-order, non-empty subset of "cruds" (v1 read = "rs" …)
  Filters filters;      // values percent-decoded; still in FHIR search syntax (`system|code`)
  bool v1 = false;      // requested with a v1 permission (read, write, *)
  std::string text;     // exactly as requested
};

enum class ScopeKind {
  Resource,       // patient/Observation.rs …
  Launch,         // launch (EHR launch)
  LaunchContext,  // launch/patient, launch/encounter, launch/<type>[?role=<uri>]
  OpenId,         // openid
  FhirUser,       // fhirUser
  Profile,        // profile
  OfflineAccess,  // offline_access
  OnlineAccess,   // online_access
  Other,          // extension scope: a full URI or a name starting with "__"
};

struct Scope {
  ScopeKind kind = ScopeKind::Other;
  std::string text;         // exactly as requested
  ResourceScope resource;   // kind == Resource
  std::string launch_type;  // kind == LaunchContext: the resource type, e.g. "Patient"
  std::string role;         // kind == LaunchContext: decoded `?role=` URI, "" if none
};

struct ScopeError {
  enum class Code {
    InvalidScope,  // RFC 6749 §5.2 `invalid_scope`: malformed, unknown, or more than granted
  } code = Code::InvalidScope;
  std::string scope;    // the offending scope as received
  std::string message;  // safe to show to the client
};

// A set of scopes in request order, without duplicate texts, with the identity/context flags
// and the resource and extension scopes split out for quick use.
class ScopeSet {
 public:
  ScopeSet() = default;
  // Adds `s` unless a scope with the same text is already present.
  void add(Scope s);

  const std::vector<Scope>& all() const { return all_; }
  const std::vector<ResourceScope>& resources() const { return resources_; }
  const std::vector<std::string>& other() const { return other_; }
  bool empty() const { return all_.empty(); }
  bool contains(std::string_view text) const;
  bool has(ScopeKind kind) const;
  bool launch() const { return has(ScopeKind::Launch); }
  bool launch_patient() const { return has_launch_context("Patient"); }
  bool launch_encounter() const { return has_launch_context("Encounter"); }
  bool has_launch_context(std::string_view type) const;
  bool openid() const { return has(ScopeKind::OpenId); }
  bool fhir_user() const { return has(ScopeKind::FhirUser); }
  bool profile() const { return has(ScopeKind::Profile); }
  bool offline_access() const { return has(ScopeKind::OfflineAccess); }
  bool online_access() const { return has(ScopeKind::OnlineAccess); }
  // The space-separated texts, in order: the `scope` value of a token response.
  std::string to_string() const;

 private:
  std::vector<Scope> all_;
  std::vector<ResourceScope> resources_;
  std::vector<std::string> other_;
};

// One scope. Accepts the RFC 6749 §3.3 scope-token characters only (%x21 / %x23-5B / %x5D-7E).
[[nodiscard]] Result<Scope, ScopeError> parse_scope(std::string_view text);

struct ParsedScopes {
  ScopeSet scopes;
  std::vector<std::string> rejected;  // unknown or malformed, as received, in order
};

// A space-separated `scope` parameter; bad scopes are set aside in `rejected` so the server can
// drop them and grant the rest (RFC 6749 §3.3).
ParsedScopes parse_scopes(std::string_view space_separated);
// The same, but the first bad scope fails the whole set (e.g. registration, refresh).
[[nodiscard]] Result<ScopeSet, ScopeError> parse_scopes_strict(std::string_view space_separated);

// v1 <-> v2 (SMART 2.2 scopes-and-launch-context, "Scopes for requesting clinical data",
// permission-v1): read = rs, write = cud, * = cruds.
// The v2 text of a resource scope (`patient/Observation.read` -> `patient/Observation.rs`).
std::string to_v2(const ResourceScope& s);
// The v1 text, when one exists: letters rs / cud / cruds and no filters; "" otherwise.
std::string to_v1(const ResourceScope& s);
// The text of a scope built from its fields: v1 permission when `v1` and one exists, else v2
// letters; filters unencoded (only '%', '&', '=' in names and characters outside RFC 6749
// scope-token are percent-encoded), so granular scopes read as in SMART 2.2 examples.
std::string format_scope(const ResourceScope& s);
// Same context, type, letters and filters (order-insensitive): v1 and v2 spellings are equivalent.
bool equivalent(const ResourceScope& a, const ResourceScope& b);

// Whether `a` grants at least what `b` asks: same context, a.type equal or "*", a's letters a
// superset of b's, and a no narrower (a's filters a subset of b's).
bool covers(const ResourceScope& a, const ResourceScope& b);
// For any scope kinds: resource scopes as above; launch/<type> without a role covers the same
// type with any role; every other kind needs the same kind (and, for Other, the same text).
bool covers(const Scope& a, const Scope& b);
// Whether some scope of `set` covers `s`.
bool covered_by(const ScopeSet& set, const Scope& s);

// Canonical letters of a v1 permission ("read" -> "rs"), "" when not a v1 permission.
std::string_view v1_letters(std::string_view perm);
// Whether every letter of `want` is in `have` (both subsets of "cruds").
bool letters_include(std::string_view have, std::string_view want);

}  // namespace ember::smart
