// IOS defaults in IKE_AUTH between two engines: a profile without `identity
// local` sends the address its SA uses, and `authentication remote` with
// several methods accepts whichever one the peer used.
#include "ike/two_engines.h"

namespace kg::ike {
namespace {

using testing::ip;
using testing::TwoEngines;

Identity address_id(const char* a) {
  auto x = ip(a);
  return Identity{x.is_v4() ? IdType::kIpv4Addr : IdType::kIpv6Addr, Bytes(x.bytes().begin(), x.bytes().end())};
}

class IosDefaults : public TwoEngines {};

// Neither side has `identity local`: IDi and IDr are ID_IPV4_ADDR of the
// addresses the SA uses, and each side's profile matches them.
TEST_F(IosDefaults, NoIdentityLocalSendsTheSaAddress) {
  a.policy.profile.local_id = Identity{};
  b.policy.profile.local_id = Identity{};
  b.policy.peer_id = address_id("198.51.100.1");
  // IKE_SA_INIT { SA KE Ni } -->  <-- IKE_SA_INIT { SA KE Nr }
  // IKE_AUTH { IDi(198.51.100.1) AUTH SA TSi TSr } -->
  // <-- IKE_AUTH { IDr(198.51.100.2) AUTH SA TSi TSr }
  handshake();
  expect_one_mirrored_child();
  EXPECT_EQ(b.ready()->remote_id, "198.51.100.1");
  EXPECT_EQ(a.ready()->remote_id, "198.51.100.2");
  EXPECT_EQ(a.ready()->local_id, "198.51.100.1");
  EXPECT_EQ(b.ready()->local_id, "198.51.100.2");
  // The PSK AUTH covers the identity sent: a wrong key still fails.
  reset();
  a.policy.profile.local_id = Identity{};
  b.policy.peer_id = address_id("198.51.100.1");
  b.policy.profile.remote_psk = Secret("other");
  handshake();
  EXPECT_EQ(a.ready(), nullptr);
  EXPECT_EQ(count("AUTHENTICATION_FAILED from 198.51.100.1 Id: 198.51.100.1"), 1u) << logs;
}

// Over IPv6 the default identity is ID_IPV6_ADDR.
TEST_F(IosDefaults, NoIdentityLocalOverIpv6IsTheIpv6Address) {
  a = testing::Node{1, "2001:db8::1"};
  b = testing::Node{2, "2001:db8::2"};
  setup(a, "site-a.example.net", "site-b.example.net", "10.1.0.0", "10.1.255.255", "10.2.0.0", "10.2.255.255");
  setup(b, "site-b.example.net", "site-a.example.net", "10.2.0.0", "10.2.255.255", "10.1.0.0", "10.1.255.255");
  a.policy.profile.local_id = Identity{};
  b.policy.peer_id = address_id("2001:db8::1");
  handshake();
  ASSERT_NE(b.ready(), nullptr) << logs;
  EXPECT_EQ(b.ready()->remote_id, "2001:db8::1");
}

// authentication remote pre-share + rsa-sig: a PSK peer is accepted and its
// method recorded; with pre-share alone left out, the same peer is refused
// with both sides' words in the log.
TEST_F(IosDefaults, SeveralRemoteMethodsAcceptWhicheverThePeerUsed) {
  b.policy.profile.remote_auth = AuthMethods(AuthKind::kRsaSig).add(AuthKind::kPsk);
  handshake();
  expect_one_mirrored_child();
  EXPECT_EQ(b.ready()->remote_auth, "PSK");
  reset();
  b.policy.profile.remote_auth = AuthMethods(AuthKind::kRsaSig).add(AuthKind::kEcdsaSig);
  handshake();
  EXPECT_EQ(b.ready(), nullptr);
  EXPECT_EQ(count("the peer authenticates with a pre-shared key; authentication remote rsa-sig and ecdsa-sig"), 1u)
      << logs;
}

// A missing key says where it was looked for, on both roles.
TEST_F(IosDefaults, MissingKeyIsNamedInTheLog) {
  a.policy.profile.local_psk = Secret();
  a.policy.profile.psk_missing = "keyring KR has no peer for address 198.51.100.2";
  start();
  take(a, a.engine->initiate(req(a, b)));
  EXPECT_EQ(count("Tunnel0: not initiating: profile prof: no local pre-shared key: keyring KR has no peer for "
                  "address 198.51.100.2"),
            1u)
      << logs;
  reset();
  b.policy.profile.remote_psk = Secret();
  b.policy.profile.psk_missing = "keyring KR has no peer for address 198.51.100.1 or identity site-a.example.net";
  handshake();
  EXPECT_EQ(b.ready(), nullptr);
  EXPECT_EQ(count("(profile prof): no pre-shared key for this peer: keyring KR has no peer for address 198.51.100.1 "
                  "or identity site-a.example.net"),
            1u)
      << logs;
}

}  // namespace
}  // namespace kg::ike
