// Filled in by the portal pages that follow (this commit only wires the portal).
#include "portal/portal.h"
namespace ember::portal {
void mount_apps(http::Router&, Portal&) {}
}  // namespace ember::portal
