// The JWS algorithms Ember signs and verifies (RFC 7518 §3.1) and what key each one needs.
// HMAC (HS*) and "none" are deliberately absent: a verifier that knows only these can never be
// talked into treating a public key as a MAC secret (the alg-confusion trap, RFC 8725 §2.1).
#pragma once
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string_view>

namespace ember::jose {

enum class Alg : std::uint8_t { RS256, RS384, RS512, PS256, PS384, ES256, ES384 };
enum class KeyType : std::uint8_t { RSA, EC };
enum class Curve : std::uint8_t { P256, P384 };

inline constexpr Alg kAllAlgs[] = {Alg::RS256, Alg::RS384, Alg::RS512, Alg::PS256,
                                   Alg::PS384, Alg::ES256, Alg::ES384};

// The registered "alg" name, e.g. "ES256".
std::string_view to_string(Alg alg);
// nullopt for any name outside our set, including "none" and HS*.
std::optional<Alg> parse_alg(std::string_view name);

KeyType key_type_for(Alg alg);
// The curve an ES* alg requires (RFC 7518 §3.4); nullopt for RSA algs.
std::optional<Curve> curve_for(Alg alg);

// "P-256" / "P-384" (RFC 7518 §6.2.1.1).
std::string_view to_string(Curve crv);
std::optional<Curve> parse_curve(std::string_view name);
// Octets of one coordinate / of the private scalar, and of R and S in a JWS signature.
std::size_t coordinate_size(Curve crv);

// A small set of algorithms: the caller's allow-list for verification.
class AlgSet {
 public:
  constexpr AlgSet() = default;
  constexpr AlgSet(std::initializer_list<Alg> algs) {
    for (Alg a : algs) bits_ |= bit(a);
  }
  static constexpr AlgSet all() {
    AlgSet s;
    for (Alg a : kAllAlgs) s.bits_ |= bit(a);
    return s;
  }
  constexpr bool contains(Alg a) const { return (bits_ & bit(a)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }

 private:
  static constexpr std::uint32_t bit(Alg a) { return 1u << static_cast<unsigned>(a); }
  std::uint32_t bits_ = 0;
};

}  // namespace ember::jose
