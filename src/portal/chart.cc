// Filled in by the portal pages that follow (this commit only wires the portal).
#include "portal/portal.h"
namespace ember::portal {
void mount_chart(http::Router&, Portal&) {}
}  // namespace ember::portal
