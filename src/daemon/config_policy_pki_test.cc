// ConfigPolicy with certificates: examples/site-b-cert.cfg plus certificates
// imported in the test; profile choice by certificate map, trustpoints in the
// profile, identity local dn, the CERTREQ authorities, asymmetric PSK.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/session.h"
#include "crypto/testing/test_ca.h"
#include "daemon/config_policy.h"

namespace kg::daemon {
namespace {

namespace fs = std::filesystem;
using crypto::testing::CertSpec;
using crypto::testing::KeyKind;
using crypto::testing::TestCa;

struct PkiPolicy : ::testing::Test {
  fs::path dir = fs::temp_directory_path() / ("kg-cpp-" + std::to_string(::getpid()) + "-" +
                                              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::time_t now = std::time(nullptr);
  TestCa ca = TestCa::root("Keygate Test Root", KeyKind::kEcP256, 70, now);
  config::Config cfg;
  config::CliSession s{cfg};
  ConfigPolicy p;
  IpAddress local = *IpAddress::parse("198.51.100.2"), remote = *IpAddress::parse("198.51.100.1");

  void SetUp() override {
    fs::create_directories(dir);
    auto r = cfg.load_file(std::string(KG_SOURCE_DIR) + "/examples/site-b-cert.cfg");
    ASSERT_TRUE(r && r->empty()) << (r ? *r : r.error().message);
    p.set_pki(&cfg.pki());
  }
  void TearDown() override { fs::remove_all(dir); }
  crypto::Certificate leaf(const std::string& cn, long serial, int slot) {
    CertSpec sp;
    sp.subject = {{"O", "keygate test"}, {"CN", cn}};
    sp.dns = {cn};
    sp.serial = serial;
    return ca.leaf(sp, crypto::testing::test_key(KeyKind::kRsa2048, slot).get());
  }
  void import(const std::string& tp, const crypto::Certificate& c, int slot) {
    std::ofstream(dir / (tp + ".ca")) << crypto::testing::cert_pem(ca.cert);
    std::ofstream(dir / (tp + ".crt")) << crypto::testing::cert_pem(c);
    std::ofstream(dir / (tp + ".prv")) << crypto::testing::key_pem(crypto::testing::test_key(KeyKind::kRsa2048, slot).get());
    for (std::string l : std::vector<std::string>{"configure terminal", "crypto pki import " + tp + " pem url file:" + (dir / tp).string(), "end"}) {
      auto r = s.execute(l);
      ASSERT_TRUE(r.ok) << l << ": " << r.text;
    }
    p.set_model(cfg.model());
  }
};

TEST_F(PkiPolicy, CertificateMapSelectsTheProfile) {
  import("site-b", leaf("site-b.example.net", 2, 71), 71);
  auto peer_a = leaf("site-a.example.net", 3, 72);
  auto other = leaf("site-x.example.net", 4, 73);
  ike::Identity dn{ike::IdType::kDerAsn1Dn, peer_a.subject_der()};
  auto prof = p.profile_for_peer_cert(dn, &peer_a, local, remote);
  ASSERT_TRUE(prof);
  EXPECT_EQ(prof->local_auth, ike::AuthKind::kRsaSig);
  EXPECT_EQ(prof->remote_auth, ike::AuthKind::kRsaSig);
  EXPECT_TRUE(prof->local_psk.empty());  // no keys needed for signatures
  ASSERT_EQ(prof->sign_trustpoints.size(), 1u);
  EXPECT_TRUE(prof->sign_trustpoints[0]->can_sign());
  ASSERT_EQ(prof->verify_trustpoints.size(), 1u);
  EXPECT_EQ(prof->local_id.str(), "site-b.example.net");
  // The map wants cn=site-a.example.net; another certificate or none fails.
  EXPECT_FALSE(p.profile_for_peer_cert(dn, &other, local, remote));
  EXPECT_FALSE(p.profile_for_peer_cert(dn, nullptr, local, remote));
  EXPECT_FALSE(p.profile_for_peer(dn, local, remote));
  // Initiator side: the same statements judge the responder.
  EXPECT_TRUE(p.peer_matches_profile(*prof, dn, &peer_a, local, remote));
  EXPECT_FALSE(p.peer_matches_profile(*prof, dn, &other, local, remote));
  // CERTREQ names the trustpoint's CA.
  auto cas = p.certreq_authorities(local);
  ASSERT_EQ(cas.size(), 1u);
  EXPECT_EQ(cas[0], ca.cert.spki_sha1());
}

TEST_F(PkiPolicy, IdentityLocalDnAndSignVerifyRoles) {
  import("site-b", leaf("site-b.example.net", 2, 71), 71);
  for (std::string l : {"configure terminal", "crypto ikev2 profile default", "identity local dn",
                        "no pki trustpoint site-b", "pki trustpoint site-b sign", "crypto pki trustpoint ROOTS",
                        "crypto ikev2 profile default", "pki trustpoint ROOTS verify", "end"}) {
    auto r = s.execute(l);
    ASSERT_TRUE(r.ok) << l << ": " << r.text;
  }
  p.set_model(cfg.model());
  auto prof = p.profile_by_name("default", remote);
  ASSERT_TRUE(prof);
  EXPECT_EQ(prof->local_id.type, ike::IdType::kDerAsn1Dn);
  EXPECT_EQ(prof->local_id.str(), "o=keygate test,cn=site-b.example.net");
  ASSERT_EQ(prof->sign_trustpoints.size(), 1u);
  EXPECT_EQ(prof->sign_trustpoints[0]->name, "site-b");
  ASSERT_EQ(prof->verify_trustpoints.size(), 1u);
  EXPECT_EQ(prof->verify_trustpoints[0]->name, "ROOTS");
  EXPECT_TRUE(p.certreq_authorities(local).empty());  // ROOTS holds no CA yet
}

TEST_F(PkiPolicy, AsymmetricPskNeedsOnlyItsOwnDirection) {
  for (std::string l : {"configure terminal", "crypto ikev2 profile default", "authentication local pre-share key LOCAL-KEY",
                        "end"}) {
    auto r = s.execute(l);
    ASSERT_TRUE(r.ok) << l << ": " << r.text;
  }
  p.set_model(cfg.model());
  auto prof = p.profile_by_name("default", remote);
  ASSERT_TRUE(prof);
  EXPECT_EQ(prof->local_auth, ike::AuthKind::kPsk);
  EXPECT_EQ(prof->remote_auth, ike::AuthKind::kRsaSig);
  EXPECT_FALSE(prof->local_psk.empty());
  EXPECT_TRUE(prof->remote_psk.empty());
}

TEST(CertMap, RulesAndSequences) {
  auto now = std::time(nullptr);
  TestCa ca = TestCa::root("Keygate Test Root", KeyKind::kEcP256, 70, now);
  CertSpec sp;
  sp.subject = {{"O", "Engineering"}, {"CN", "R1.example.net"}};
  sp.dns = {"r1.example.net"};
  sp.serial = 0x1a;
  auto c = ca.leaf(sp, crypto::testing::test_key(KeyKind::kEcP256, 74).get());
  config::CertMap m;
  m[10] = {{"subject-name", "co", "ou=sales"}};
  EXPECT_FALSE(cert_map_matches(m, c));
  m[20] = {{"subject-name", "co", "o=engineering"}, {"issuer-name", "eq", "o=keygate test,cn=keygate test root"}};
  EXPECT_TRUE(cert_map_matches(m, c));  // sequence 20: both rules hold (case-insensitive)
  m[20].push_back({"serial-number", "ne", "1a"});
  EXPECT_FALSE(cert_map_matches(m, c));
  m[30] = {{"alt-subject-name", "eq", "r1.example.net"}, {"subject-name", "nc", "cn=r2"}};
  EXPECT_TRUE(cert_map_matches(m, c));
}

}  // namespace
}  // namespace kg::daemon
