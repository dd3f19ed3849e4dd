// crypto key commands: generate (with IOS's messages), show crypto key
// mypubkey in seed 000's layout, zeroize with its confirmation, export and
// import round trips, encrypt/decrypt/lock/unlock; bad input changes nothing
// and no private key ever reaches an output or a file in clear.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <fstream>
#include <regex>

#include "config/session.h"
#include "crypto/key_pair.h"
#include "crypto/testing/test_ca.h"

namespace kg::config {
namespace {

namespace fs = std::filesystem;
using crypto::testing::KeyKind;

struct Keys : ::testing::Test {
  fs::path dir = fs::temp_directory_path() / ("kg-keys-" + std::to_string(::getpid()) + "-" +
                                              ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::unique_ptr<Config> cfg;
  std::unique_ptr<CliSession> s;

  void SetUp() override {
    fs::create_directories(dir / "state");
    reopen();
  }
  void TearDown() override { fs::remove_all(dir); }
  void reopen() {
    s.reset();
    cfg = std::make_unique<Config>((dir / "state").string());
    s = std::make_unique<CliSession>(*cfg);
  }
  ExecResult run(const std::string& l) {
    auto r = s->execute(l);
    EXPECT_TRUE(r.ok) << l << ": " << r.text;
    return r;
  }
  ExecResult refuse(const std::string& l) {
    auto r = s->execute(l);
    EXPECT_FALSE(r.ok) << l << ": " << r.text;
    return r;
  }
  std::string show(const std::string& what = "rsa") { return run("show crypto key mypubkey " + what).text; }
  std::string read(const fs::path& p) {
    std::ifstream in(p);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  // Every file of the state directory: none may hold a clear private key.
  void expect_no_clear_key_at_rest() {
    for (auto& f : fs::recursive_directory_iterator(dir / "state")) {
      if (!f.is_regular_file()) continue;
      std::string t = read(f.path());
      EXPECT_EQ(t.find("PRIVATE KEY"), std::string::npos) << f.path();
      EXPECT_EQ(t.find("kgkey"), std::string::npos) << f.path();  // the record is only inside the seal
    }
  }
};

TEST_F(Keys, GenerateRsaShowsSeedLayoutAndSurvivesRestart) {
  run("configure terminal");
  auto r = run("crypto key generate rsa general-keys label etoken-keys modulus 1024");
  EXPECT_EQ(r.text,
            "The name for the keys will be: etoken-keys\n"
            "% The key modulus size is 1024 bits\n"
            "% Generating 1024 bit RSA keys, keys will be non-exportable...[OK]\n"
            "% Warning: RSA keys under 2048 bits are insecure and kept only for legacy peers\n");
  EXPECT_EQ(cfg->running_config_text().find("crypto key"), std::string::npos);  // never in running-config
  run("end");
  std::string out = show();
  // Seed 000: generated at, key name, storage device, usage, exportability,
  // then the DER public key in groups of eight hex digits, eight per line.
  std::regex layout(
      "% Key pair was generated at: \\d\\d:\\d\\d:\\d\\d UTC \\w{3} \\d{1,2} \\d{4}\n"
      "Key name: etoken-keys\n"
      "Key type: RSA KEYS\n"
      "Storage Device: private-config\n"
      "Usage: General Purpose Key\n"
      "Key is not exportable.\n"
      "Key Data:\n"
      "30819F30 0D06092A 864886F7 0D010101 05000381 8D003081 89028181 00[0-9A-F]{6}\n"
      "([0-9A-F]{8} ){7}[0-9A-F]{8}\n"
      "([0-9A-F]{8} ){7}[0-9A-F]{8}\n"
      "([0-9A-F]{8} ){7}[0-9A-F]{8}\n"
      "([0-9A-F]{8} ){8}[0-9A-F]{4}\n");  // 162 bytes: the short last group ends line 5, as in the seed
  EXPECT_TRUE(std::regex_match(out, layout)) << out;
  EXPECT_EQ(show("ec"), "");
  EXPECT_FALSE(s->execute("show crypto key mypubkey rsa").secret_prompt);  // an answer, not a question
  expect_no_clear_key_at_rest();
  // A restart (same state directory) shows the same key.
  reopen();
  EXPECT_EQ(show(), out);
  EXPECT_TRUE(cfg->keys().get("etoken-keys"));
}

TEST_F(Keys, UsageKeysEcAndExportableFlags) {
  auto r = run("crypto key generate rsa usage-keys label uk modulus 2048 exportable");
  EXPECT_EQ(r.text,
            "The name for the keys will be: uk\n% The key modulus size is 2048 bits\n"
            "% Generating 2048 bit RSA keys, keys will be exportable...[OK]\n"
            "% Generating 2048 bit RSA keys, keys will be exportable...[OK]\n");
  std::string out = show("rsa uk");
  EXPECT_NE(out.find("Usage: Signature Key\nKey is exportable.\n"), std::string::npos) << out;
  EXPECT_NE(out.find("Usage: Encryption Key\nKey is exportable.\n"), std::string::npos) << out;
  r = run("crypto key generate ec keysize 384 label ec1");
  EXPECT_EQ(r.text, "The name for the keys will be: ec1\n% Generating 384 bit EC keys, keys will be non-exportable...[OK]\n");
  out = show("ec");
  EXPECT_NE(out.find("Key name: ec1\nKey type: EC KEYS\nStorage Device: private-config\n"), std::string::npos) << out;
  EXPECT_EQ(show("rsa ec1"), "");
  EXPECT_EQ(show("ec uk"), "");
  refuse("crypto key generate ec keysize 521 label x");
  refuse("crypto key generate rsa general-keys label x modulus 256");
  refuse("crypto key generate rsa general-keys label ../x modulus 2048");
  // The signing key of a usage-keys pair is its signature key.
  auto sig = cfg->keys().get("uk");
  ASSERT_TRUE(sig);
  EXPECT_TRUE(sig->key().rsa());
  reopen();
  EXPECT_EQ(show("rsa uk").find("Usage: Signature Key"), show("rsa uk").find("Usage: Signature Key"));
  EXPECT_NE(show("rsa uk").find("Usage: Encryption Key"), std::string::npos);
}

TEST_F(Keys, ZeroizeAsksAndReplaceAsks) {
  run("crypto key generate rsa general-keys label a modulus 2048");
  run("crypto key generate rsa general-keys label b modulus 2048");
  // Replacing a label asks first; "no" keeps the old key.
  std::string before = show("rsa a");
  auto r = run("crypto key generate rsa general-keys label a modulus 2048");
  EXPECT_EQ(r.text, "% You already have RSA keys defined named a.\n");
  EXPECT_EQ(r.secret_prompt, "% Do you really want to replace them? [yes/no]: ");
  EXPECT_EQ(run("no").text, "% Keys not replaced.\n");
  EXPECT_EQ(show("rsa a"), before);
  run("crypto key generate rsa general-keys label a modulus 2048");
  r = run("yes");
  EXPECT_NE(r.text.find("[OK]"), std::string::npos);
  EXPECT_NE(show("rsa a"), before);

  r = run("crypto key zeroize rsa a");
  EXPECT_EQ(r.text, "% Keys to be removed are named 'a'.\n");
  EXPECT_EQ(r.secret_prompt, "% Do you really want to remove these keys? [yes/no]: ");
  run("no");
  EXPECT_NE(show("rsa a"), "");
  run("crypto key zeroize rsa a");
  run("yes");
  EXPECT_EQ(show("rsa a"), "");
  EXPECT_NE(show("rsa b"), "");
  EXPECT_FALSE(fs::exists(dir / "state" / "pki" / "a.key"));
  r = refuse("crypto key zeroize rsa a");
  EXPECT_EQ(r.text, "% No RSA keys named a found.\n");
  // Without a label: every RSA key (EC keys stay).
  run("crypto key generate ec keysize 256 label e");
  run("configure terminal");
  r = run("crypto key zeroize rsa");
  EXPECT_EQ(r.text, "% All RSA keys will be removed.\n");
  run("yes");
  run("end");
  EXPECT_EQ(show(), "");
  EXPECT_NE(show("ec"), "");
}

TEST_F(Keys, ConfigFileCannotConfirm) {
  run("crypto key generate rsa general-keys label a modulus 2048");
  std::ofstream(dir / "cfg") << "crypto key zeroize rsa a\ncrypto key generate rsa general-keys label a modulus 2048\n"
                                "crypto key generate ec keysize 256 label fresh\n";
  std::string before = show();
  auto rep = cfg->load_file((dir / "cfg").string());
  ASSERT_TRUE(rep);
  EXPECT_NE(rep->find("asks for confirmation"), std::string::npos) << *rep;
  EXPECT_NE(rep->find("You already have keys named a"), std::string::npos) << *rep;
  EXPECT_EQ(show(), before);
  EXPECT_NE(show("ec fresh"), "");
}

TEST_F(Keys, ExportImportRoundTrip) {
  run("crypto key generate rsa general-keys label ex modulus 2048 exportable");
  run("crypto key generate rsa general-keys label nx modulus 2048");
  auto r = refuse("crypto key export rsa nx pem terminal aes secret-pass");
  EXPECT_EQ(r.text, "% RSA keypair nx is not exportable.\n");
  refuse("crypto key export rsa missing pem terminal aes secret-pass");

  r = run("crypto key export rsa ex pem terminal aes secret-pass");
  EXPECT_NE(r.text.find("% Key name: ex\n   Usage: General Purpose Key\nKey data:\n-----BEGIN PUBLIC KEY-----\n"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find("-----BEGIN ENCRYPTED PRIVATE KEY-----"), std::string::npos);
  EXPECT_EQ(r.text.find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
  EXPECT_EQ(r.text.find("RSA PRIVATE KEY"), std::string::npos);

  std::string prefix = (dir / "ex").string();
  r = run("crypto key export rsa ex pem url file:" + prefix + " aes secret-pass");
  EXPECT_NE(r.text.find("Writing file to " + prefix + ".prv"), std::string::npos) << r.text;
  EXPECT_EQ(fs::status(prefix + ".prv").permissions() & fs::perms::others_read, fs::perms::none);
  std::string prv = read(prefix + ".prv");
  EXPECT_NE(prv.find("ENCRYPTED PRIVATE KEY"), std::string::npos);

  // Bad input changes nothing: wrong passphrase, malformed PEM, key/public mismatch.
  r = refuse("crypto key import rsa copy pem url file:" + prefix + " wrong-pass");
  EXPECT_NE(r.text.find("Import of key pair copy failed: wrong passphrase"), std::string::npos) << r.text;
  std::ofstream(dir / "junk.prv") << "-----BEGIN ENCRYPTED PRIVATE KEY-----\nnot base64 !!\n-----END ENCRYPTED PRIVATE KEY-----\n";
  refuse("crypto key import rsa copy pem url file:" + (dir / "junk").string() + " secret-pass");
  fs::copy_file(prefix + ".prv", dir / "mix.prv");
  run("crypto key export rsa ex pem terminal aes x");  // (any exportable key's public half would do)
  run("crypto key generate rsa general-keys label other modulus 2048 exportable");
  run("crypto key export rsa other pem url file:" + (dir / "other").string() + " aes secret-pass");
  fs::copy_file(dir / "other.pub", dir / "mix.pub");
  r = refuse("crypto key import rsa copy pem url file:" + (dir / "mix").string() + " secret-pass");
  EXPECT_NE(r.text.find("does not belong"), std::string::npos) << r.text;
  EXPECT_EQ(show("rsa copy"), "");

  r = run("crypto key import rsa copy pem url file:" + prefix + " secret-pass");
  EXPECT_NE(r.text.find("% Key pair import succeeded."), std::string::npos);
  // Same public key, and as imported without `exportable`, not exportable.
  std::string a = show("rsa ex"), b = show("rsa copy");
  EXPECT_EQ(a.substr(a.find("Key Data:")), b.substr(b.find("Key Data:")));
  EXPECT_NE(b.find("Key is not exportable."), std::string::npos);
  refuse("crypto key export rsa copy pem terminal aes p");
  run("crypto key import rsa copy2 pem url file:" + prefix + " secret-pass exportable");
  EXPECT_NE(show("rsa copy2").find("Key is exportable."), std::string::npos);
  expect_no_clear_key_at_rest();
}

TEST_F(Keys, TripleDesIsLegacy) {
  run("crypto key generate rsa general-keys label ex modulus 2048 exportable");
  auto r = s->execute("crypto key export rsa ex pem url file:" + (dir / "d").string() + " 3des pass-3des");
  if (!crypto::pem_cipher_available("DES-EDE3-CBC")) {
    EXPECT_FALSE(r.ok);
    return;
  }
  ASSERT_TRUE(r.ok) << r.text;
  EXPECT_NE(r.text.find("% Warning: 3des is insecure"), std::string::npos);
  run("crypto key import rsa back pem url file:" + (dir / "d").string() + " pass-3des");
  EXPECT_NE(show("rsa back"), "");
}

// IOS's word orders (seed 001): exportable after the label or before the
// passphrase; single DES is refused and nothing is written.
TEST_F(Keys, ImportIosWordOrdersAndDesRefused) {
  run("crypto key generate rsa general-keys label ex modulus 2048 exportable");
  std::string prefix = (dir / "ios").string();
  auto r = refuse("crypto key export rsa ex pem url file:" + prefix + " des des-pass");
  EXPECT_NE(r.text.find("des (56-bit) is refused"), std::string::npos) << r.text;
  EXPECT_FALSE(fs::exists(prefix + ".prv"));
  run("crypto key export rsa ex pem url file:" + prefix + " aes ios-pass");
  run("crypto key import rsa a1 exportable pem url file:" + prefix + " ios-pass");
  run("crypto key import rsa a2 pem url file:" + prefix + " exportable ios-pass");
  run("crypto key import rsa a3 pem url file:" + prefix + " ios-pass");
  EXPECT_NE(show("rsa a1").find("Key is exportable."), std::string::npos);
  EXPECT_NE(show("rsa a2").find("Key is exportable."), std::string::npos);
  EXPECT_NE(show("rsa a3").find("Key is not exportable."), std::string::npos);
  refuse("crypto key import rsa a4 exportable pem url file:" + prefix + " wrong-pass");
  EXPECT_EQ(show("rsa a4"), "");
}

TEST_F(Keys, ImportFromTerminalReadsLinesUntilQuit) {
  auto key = crypto::testing::test_key(KeyKind::kRsa2048, 7);
  std::string pem = crypto::testing::key_pem_encrypted(key.get(), "paste-pass");
  auto r = run("crypto key import rsa pasted pem terminal paste-pass");
  ASSERT_TRUE(r.secret_prompt);
  std::istringstream in(pem);
  std::string line;
  while (std::getline(in, line)) {
    r = run(line);
    EXPECT_EQ(r.secret_prompt, "");  // the next line is read unechoed too
  }
  r = run("quit");
  EXPECT_EQ(r.text, "% Key pair import succeeded.\n");
  EXPECT_FALSE(r.secret_prompt);
  ASSERT_TRUE(cfg->keys().get("pasted"));
  auto entries = cfg->keys().entries();
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].public_der, crypto::public_der(*crypto::testing::signer_of(key.get())));
  EXPECT_EQ(run("show crypto key mypubkey rsa pasted").text, show());  // back to commands
}

TEST_F(Keys, EncryptLockUnlockDecrypt) {
  run("crypto key generate rsa general-keys label pk modulus 2048");
  auto signer = cfg->keys().get("pk");
  ASSERT_TRUE(signer);
  Bytes data = {1, 2, 3};
  crypto::SigScheme scheme{crypto::SigAlg::kRsaPkcs1, crypto::SignHash::kSha256};
  ASSERT_TRUE(signer->sign(scheme, data));

  run("configure terminal");
  run("crypto key encrypt rsa label pk passphrase pass-one");
  run("end");
  EXPECT_NE(show().find("*** The key is protected and UNLOCKED. ***"), std::string::npos);
  EXPECT_TRUE(signer->sign(scheme, data));  // still usable until locked
  auto r = refuse("crypto key lock rsa name pk passphrase wrong");
  EXPECT_NE(r.text.find("Wrong passphrase"), std::string::npos);
  EXPECT_TRUE(signer->sign(scheme, data));
  run("crypto key lock rsa name pk passphrase pass-one");
  EXPECT_NE(show().find("*** The key is protected and LOCKED. ***"), std::string::npos);
  auto locked = signer->sign(scheme, data);
  ASSERT_FALSE(locked);
  EXPECT_NE(locked.error().message.find("RSA key pair pk is locked"), std::string::npos);
  // A restart keeps it locked; unlock with the passphrase.
  reopen();
  EXPECT_NE(show().find("LOCKED. ***"), std::string::npos);
  signer = cfg->keys().get("pk");
  ASSERT_TRUE(signer);
  EXPECT_FALSE(signer->sign(scheme, data));
  refuse("crypto key unlock rsa name pk passphrase nope");
  EXPECT_FALSE(signer->sign(scheme, data));
  run("crypto key unlock rsa name pk passphrase pass-one");
  EXPECT_TRUE(signer->sign(scheme, data));
  refuse("crypto key encrypt rsa label pk passphrase other");  // already protected
  expect_no_clear_key_at_rest();
  run("crypto key decrypt rsa label pk passphrase pass-one");
  EXPECT_EQ(show().find("protected"), std::string::npos);
  reopen();
  EXPECT_TRUE(cfg->keys().get("pk")->sign(scheme, data));
}

TEST_F(Keys, PassphrasesAreRedactedWhenALineIsRejected) {
  std::ofstream(dir / "cfg") << "crypto key export rsa none pem terminal aes top-secret-pass\n"
                                "crypto key encrypt rsa label none passphrase other-secret\n";
  auto rep = cfg->load_file((dir / "cfg").string());
  ASSERT_TRUE(rep);
  EXPECT_EQ(rep->find("other-secret"), std::string::npos) << *rep;
  EXPECT_EQ(rep->find("top-secret-pass"), std::string::npos) << *rep;
}

// A token as the crypto key commands see it: another KeyStorage
// (daemon/token_storage.h is the real one, over PKCS#11).
class FakeToken final : public KeyStorage {
 public:
  struct Held {
    KeyEntry entry;
    std::shared_ptr<crypto::KeySigner> key;
  };
  std::map<std::string, Held> keys;
  bool last_exportable = true;
  std::string name() const override { return "eToken"; }
  std::vector<KeyEntry> list() const override {
    std::vector<KeyEntry> out;
    for (auto& [l, h] : keys) out.push_back(h.entry);
    return out;
  }
  Result<void> generate(const std::string& label, KeySpec spec, bool, bool) override {
    auto k = spec.ec ? crypto::generate_ec_key(spec.bits) : crypto::generate_rsa_key(spec.bits);
    if (!k) return std::unexpected(k.error());
    hold(label, *k);
    return {};
  }
  Result<size_t> remove(const std::string& label, bool ec) override {
    size_t n = 0;
    for (auto it = keys.begin(); it != keys.end();)
      if ((label.empty() || it->first == label) && it->second.entry.info.ecdsa() == ec) it = keys.erase(it), ++n;
      else ++it;
    return n;
  }
  std::shared_ptr<const crypto::Signer> signer(const std::string& label) const override {
    auto it = keys.find(label);
    return it == keys.end() ? nullptr : it->second.key;
  }
  Result<void> import_pkcs8(const std::string& label, ByteView der, bool exportable) override {
    auto k = crypto::KeySigner::from_pkcs8(der);
    if (!k) return std::unexpected(k.error());
    last_exportable = exportable;
    hold(label, *k);
    return {};
  }

 private:
  void hold(const std::string& label, std::shared_ptr<crypto::KeySigner> k) {
    KeyEntry e;
    e.label = label;
    e.info = k->key();
    e.public_der = crypto::public_der(*k);
    e.device = "usbtoken0 (label=eToken)";
    keys[label] = {e, k};
  }
};

TEST_F(Keys, TokenStorageGenerateDefaultStorageMoveAndShow) {
  auto tok = std::make_shared<FakeToken>();
  cfg->keys().add_storage(tok);
  auto pki = dir / "state" / "pki";
  // storage NAME: into the token, nothing in the state directory.
  auto r = run("crypto key generate ec keysize 256 label t1 storage eToken");
  EXPECT_NE(r.text.find("[OK] (on eToken)"), std::string::npos) << r.text;
  EXPECT_TRUE(tok->keys.contains("t1"));
  EXPECT_FALSE(fs::exists(pki / "t1.key"));
  r = refuse("crypto key generate ec keysize 256 label t2 storage nosuch");
  EXPECT_NE(r.text.find("Storage nosuch not found"), std::string::npos) << r.text;
  // crypto key storage: the default when no storage keyword is given.
  run("configure terminal");
  run("crypto key storage eToken");
  run("crypto key generate rsa general-keys label t3 modulus 2048");
  EXPECT_TRUE(tok->keys.contains("t3"));
  run("crypto key generate rsa general-keys label f1 modulus 2048 exportable storage private-config");
  EXPECT_TRUE(fs::exists(pki / "f1.key"));
  EXPECT_FALSE(tok->keys.contains("f1"));
  r = refuse("crypto key generate ec keysize 256 label t1");
  EXPECT_NE(r.text.find("already have keys named t1"), std::string::npos) << r.text;
  run("end");
  // crypto key move: off the disk, onto the token; the label still signs.
  r = refuse("crypto key move rsa f1 storage nosuch");
  EXPECT_TRUE(fs::exists(pki / "f1.key"));
  r = refuse("crypto key move ec f1 storage eToken");  // f1 is RSA
  EXPECT_TRUE(fs::exists(pki / "f1.key"));
  auto before = cfg->keys().get("f1");
  ASSERT_TRUE(before);
  r = run("crypto key move rsa f1 non-exportable storage eToken");
  EXPECT_NE(r.text.find("Key pair f1 moved to eToken, not exportable"), std::string::npos) << r.text;
  EXPECT_FALSE(fs::exists(pki / "f1.key"));
  ASSERT_TRUE(tok->keys.contains("f1"));
  EXPECT_FALSE(tok->last_exportable);
  EXPECT_EQ(cfg->keys().get("f1"), tok->keys["f1"].key);
  EXPECT_EQ(tok->keys["f1"].entry.public_der, [&] {
    for (auto& e : cfg->keys().entries())
      if (e.label == "f1") return e.public_der;
    return Bytes{};
  }());
  // show: the token's keys in seed 000's layout, without a creation time.
  std::string out = show("rsa");
  EXPECT_NE(out.find("Key name: f1\nKey type: RSA KEYS\nStorage Device: usbtoken0 (label=eToken)\n"
                     "Usage: General Purpose Key\nKey is not exportable.\nKey Data:\n"),
            std::string::npos) << out;
  EXPECT_EQ(out.find("generated at"), std::string::npos) << out;
  // zeroize reaches the token too.
  run("crypto key zeroize ec t1");
  run("yes");
  EXPECT_FALSE(tok->keys.contains("t1"));
}

}  // namespace
}  // namespace kg::config
