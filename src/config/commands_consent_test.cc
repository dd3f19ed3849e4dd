// consent-token authority NAME / public-key ed25519: accepted, refused, and
// written back to the running-config.
#include <gtest/gtest.h>

#include "config/session.h"
#include "consent/signature.h"

namespace kg::config {
namespace {

TEST(ConsentAuthorityConfig, KeyLineRoundTrip) {
  auto key = consent::SigningKey::generate();
  ASSERT_TRUE(key);
  std::string pub = consent::public_key_base64(key->public_raw());
  Config c;
  CliSession s(c);
  ASSERT_TRUE(s.execute("configure terminal").ok);
  ASSERT_TRUE(s.execute("consent-token authority tac").ok);
  EXPECT_EQ(s.prompt(), "keygate(config-ctoken-authority)#");
  auto bad = s.execute(" public-key ed25519 AAAA");
  EXPECT_FALSE(bad.ok);
  EXPECT_NE(bad.text.find("public key"), std::string::npos);
  ASSERT_TRUE(s.execute(" public-key ed25519 " + pub).ok);
  ASSERT_TRUE(s.execute("end").ok);
  std::string rc = c.running_config_text();
  EXPECT_NE(rc.find("consent-token authority tac\n public-key ed25519 " + pub + "\n!\n"), std::string::npos) << rc;
  // What show running-config wrote loads back the same.
  Config again;
  CliSession s2(again);
  ASSERT_TRUE(s2.execute("configure terminal").ok);
  ASSERT_TRUE(s2.execute("consent-token authority tac").ok);
  ASSERT_TRUE(s2.execute(" public-key ed25519 " + pub).ok);
  EXPECT_EQ(again.model().consent_authorities, c.model().consent_authorities);
  ASSERT_TRUE(s.execute("configure terminal").ok);
  ASSERT_TRUE(s.execute("no consent-token authority tac").ok);
  EXPECT_EQ(c.running_config_text().find("consent-token"), std::string::npos);
}

}  // namespace
}  // namespace kg::config
