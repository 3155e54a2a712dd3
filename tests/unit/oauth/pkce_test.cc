#include "oauth/pkce.h"

#include <gtest/gtest.h>

namespace ember::oauth {
namespace {

// RFC 7636 Appendix B.
constexpr const char* kAppendixBVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr const char* kAppendixBChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

TEST(Pkce, Rfc7636AppendixB) {
  EXPECT_TRUE(is_valid_challenge(kAppendixBChallenge));
  EXPECT_TRUE(verify_s256(kAppendixBVerifier, kAppendixBChallenge));
}

TEST(Pkce, RejectsWrongPlainShortAndBadCharacters) {
  struct Case {
    const char* verifier;
    bool ok;
  } cases[] = {
      {kAppendixBVerifier, true},
      {kAppendixBChallenge, false},                                     // plain-style: verifier = challenge
      {"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXX", false},  // different verifier
      {"", false},
      {"short", false},
      {"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX!", false},  // '!' not allowed
  };
  for (const auto& c : cases) EXPECT_EQ(verify_s256(c.verifier, kAppendixBChallenge), c.ok) << c.verifier;
  EXPECT_FALSE(is_valid_challenge("tooshort"));
  EXPECT_FALSE(is_valid_challenge(std::string(43, '=')));
  EXPECT_TRUE(is_valid_verifier(std::string(128, 'a')));
  EXPECT_FALSE(is_valid_verifier(std::string(129, 'a')));
  EXPECT_TRUE(is_valid_verifier(std::string(43, '~')));
}

}  // namespace
}  // namespace ember::oauth
