#include "jose/alg.h"

namespace ember::jose {

std::string_view to_string(Alg alg) {
  switch (alg) {
    case Alg::RS256:
      return "RS256";
    case Alg::RS384:
      return "RS384";
    case Alg::RS512:
      return "RS512";
    case Alg::PS256:
      return "PS256";
    case Alg::PS384:
      return "PS384";
    case Alg::ES256:
      return "ES256";
    case Alg::ES384:
      return "ES384";
  }
  return "";
}

std::optional<Alg> parse_alg(std::string_view name) {
  for (Alg a : kAllAlgs) {
    if (to_string(a) == name) return a;
  }
  return std::nullopt;
}

KeyType key_type_for(Alg alg) {
  return alg == Alg::ES256 || alg == Alg::ES384 ? KeyType::EC : KeyType::RSA;
}

std::optional<Curve> curve_for(Alg alg) {
  if (alg == Alg::ES256) return Curve::P256;
  if (alg == Alg::ES384) return Curve::P384;
  return std::nullopt;
}

std::string_view to_string(Curve crv) {
  return crv == Curve::P256 ? "P-256" : "P-384";
}

std::optional<Curve> parse_curve(std::string_view name) {
  if (name == "P-256") return Curve::P256;
  if (name == "P-384") return Curve::P384;
  return std::nullopt;
}

std::size_t coordinate_size(Curve crv) {
  return crv == Curve::P256 ? 32 : 48;
}

}  // namespace ember::jose
