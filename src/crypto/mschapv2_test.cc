#include "crypto/mschapv2.h"

#include <gtest/gtest.h>

#include "crypto/vector_file.h"

namespace kg::crypto::mschapv2 {
namespace {

// The RFC prints the password in UTF-16LE; keygate keeps it as typed.
std::string ascii_of_utf16(const Bytes& u) {
  std::string s;
  for (size_t i = 0; i < u.size(); i += 2) s += char(u[i]);
  return s;
}

TEST(MsChapV2, Rfc2759And3079Vectors) {
  auto vs = testing::load_vectors("mschapv2_rfc2759.txt");
  ASSERT_EQ(vs.size(), 1u);
  for (auto& v : vs) {
    SCOPED_TRACE(v.str("name"));
    Bytes user_b = v.hex("UserName");
    std::string user(user_b.begin(), user_b.end());
    Secret password(std::string_view(ascii_of_utf16(v.hex("Password"))));
    Bytes ac = v.hex("AuthenticatorChallenge"), pc = v.hex("PeerChallenge");

    EXPECT_EQ(challenge_hash(pc, ac, user), v.hex("Challenge"));
    auto hash = nt_password_hash(password);
    ASSERT_TRUE(hash) << hash.error().message;
    EXPECT_TRUE(hash->equals(v.hex("PasswordHash")));
    auto hash_hash = hash_nt_password_hash(*hash);
    ASSERT_TRUE(hash_hash);
    EXPECT_TRUE(hash_hash->equals(v.hex("PasswordHashHash")));
    auto nt = nt_response(ac, pc, user, password);
    ASSERT_TRUE(nt);
    EXPECT_EQ(*nt, v.hex("NtResponse"));
    auto s = authenticator_response(password, *nt, pc, ac, user);
    ASSERT_TRUE(s);
    EXPECT_EQ(*s, v.str("AuthenticatorResponse"));

    Secret master = master_key(*hash_hash, *nt);
    EXPECT_TRUE(master.equals(v.hex("MasterKey")));
    // RFC 3079 §3.5.3 prints the server's send key, which is the client's
    // receive key; the MSK is the client's send key then its receive key.
    EXPECT_TRUE(asymmetric_start_key(master, true, true).equals(v.hex("SendStartKey128")));
    EXPECT_TRUE(asymmetric_start_key(master, false, false).equals(v.hex("SendStartKey128")));
    auto msk = peer_msk(password, *nt);
    ASSERT_TRUE(msk);
    ASSERT_EQ(msk->size(), kMskSize);
    EXPECT_TRUE(msk->slice(0, 16).equals(asymmetric_start_key(master, true, false).view()));
    EXPECT_TRUE(msk->slice(0, 16).equals(asymmetric_start_key(master, false, true).view()));
    EXPECT_TRUE(msk->slice(16, 16).equals(v.hex("SendStartKey128")));
  }
}

TEST(MsChapV2, DomainIsLeftOutOfTheChallengeHash) {
  Bytes pc(16, 1), ac(16, 2);
  EXPECT_EQ(challenge_hash(pc, ac, "CORP\\User"), challenge_hash(pc, ac, "User"));
}

TEST(MsChapV2, NonAsciiPasswordIsHashedAsUtf16) {
  // "é" (U+00E9) is E9 00 in UTF-16LE; the same hash as from those octets.
  auto a = nt_password_hash(Secret(std::string_view("\xc3\xa9")));
  ASSERT_TRUE(a);
  auto b = nt_password_hash(Secret(std::string_view("\xe9")));
  EXPECT_FALSE(b);  // a lone Latin-1 octet is not UTF-8
  auto astral = nt_password_hash(Secret(std::string_view("\xf0\x9f\x94\x91")));
  EXPECT_TRUE(astral);
  EXPECT_FALSE(nt_password_hash(Secret(std::string_view("\xf0\x9f"))));  // cut short
}

}  // namespace
}  // namespace kg::crypto::mschapv2
