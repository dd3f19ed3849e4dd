// crypto ikev2 name-mangler: each rule on the identities seed 004 uses.
#include "aaa/name_mangler.h"

#include <gtest/gtest.h>

namespace kg::aaa {
namespace {

TEST(NameMangler, FqdnEmailDn) {
  config::NameMangler m{"organization-unit", "hostname", "username", ""};
  EXPECT_EQ(mangle(m, "fqdn", "r1.cisco.com").value(), "r1");
  EXPECT_EQ(mangle(m, "email", "joe@cisco.com").value(), "joe");
  EXPECT_EQ(mangle(m, "dn", "c=US,o=Example,ou=Eng,cn=joe").value(), "Eng");
  m.fqdn = "domain";
  m.email = "domain";
  m.dn = "common-name";
  EXPECT_EQ(mangle(m, "fqdn", "r1.cisco.com").value(), "cisco.com");
  EXPECT_EQ(mangle(m, "email", "joe@cisco.com").value(), "cisco.com");
  EXPECT_EQ(mangle(m, "dn", "/C=US/O=Example/OU=Eng/CN=joe").value(), "joe");
  m.fqdn = m.email = "all";
  EXPECT_EQ(mangle(m, "fqdn", "r1.cisco.com").value(), "r1.cisco.com");
  EXPECT_EQ(mangle(m, "email", "joe@cisco.com").value(), "joe@cisco.com");
}

TEST(NameMangler, Eap) {
  config::NameMangler m;
  m.eap = "suffix delimiter @";
  EXPECT_EQ(mangle(m, "eap", "joe@cisco").value(), "cisco");  // seed: "name-mangler domain"
  m.eap = "prefix delimiter @";
  EXPECT_EQ(mangle(m, "eap", "joe@cisco").value(), "joe");
  m.eap = "prefix delimiter \\";
  EXPECT_EQ(mangle(m, "eap", "CORP\\joe").value(), "CORP");
  m.eap = "dn common-name";
  EXPECT_EQ(mangle(m, "eap", "cn=joe,ou=Eng").value(), "joe");
  m.eap = "all";
  EXPECT_EQ(mangle(m, "eap", "joe").value(), "joe");
}

TEST(NameMangler, NoRuleOrNoPartIsAnError) {
  config::NameMangler m;
  m.dn = "organization-unit";
  EXPECT_FALSE(mangle(m, "fqdn", "r1.cisco.com"));              // no fqdn rule
  EXPECT_FALSE(mangle(m, "dn", "cn=joe,o=Example"));             // no OU in the DN
  EXPECT_FALSE(mangle(m, "address", "198.51.100.1"));            // addresses have no rule
  m.fqdn = "hostname";
  EXPECT_FALSE(mangle(m, "fqdn", "localhost"));                  // no dot
  EXPECT_FALSE(dn_field("cn=joe", "surname"));                   // not an IOS field
}

}  // namespace
}  // namespace kg::aaa
