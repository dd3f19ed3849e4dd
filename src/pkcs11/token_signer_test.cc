// Keys generated inside a real SoftHSM2 token sign IKE AUTH data that
// OpenSSL verifies with the public half; the private half is sensitive and
// never extractable; a logged-out or pulled token fails the signature with
// a message.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include <openssl/x509.h>

#include "crypto/key_pair.h"

#include "pkcs11/module.h"
#include "pkcs11/slot.h"
#include "pkcs11/testing/soft_token.h"
#include "pkcs11/token_signer.h"

namespace kg::pkcs11 {
namespace {

using crypto::SigAlg;
using crypto::SignHash;
using testing::SoftToken;

struct TokenKeys : ::testing::Test {
  void open(const char* module) {
    auto m = Module::load_path(module);
    ASSERT_TRUE(m) << m.error().message;
    mod = *m;
    auto slots = list_slots(mod);
    ASSERT_TRUE(slots);
    for (auto& s : *slots)
      if (s.present && s.token.label == "kg-keys") slot = s.id;
    auto s = Session::open(mod, slot);
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->login(UserType::kUser, Secret(std::string_view("1234"))));
    link = std::make_shared<TokenLink>("kg-keys");
    link->attach(std::move(*s));
  }
  std::shared_ptr<TokenSigner> signer(const std::string& label) {
    auto pub = link->with_session([&](Session& s) { return read_public_key(s, label); });
    EXPECT_TRUE(pub) << pub.error().message;
    if (!pub) return nullptr;
    return std::make_shared<TokenSigner>(link, label, std::move(*pub));
  }
  SoftToken tok{"kg-keys", "1234", "5678"};
  std::shared_ptr<Module> mod;
  CK_SLOT_ID slot = 0;
  std::shared_ptr<TokenLink> link;
};

const Bytes kData = {'I', 'K', 'E', ' ', 'A', 'U', 'T', 'H'};

TEST_F(TokenKeys, RsaKeyGeneratedInsideSignsPkcs1AndPss) {
  open(testing::kSoftHsm);
  ASSERT_TRUE(link->with_session([](Session& s) { return generate_rsa(s, "site-a", 2048); }));
  auto attrs = link->with_session([](Session& s) { return private_key_attributes(s, "site-a"); });
  ASSERT_TRUE(attrs);
  EXPECT_TRUE(attrs->is_private);
  EXPECT_TRUE(attrs->sensitive);
  EXPECT_FALSE(attrs->extractable);
  EXPECT_TRUE(attrs->never_extractable);
  auto s = signer("site-a");
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->key().rsa());
  EXPECT_EQ(s->key().bits, 2048);
  EXPECT_FALSE(s->completes_at_once());
  for (auto alg : {SigAlg::kRsaPkcs1, SigAlg::kRsaPss}) {
    for (auto h : {SignHash::kSha256, SignHash::kSha384, SignHash::kSha512}) {
      crypto::SigScheme sch{alg, h};
      auto sig = s->sign(sch, kData);
      ASSERT_TRUE(sig) << sig.error().message;
      EXPECT_TRUE(crypto::verify_signature(s->public_key(), sch, kData, *sig)) << crypto::scheme_name(sch);
      Bytes other = kData;
      other[0] ^= 1;
      EXPECT_FALSE(crypto::verify_signature(s->public_key(), sch, other, *sig));
    }
  }
}

TEST_F(TokenKeys, EcKeysSignEcdsa) {
  open(testing::kSoftHsm);
  for (int bits : {256, 384}) {
    std::string label = "ec" + std::to_string(bits);
    ASSERT_TRUE(link->with_session([&](Session& s) { return generate_ec(s, label, bits); }));
    auto s = signer(label);
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->key().ecdsa());
    crypto::SigScheme sch{SigAlg::kEcdsa, bits == 256 ? SignHash::kSha256 : SignHash::kSha384};
    auto sig = s->sign(sch, kData);
    ASSERT_TRUE(sig) << sig.error().message;
    EXPECT_TRUE(crypto::verify_signature(s->public_key(), sch, kData, *sig));
  }
  auto labels = link->with_session([](Session& s) { return private_key_labels(s); });
  ASSERT_TRUE(labels);
  EXPECT_EQ(labels->size(), 2u);
}

TEST_F(TokenKeys, LoggedOutOrPulledTokenFailsTheSignatureWithAMessage) {
  open(KG_P11_DETACH);
  ASSERT_TRUE(link->with_session([](Session& s) { return generate_ec(s, "k", 256); }));
  auto s = signer("k");
  ASSERT_TRUE(s);
  crypto::SigScheme sch{SigAlg::kEcdsa, SignHash::kSha256};
  ASSERT_TRUE(s->sign(sch, kData));
  tok.pull();
  auto gone = s->sign(sch, kData);
  ASSERT_FALSE(gone);
  EXPECT_NE(gone.error().message.find("CKR_DEVICE_REMOVED"), std::string::npos) << gone.error().message;
  tok.insert();
  link->detach();
  auto off = s->sign(sch, kData);
  ASSERT_FALSE(off);
  EXPECT_NE(off.error().message.find("not active"), std::string::npos) << off.error().message;
}

// crypto key move: a key from a file becomes a sensitive token object that
// signs as the file key did; non-exportable means not extractable.
TEST_F(TokenKeys, ImportedKeysSignAndStaySensitive) {
  open(testing::kSoftHsm);
  for (bool rsa : {true, false}) {
    auto k = rsa ? crypto::generate_rsa_key(2048) : crypto::generate_ec_key(384);
    ASSERT_TRUE(k);
    auto der = (*k)->to_pkcs8();
    ASSERT_TRUE(der);
    std::string label = rsa ? "moved-rsa" : "moved-ec";
    ASSERT_TRUE(link->with_session([&](Session& s) { return import_key(s, label, der->view(), !rsa); }));
    auto again = link->with_session([&](Session& s) { return import_key(s, label, der->view(), false); });
    EXPECT_FALSE(again);  // one pair per label
    auto attrs = link->with_session([&](Session& s) { return private_key_attributes(s, label); });
    ASSERT_TRUE(attrs);
    EXPECT_TRUE(attrs->sensitive);
    EXPECT_EQ(attrs->extractable, !rsa);
    auto s = signer(label);
    ASSERT_TRUE(s);
    EXPECT_EQ(crypto::public_der(**k), [&] {
      unsigned char* p = nullptr;
      int n = i2d_PUBKEY(const_cast<EVP_PKEY*>(s->public_key()), &p);
      Bytes b(p, p + n);
      OPENSSL_free(p);
      return b;
    }());
    crypto::SigScheme sch = rsa ? crypto::SigScheme{SigAlg::kRsaPss, SignHash::kSha256}
                                : crypto::SigScheme{SigAlg::kEcdsa, SignHash::kSha384};
    auto sig = s->sign(sch, kData);
    ASSERT_TRUE(sig) << sig.error().message;
    EXPECT_TRUE(crypto::verify_signature(s->public_key(), sch, kData, *sig));
    auto n = link->with_session([&](Session& ses) { return destroy_key_pair(ses, label); });
    ASSERT_TRUE(n);
    EXPECT_EQ(*n, 2u);
    EXPECT_FALSE(s->sign(sch, kData));
  }
}

// A token pulled while a slow C_Sign runs on the worker: detach() (the
// daemon's loop) does not wait for the signature, which fails with a
// message.
TEST_F(TokenKeys, DetachDoesNotWaitForASlowSignature) {
  ::setenv("P11_DETACH_SIGN_DELAY_MS", "1500", 1);
  open(KG_P11_DETACH);
  ASSERT_TRUE(link->with_session([](Session& s) { return generate_ec(s, "slow", 256); }));
  auto s = signer("slow");
  ASSERT_TRUE(s);
  crypto::SigScheme sch{SigAlg::kEcdsa, SignHash::kSha256};
  Result<Bytes> got = fail(Errc::kState, "not run");
  std::thread worker([&] { got = s->sign(sch, kData); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  tok.pull();
  auto t0 = std::chrono::steady_clock::now();
  link->detach();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(200));
  EXPECT_FALSE(link->active());
  worker.join();
  ::unsetenv("P11_DETACH_SIGN_DELAY_MS");
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message.find("CKR_DEVICE_REMOVED"), std::string::npos) << got.error().message;
  tok.insert();
}

}  // namespace
}  // namespace kg::pkcs11
