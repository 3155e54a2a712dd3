#include "ehr/portal_css.h"
namespace ember::ehr::css {
const std::string_view kChart = "";
}  // namespace ember::ehr::css
