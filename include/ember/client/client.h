// Ember's SMART on FHIR client library for C++ apps (desktop, device, native, backend): the
// umbrella header. Start with launch.h (standalone_launch, ehr_launch, backend_services),
// session.h (tokens and launch context) and fhir.h (read/search/create/update).
#pragma once
#include "ember/client/credentials.h"
#include "ember/client/discovery.h"
#include "ember/client/error.h"
#include "ember/client/fhir.h"
#include "ember/client/http.h"
#include "ember/client/id_token.h"
#include "ember/client/json.h"
#include "ember/client/launch.h"
#include "ember/client/loopback.h"
#include "ember/client/pkce.h"
#include "ember/client/session.h"
#include "ember/client/tokens.h"
