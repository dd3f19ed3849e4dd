// crypto pki: trustpoints, PEM import from files, certificate chain blocks in
// the running-config, reload from write memory, show commands; keys never in
// any text.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/session.h"
#include "crypto/testing/test_ca.h"

namespace kg::config {
namespace {

namespace fs = std::filesystem;
using crypto::testing::CertSpec;
using crypto::testing::KeyKind;
using crypto::testing::TestCa;

struct Pki : ::testing::Test {
  fs::path dir = fs::temp_directory_path() / ("kg-pki-" + std::to_string(::getpid()) + "-" +
                                              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::time_t now = std::time(nullptr);
  TestCa ca = TestCa::root("Keygate Test Root", KeyKind::kEcP256, 40, now);
  std::shared_ptr<EVP_PKEY> key = crypto::testing::test_key(KeyKind::kEcP256, 41);
  crypto::Certificate cert = ca.leaf(spec("site-a.example.net", 0x0a), key.get());
  std::unique_ptr<Config> cfg;
  std::unique_ptr<CliSession> s;

  void SetUp() override {
    fs::create_directories(dir / "state");
    open_config();
  }
  void TearDown() override { fs::remove_all(dir); }
  void open_config() {
    s.reset();
    cfg = std::make_unique<Config>((dir / "state").string());
    s = std::make_unique<CliSession>(*cfg);
  }
  static CertSpec spec(const std::string& cn, long serial) {
    CertSpec sp;
    sp.subject = {{"O", "keygate test"}, {"CN", cn}};
    sp.dns = {cn};
    sp.serial = serial;
    return sp;
  }
  void write(const std::string& name, const std::string& text) { std::ofstream(dir / name) << text; }
  void write_pem_set(const std::string& prefix, const std::string& key_text) {
    write(prefix + ".ca", crypto::testing::cert_pem(ca.cert));
    write(prefix + ".crt", crypto::testing::cert_pem(cert));
    write(prefix + ".prv", key_text);
  }
  ExecResult run(std::string_view l) {
    auto r = s->execute(l);
    EXPECT_TRUE(r.ok) << l << ": " << r.text;
    return r;
  }
  std::string url(const std::string& prefix) { return "file:" + (dir / prefix).string(); }
};

TEST_F(Pki, TrustpointCommandsRoundTrip) {
  run("conf t");
  run("crypto pki trustpoint TP");
  EXPECT_EQ(s->prompt(), "keygate(ca-trustpoint)#");
  run("enrollment terminal pem");
  run("revocation-check none");
  run("subject-name cn=site-a.example.net,o=keygate test");
  run("rsakeypair TPKEY 2048");
  EXPECT_FALSE(s->execute("rsakeypair ../etc").ok);
  run("exit");
  std::string text = cfg->running_config_text();
  EXPECT_NE(text.find("crypto pki trustpoint TP\n enrollment terminal pem\n subject-name cn=site-a.example.net,o=keygate test\n"
                      " revocation-check none\n rsakeypair TPKEY 2048\n!\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(key_label("TP", cfg->model().trustpoints.at("TP")), "TPKEY");
  run("no crypto pki trustpoint TP");
  EXPECT_TRUE(cfg->model().trustpoints.empty());
}

TEST_F(Pki, ImportPemStoresSealedKeyAndChainSurvivesReload) {
  write_pem_set("site-a", crypto::testing::key_pem_encrypted(key.get(), "pem-pass"));
  run("conf t");
  auto r = s->execute("crypto pki import TP pem url " + url("site-a") + " password wrong");
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.text.find("wrong passphrase"), std::string::npos) << r.text;
  EXPECT_TRUE(cfg->model().trustpoints.empty());  // nothing changed
  r = run("crypto pki import TP pem url " + url("site-a") + " password pem-pass");
  EXPECT_NE(r.text.find("% PEM files import succeeded."), std::string::npos);
  auto tp = cfg->pki().trustpoint("TP");
  ASSERT_TRUE(tp);
  ASSERT_TRUE(tp->cert);
  EXPECT_EQ(*tp->cert, cert);
  ASSERT_EQ(tp->ca_certs.size(), 1u);
  EXPECT_TRUE(tp->can_sign());
  EXPECT_TRUE(tp->trust);
  EXPECT_EQ(cfg->model().trustpoints.at("TP").eckeypair, "TP");

  // The running-config holds the certificates as IOS hex blocks, never the key.
  std::string text = cfg->running_config_text();
  EXPECT_NE(text.find("crypto pki certificate chain TP\n certificate 0A\n  "), std::string::npos) << text;
  EXPECT_NE(text.find(" certificate ca 01\n"), std::string::npos);
  EXPECT_NE(text.find("  \tquit\n"), std::string::npos);
  EXPECT_EQ(text.find("PRIVATE"), std::string::npos);
  auto pkcs8 = tp->signer ? crypto::testing::signer_of(key.get())->to_pkcs8() : fail(Errc::kState, "");
  ASSERT_TRUE(pkcs8);
  std::string key_hex = to_hex(pkcs8->view().subspan(pkcs8->size() - 40));
  for (auto& ch : key_hex) ch = char(std::toupper(static_cast<unsigned char>(ch)));
  EXPECT_EQ(text.find(key_hex.substr(0, 16)), std::string::npos);
  // The key file is sealed: the clear key bytes are not in it.
  std::ifstream kf(dir / "state" / "pki" / "TP.key");
  std::string sealed((std::istreambuf_iterator<char>(kf)), std::istreambuf_iterator<char>());
  EXPECT_FALSE(sealed.empty());
  EXPECT_EQ(sealed.find("PRIVATE"), std::string::npos);
  EXPECT_EQ(fs::status(dir / "state" / "pki" / "TP.key").permissions() & fs::perms::others_read, fs::perms::none);

  // write memory, then a new daemon (same state directory) loads it back.
  ASSERT_TRUE(cfg->write_memory());
  open_config();
  auto rep = cfg->load_file((dir / "state" / "startup-config").string());
  ASSERT_TRUE(rep);
  EXPECT_EQ(*rep, "");
  auto again = cfg->pki().trustpoint("TP");
  ASSERT_TRUE(again);
  ASSERT_TRUE(again->cert);
  EXPECT_EQ(*again->cert, cert);
  EXPECT_TRUE(again->can_sign());
  EXPECT_EQ(cfg->running_config_text(), text);
}

TEST_F(Pki, ImportRefusesMismatchesAndMissingFiles) {
  run("conf t");
  auto other = crypto::testing::test_key(KeyKind::kEcP256, 42);
  write_pem_set("bad", crypto::testing::key_pem(other.get()));
  auto r = s->execute("crypto pki import TP pem url " + url("bad"));
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.text.find("does not match the certificate"), std::string::npos) << r.text;
  EXPECT_FALSE(s->execute("crypto pki import TP pem url " + url("nothing-here")).ok);
  write("only.ca", crypto::testing::cert_pem(ca.cert));
  write("only.crt", crypto::testing::cert_pem(cert));
  r = s->execute("crypto pki import TP pem url " + url("only"));
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.text.find(".prv is missing"), std::string::npos);
  // A certificate from another CA than the .ca file.
  auto foreign = TestCa::root("Other Root", KeyKind::kEcP256, 43, now);
  write("mixed.ca", crypto::testing::cert_pem(foreign.cert));
  write("mixed.crt", crypto::testing::cert_pem(cert));
  write("mixed.prv", crypto::testing::key_pem(key.get()));
  r = s->execute("crypto pki import TP pem url " + url("mixed"));
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.text.find("unable to get local issuer certificate"), std::string::npos) << r.text;
  EXPECT_FALSE(s->execute("crypto pki import TP pem url tftp://x/y").ok);
  EXPECT_TRUE(cfg->model().trustpoints.empty());
  EXPECT_TRUE(cfg->model().cert_chains.empty());
  // The CA alone (crypto pki authenticate's job) is fine.
  write("only-ca-test.ca", crypto::testing::cert_pem(ca.cert));
  run("crypto pki import CAONLY pem url " + url("only-ca-test"));
  EXPECT_EQ(cfg->pki().trustpoint("CAONLY")->ca_certs.size(), 1u);
}

TEST_F(Pki, CertificateChainBlocks) {
  run("conf t");
  run("crypto pki certificate chain TP");
  EXPECT_EQ(s->prompt(), "keygate(config-cert-chain)#");
  run("certificate ca 01");
  EXPECT_EQ(s->prompt(), "keygate(config-pubkey)#");
  std::string hex = to_hex(ca.cert.der());
  for (size_t i = 0; i < hex.size(); i += 64) run(hex.substr(i, 64));
  EXPECT_FALSE(s->execute("zz not hex").ok);
  run("quit");
  EXPECT_EQ(s->prompt(), "keygate(config-cert-chain)#");
  // A broken block is dropped with IOS's message.
  run("certificate 0B");
  run("30820101 DEADBEEF");
  auto r = run("quit");
  EXPECT_NE(r.text.find("% Error in saving certificate 0B"), std::string::npos);
  // A CA certificate entered as the router certificate is refused.
  run("certificate 05");
  run(hex);
  r = run("quit");
  EXPECT_NE(r.text.find("a CA certificate"), std::string::npos);
  run("exit");
  ASSERT_EQ(cfg->model().cert_chains.at("TP").certs.size(), 1u);
  run("crypto pki trustpoint TP");
  run("revocation-check none");
  auto tp = cfg->pki().trustpoint("TP");
  ASSERT_TRUE(tp);
  ASSERT_EQ(tp->ca_certs.size(), 1u);
  EXPECT_FALSE(tp->crl_check);
  EXPECT_FALSE(tp->can_sign());
  run("crypto pki certificate chain TP");
  run("no certificate ca 01");
  EXPECT_TRUE(cfg->pki().trustpoint("TP")->ca_certs.empty());
}

TEST_F(Pki, ShowCommands) {
  write_pem_set("site-a", crypto::testing::key_pem(key.get()));
  run("conf t");
  run("crypto pki import TP pem url " + url("site-a"));
  run("end");
  std::string certs = run("show crypto pki certificates").text;
  EXPECT_NE(certs.find("Certificate\n  Status: Available\n  Certificate Serial Number (hex): 0A\n"
                       "  Certificate Usage: General Purpose\n  Issuer: \n    o=keygate test\n    cn=Keygate Test Root\n"
                       "  Subject:\n    Name: site-a.example.net\n    o=keygate test\n    cn=site-a.example.net\n"),
            std::string::npos)
      << certs;
  EXPECT_NE(certs.find("CA Certificate\n  Status: Available\n  Certificate Serial Number (hex): 01\n"
                       "  Certificate Usage: Signature\n"),
            std::string::npos);
  EXPECT_NE(certs.find("    end   date: "), std::string::npos);
  EXPECT_NE(certs.find("  Associated Trustpoints: TP \n"), std::string::npos);
  EXPECT_EQ(run("show crypto pki certificates OTHER").text, "");
  std::string tps = run("show crypto pki trustpoints").text;
  EXPECT_EQ(tps, "Trustpoint TP:\n    Subject Name: \n    o=keygate test\n    cn=Keygate Test Root\n"
                 "          Serial Number (hex): 01\n    Certificate configured.\n\n");
  std::string st = run("show crypto pki trustpoints TP status").text;
  EXPECT_NE(st.find("  Router General Purpose certificate configured:\n"), std::string::npos) << st;
  EXPECT_NE(st.find("Keys generated ............. Yes (TP, matches the certificate)"), std::string::npos) << st;
  EXPECT_NE(st.find("Issuing CA authenticated ....... Yes"), std::string::npos);
  EXPECT_EQ(st.find("PRIVATE"), std::string::npos);
  // The same as JSON documents, without key material.
  std::string jc = run("show crypto pki certificates | json").text;
  EXPECT_NE(jc.find("\"serial\":\"0A\""), std::string::npos) << jc;
  EXPECT_NE(jc.find("\"usage\":\"General Purpose\""), std::string::npos) << jc;
  std::string jt = run("show crypto pki trustpoints status | json").text;
  EXPECT_NE(jt.find("\"key_present\":true"), std::string::npos) << jt;
  EXPECT_NE(jt.find("\"key_matches_certificate\":true"), std::string::npos) << jt;
  EXPECT_EQ(jt.find("PRIVATE"), std::string::npos);
}

TEST_F(Pki, CertificateMapsAndProfileCommands) {
  run("conf t");
  run("crypto pki certificate map PEERS 10");
  EXPECT_EQ(s->prompt(), "keygate(ca-certificate-map)#");
  run("subject-name co site-b");
  run("issuer-name eq o=keygate test,cn=keygate test root");
  run("crypto ikev2 profile P");
  run("match certificate PEERS");
  run("identity local dn");
  run("authentication local rsa-sig");
  run("authentication remote ecdsa-sig");
  run("pki trustpoint TP sign");
  run("pki trustpoint TP2");
  run("pki trustpoint TP verify");  // replaces "TP sign"
  auto& p = cfg->model().profiles.at("P");
  EXPECT_EQ(p.auth_local, AuthMethod::kRsaSig);
  EXPECT_EQ(p.auth_remote, std::vector<AuthMethod>{AuthMethod::kEcdsaSig});
  EXPECT_EQ(p.identity_local->words(), "dn");
  EXPECT_EQ(p.pki_trustpoints, (std::vector<std::string>{"TP2", "TP verify"}));
  std::string text = cfg->running_config_text();
  EXPECT_NE(text.find("crypto pki certificate map PEERS 10\n subject-name co site-b\n"
                      " issuer-name eq o=keygate test,cn=keygate test root\n!\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("crypto ikev2 profile P\n match certificate PEERS\n identity local dn\n"
                      " authentication local rsa-sig\n authentication remote ecdsa-sig\n"
                      " pki trustpoint TP2\n pki trustpoint TP verify\n!\n"),
            std::string::npos)
      << text;
  // The text loads back to the same configuration.
  std::ofstream(dir / "rc.cfg") << text;
  open_config();
  ASSERT_TRUE(cfg->load_file((dir / "rc.cfg").string()));
  EXPECT_EQ(cfg->running_config_text(), text);
  run("conf t");
  run("crypto ikev2 profile P");
  run("no authentication local rsa-sig");
  run("no identity local dn");
  run("no match certificate PEERS");
  EXPECT_EQ(cfg->model().profiles.at("P").auth_local, AuthMethod::kNone);
  EXPECT_FALSE(cfg->model().profiles.at("P").identity_local);
  run("no crypto pki certificate map PEERS 10");
  EXPECT_TRUE(cfg->model().cert_maps.empty());
}

}  // namespace
}  // namespace kg::config
