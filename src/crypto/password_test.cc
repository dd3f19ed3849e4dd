#include "crypto/password.h"

#include <gtest/gtest.h>

namespace kg::crypto {
namespace {

// The Cisco IOS type 9 example that hashcat publishes for its mode 9300
// (password "hashcat"): an independent check of salt use, scrypt
// parameters and encoding.
TEST(Type9, PublishedExample) {
  EXPECT_EQ(type9_hash("hashcat", "2MJBozw/9R3UsU"), "$9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6");
  EXPECT_TRUE(type9_verify("hashcat", "$9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6"));
  EXPECT_FALSE(type9_verify("hashcaT", "$9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6"));
}

TEST(Type9, NewSecretsVerifyAndDiffer) {
  FakeRandom rng(7);
  std::string a = type9_new("s3cret", rng), b = type9_new("s3cret", rng);
  EXPECT_TRUE(type9_valid(a)) << a;
  EXPECT_NE(a, b);  // fresh salt each time
  EXPECT_TRUE(type9_verify("s3cret", a));
  EXPECT_FALSE(type9_verify("s3cre", a));
}

TEST(Type9, MalformedNeverVerifies) {
  for (const char* bad : {"", "$9$", "$8$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6",
                          "$9$2MJBozw/9R3Us$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6",
                          "$9$2MJBozw/9R3UsU$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6x",
                          "$9$2MJBozw/9R3U!U$2lFhcKvpghcyw8deP25GOfyZaagyUOGBymkryvOdfo6"}) {
    EXPECT_FALSE(type9_valid(bad)) << bad;
    EXPECT_FALSE(type9_verify("hashcat", bad)) << bad;
  }
}

}  // namespace
}  // namespace kg::crypto
