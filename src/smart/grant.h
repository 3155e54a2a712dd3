// What a token gets: requested ∩ registered-for-the-client ∩ approved-by-the-user, echoed verbatim
// (SMART 2.2 scopes-and-launch-context; checklist SCP-06, SCP-09, SCP-12), narrowing on refresh
// (RFC 6749 §6, checklist REF-02/REF-04), and what the consent page shows: the granular category
// sub-scopes it may offer (SCP-12) and a plain-language label for every scope.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "smart/scopes.h"

namespace ember::smart {

// The granted scopes, in request order. A requested scope is granted when the user approved it
// (its exact text is in `approved`) and some allowed scope covers it; it is echoed exactly as
// requested (v1 stays v1, granular queries unencoded). For a requested resource scope the user
// did not approve as a whole, the approved scopes it covers (granular sub-scopes offered by the
// consent page) are granted instead, verbatim, when allowed. A requested resource scope that is
// approved but not covered by any allowed scope is narrowed to the allowed scopes it covers
// (e.g. patient/*.rs with only patient/Observation.rs registered). Scopes whose filters the
// server cannot enforce are never granted. Nothing outside requested ∩ allowed ∩ approved.
ScopeSet compute_grant(const ScopeSet& requested, const ScopeSet& allowed,
                       const std::vector<std::string>& approved);

// The scopes of a refreshed token (RFC 6749 §6): `requested` empty = the same grant; otherwise
// every requested scope must be in or covered by `granted`, else `invalid_scope` (never widen).
[[nodiscard]] Result<ScopeSet, ScopeError> narrow(const ScopeSet& granted,
                                                  std::string_view requested);

// The granular category sub-scopes (HTI-1 / US Core 7 scopes; checklist SCP-08, SCP-12) the
// consent page may offer for a patient/ or user/ Observation or Condition scope without filters,
// each `<context>/<Type>.<same letters, v2>?category=<system>|<code>`; empty for any other scope.
std::vector<std::string> granular_options(const ResourceScope& requested);

// A plain-language label for the consent page, e.g. "Read and search your laboratory results".
std::string describe_scope(const std::string& scope);

}  // namespace ember::smart
