// crypto key pubkey-chain rsa: addressed-key / named-key blocks with their
// key-string hex, written back as IOS does and reloaded unchanged; bad hex
// or a key that is not RSA is refused and changes nothing.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "config/session.h"
#include "crypto/key_pair.h"
#include "crypto/testing/test_ca.h"

namespace kg::config {
namespace {

namespace fs = std::filesystem;
using crypto::testing::KeyKind;

std::string hex_lines(const Bytes& der) {
  std::string hex = to_hex(der), out;
  for (char& ch : hex) ch = char(std::toupper(static_cast<unsigned char>(ch)));
  for (size_t i = 0; i < hex.size(); i += 64) {
    out += "  ";
    for (size_t j = i; j < std::min(hex.size(), i + 64); j += 8) out += " " + hex.substr(j, 8);
    out += "\n";
  }
  return out;
}

struct PubkeyChain : ::testing::Test {
  Config cfg;
  CliSession s{cfg};
  Bytes rsa = crypto::public_der(*crypto::testing::signer_of(crypto::testing::test_key(KeyKind::kRsa2048, 3).get()));
  Bytes ec = crypto::public_der(*crypto::testing::signer_of(crypto::testing::test_key(KeyKind::kEcP256, 3).get()));
  ExecResult run(const std::string& l) {
    auto r = s.execute(l);
    EXPECT_TRUE(r.ok) << l << ": " << r.text;
    return r;
  }
  void block(const std::string& head, const Bytes& der) {
    run(head);
    run("key-string");
    std::istringstream in(hex_lines(der));
    for (std::string l; std::getline(in, l);) run(l);
    run("quit");
  }
};

TEST_F(PubkeyChain, KeysAreWrittenAsIosDoesAndReload) {
  run("configure terminal");
  run("crypto key pubkey-chain rsa");
  EXPECT_EQ(s.prompt(), "keygate(config-pubkey-chain)#");
  block("addressed-key 198.51.100.2", rsa);
  EXPECT_EQ(s.prompt(), "keygate(config-pubkey-key)#");
  run("exit");
  block("named-key site-b.example.net", rsa);
  run("end");
  std::string text = cfg.running_config_text();
  std::string want = "crypto key pubkey-chain rsa\n addressed-key 198.51.100.2\n  key-string\n" + hex_lines(rsa) +
                     "  quit\n named-key site-b.example.net\n  key-string\n" + hex_lines(rsa) + "  quit\n!\n";
  EXPECT_NE(text.find(want), std::string::npos) << text;
  EXPECT_EQ(cfg.model().pubkey_chain.addressed.at("198.51.100.2").der, std::string(rsa.begin(), rsa.end()));

  fs::path f = fs::temp_directory_path() / ("kg-pubkey-" + std::to_string(::getpid()));
  std::ofstream(f) << text;
  Config again;
  auto rep = again.load_file(f.string());
  fs::remove(f);
  ASSERT_TRUE(rep);
  EXPECT_EQ(*rep, "");
  EXPECT_EQ(again.running_config_text(), text);

  run("configure terminal");
  run("crypto key pubkey-chain rsa");
  run("no named-key site-b.example.net");
  run("end");
  EXPECT_EQ(cfg.model().pubkey_chain.named.size(), 0u);
  run("configure terminal");
  run("no crypto key pubkey-chain rsa");
  EXPECT_EQ(cfg.running_config_text().find("pubkey-chain"), std::string::npos);
}

TEST_F(PubkeyChain, BadInputChangesNothing) {
  run("configure terminal");
  run("crypto key pubkey-chain rsa");
  block("addressed-key 198.51.100.2", rsa);
  Model before = cfg.model();
  // Bad hex: the line is refused; at quit the key is incomplete: refused, the old key stays.
  run("key-string");
  EXPECT_FALSE(s.execute("  30820122 300D0609 ZZ").ok);
  auto r = run("quit");
  EXPECT_NE(r.text.find("% Error in key-string of 198.51.100.2: not an RSA public key"), std::string::npos) << r.text;
  EXPECT_EQ(cfg.model().pubkey_chain, before.pubkey_chain);
  // An EC key is not an RSA key: a new entry with it is dropped.
  run("exit");
  run("named-key ec.example.net");
  run("key-string");
  std::istringstream in(hex_lines(ec));
  for (std::string l; std::getline(in, l);) run(l);
  r = run("quit");
  EXPECT_NE(r.text.find("not an RSA public key"), std::string::npos);
  EXPECT_EQ(cfg.model().pubkey_chain.named.count("ec.example.net"), 0u);
  run("exit");
  EXPECT_FALSE(s.execute("addressed-key not-an-address").ok);
  EXPECT_EQ(cfg.model().pubkey_chain, before.pubkey_chain);
}

}  // namespace
}  // namespace kg::config
