#include "aaa/radius/debug_format.h"

#include <gtest/gtest.h>

#include "aaa/radius/authenticator.h"
#include "aaa/radius/hiding.h"
#include "common/ip.h"
#include "wire/radius/vendor.h"

namespace kg::aaa::radius {
namespace {

using kg::radius::AttrType;
using kg::radius::Code;

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (auto& l : v) s += l + "\n";
  return s;
}

// debug radius shows what was sent, never what would let a reader log in.
TEST(RadiusDebug, NamesAttributesAndHidesSecrets) {
  Packet p;
  p.code = uint8_t(Code::kAccessRequest);
  p.identifier = 9;
  p.add_text(AttrType::kUserName, "alice");
  p.add_text(AttrType::kUserPassword, "hunter2-clear");
  p.add_text(AttrType::kEapMessage, "eap-secret-bytes");
  p.add_text(AttrType::kState, "state-secret");
  kg::radius::add_vendor(p, kg::radius::kVendorCisco, kg::radius::kCiscoAvPair,
                         as_bytes(std::string("ipsec:ikev2-password-local=psk-secret")));
  kg::radius::add_vendor(p, kg::radius::kVendorCisco, kg::radius::kCiscoAvPair,
                         as_bytes(std::string("ipsec:addr-pool=RA-POOL")));
  kg::radius::add_vendor(p, 311, 16, as_bytes(std::string("mppe-send-key-material")));
  p.add(AttrType::kNasIpAddress, kg::IpAddress::parse("198.51.100.1")->bytes());
  p.add_u32(AttrType::kAcctStatusType, 1);
  auto d = seal_request(p, Secret("radius-shared-key")).value();
  std::string s = joined(describe_packet("to 127.0.0.1:1812", d));
  EXPECT_NE(s.find("Access-Request to 127.0.0.1:1812 id 9"), std::string::npos) << s;
  EXPECT_NE(s.find("\"alice\""), std::string::npos) << s;
  EXPECT_NE(s.find("198.51.100.1"), std::string::npos) << s;
  EXPECT_NE(s.find("ipsec:addr-pool=RA-POOL"), std::string::npos) << s;
  EXPECT_NE(s.find("ipsec:ikev2-password-local=<hidden>"), std::string::npos) << s;
  for (const char* secret : {"hunter2", "eap-secret", "state-secret", "psk-secret", "mppe-send", "radius-shared-key"})
    EXPECT_EQ(s.find(secret), std::string::npos) << secret << " in\n" << s;
  EXPECT_EQ(describe_packet("from x", Bytes{1, 2, 0}).size(), 1u);
}

}  // namespace
}  // namespace kg::aaa::radius
