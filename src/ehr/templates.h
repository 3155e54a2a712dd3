// Mustache templates of the authorization pages, compiled into the binary as raw strings so the
// server needs no template files at run time. views.cc fills them; every {{value}} is escaped,
// and no template uses triple braces or contains a script.
#pragma once
#include <string_view>

namespace ember::ehr::templates {

// The page shell: doctype, head (viewport, title, stylesheet link), brand header, and the
// card that holds the partial named "body".
extern const std::string_view kLayout;

// Page bodies, rendered as the "body" partial of kLayout.
extern const std::string_view kSignIn;
extern const std::string_view kPatientPicker;
extern const std::string_view kEncounterPicker;
extern const std::string_view kConsent;
extern const std::string_view kError;

// The hidden fields every POST form carries (partial "hidden"): txn and csrf.
extern const std::string_view kHiddenFields;

// One scope checkbox with its narrower choices nested below it; the partial "scope_item" includes
// itself for those, so every item must define scope, label, checked, has_narrower and narrower
// (mustache would otherwise look the name up in the enclosing item and recurse forever).
extern const std::string_view kScopeItem;

}  // namespace ember::ehr::templates
