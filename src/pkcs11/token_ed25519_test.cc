// An Ed25519 key made inside a real SoftHSM2 token (the Consent Token
// authority's key): its signatures verify with crypto/ed25519 against the
// public point read from the token; the private half stays sensitive and
// never extractable; the token is found by its pkcs11: URI.
#include <dlfcn.h>
#include <gtest/gtest.h>

#include "crypto/ed25519.h"
#include "pkcs11/testing/soft_token.h"
#include "pkcs11/token_keys.h"
#include "pkcs11/token_open.h"

// SoftHSM 2.6.1's CKM_EDDSA leaks an OpenSSL object per signature (37
// bytes; its OSSLEDDSA::sign). That leak is SoftHSM's, not ours: LeakSanitizer
// is told to ignore leaks allocated under libsofthsm2.so, which it can only
// recognize with full stacks (OpenSSL has no frame pointers) and with the
// library still mapped at exit (RTLD_NODELETE keeps it after C_Finalize).
extern "C" const char* __lsan_default_options() { return "fast_unwind_on_malloc=0"; }
extern "C" const char* __lsan_default_suppressions() { return "leak:libsofthsm2.so\n"; }
[[maybe_unused]] static void* const kKeepSoftHsm = ::dlopen("/usr/lib/softhsm/libsofthsm2.so", RTLD_NOW | RTLD_NODELETE);

namespace kg::pkcs11 {
namespace {

using testing::kSoftHsm;
using testing::SoftToken;

Session open_logged_in(const char* uri_text) {
  auto uri = TokenUri::parse(uri_text);
  EXPECT_TRUE(uri) << uri.error().message;
  auto s = open_token(*uri, kSoftHsm);
  EXPECT_TRUE(s) << s.error().message;
  EXPECT_TRUE(s->login(UserType::kUser, Secret(std::string_view("1234"))));
  return std::move(*s);
}

TEST(TokenEd25519, SignsWhatCryptoEd25519Verifies) {
  SoftToken tok("kg-auth", "1234", "5678");
  Session s = open_logged_in("pkcs11:token=kg-auth;object=tac");
  auto g = generate_ed25519(s, "tac");
  ASSERT_TRUE(g) << g.error().message;
  auto pub = read_ed25519_public(s, "tac");
  ASSERT_TRUE(pub) << pub.error().message;
  ASSERT_EQ(pub->size(), crypto::kEd25519KeySize);
  const Bytes msg = {'c', 'o', 'n', 's', 'e', 'n', 't'};
  auto sig = sign_ed25519(s, "tac", msg);
  ASSERT_TRUE(sig) << sig.error().message;
  ASSERT_EQ(sig->size(), crypto::kEd25519SignatureSize);
  EXPECT_TRUE(crypto::ed25519_verify(*pub, msg, *sig));
  Bytes other = msg;
  other[0] ^= 1;
  EXPECT_FALSE(crypto::ed25519_verify(*pub, other, *sig));
  // Ed25519 is deterministic (RFC 8032 §5.1.6): the same message, the same signature.
  auto again = sign_ed25519(s, "tac", msg);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *sig);

  auto attrs = private_key_attributes(s, "tac");
  ASSERT_TRUE(attrs) << attrs.error().message;
  EXPECT_TRUE(attrs->sensitive);
  EXPECT_FALSE(attrs->extractable);
  EXPECT_TRUE(attrs->never_extractable);
}

TEST(TokenEd25519, MissingKeyAndWrongTypeAreClearErrors) {
  SoftToken tok("kg-auth", "1234", "5678");
  Session s = open_logged_in("pkcs11:token=kg-auth");
  auto sig = sign_ed25519(s, "nobody", Bytes{1, 2, 3});
  ASSERT_FALSE(sig);
  EXPECT_EQ(sig.error().code, Errc::kNotFound);
  EXPECT_NE(sig.error().message.find("nobody"), std::string::npos);
  ASSERT_TRUE(generate_ec(s, "p256", 256));
  auto pub = read_ed25519_public(s, "p256");
  ASSERT_FALSE(pub);
  EXPECT_NE(pub.error().message.find("not an Ed25519 key"), std::string::npos);
}

TEST(TokenEd25519, NoMatchingTokenAndWrongPin) {
  SoftToken tok("kg-auth", "1234", "5678");
  auto uri = TokenUri::parse("pkcs11:token=elsewhere");
  ASSERT_TRUE(uri);
  auto none = open_token(*uri, kSoftHsm);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, Errc::kNotFound);
  EXPECT_NE(none.error().message.find("pkcs11:token=elsewhere"), std::string::npos);
  auto mine = TokenUri::parse("pkcs11:token=kg-auth");
  ASSERT_TRUE(mine);
  auto s = open_token(*mine, kSoftHsm);
  ASSERT_TRUE(s) << s.error().message;
  auto l = s->login(UserType::kUser, Secret(std::string_view("0000")));
  ASSERT_FALSE(l);
  EXPECT_NE(l.error().message.find("CKR_PIN_INCORRECT"), std::string::npos);
}

}  // namespace
}  // namespace kg::pkcs11
