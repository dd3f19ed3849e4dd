// The running config is written by the command table (command_table.h,
// writer.h): every configuration command either writes itself back or is
// declared not persisted, and a configuration that uses every writer comes
// back unchanged through show running-config and a reload.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "config/session.h"
#include "crypto/key_pair.h"
#include "crypto/testing/test_ca.h"

namespace kg::config {
namespace {

namespace fs = std::filesystem;

TEST(WriteBack, EveryConfigurationCommandWritesItselfOrIsDeclaredNotPersisted) {
  Config cfg;
  auto missing = cfg.table().unwritten();
  std::string list;
  for (auto& m : missing) list += "  " + m + "\n";
  EXPECT_TRUE(missing.empty()) << "configuration commands with no way to be written back:\n" << list;
}

TEST(WriteBack, TheTableCheckCatchesACommandWithoutWriter) {
  CommandTable t;
  auto h = [](CmdContext&, const ParsedArgs&) -> Result<std::string> { return std::string(); };
  t.add(Mode::kConfig, "forgotten WORD", {"A command nobody writes back", "Value"}, h);
  t.add(Mode::kConfig, "written WORD", {"Written", "Value"}, h).writes(0, [](const WriteScope&, std::string&) {});
  t.add(Mode::kConfig, "action", {"An action"}, h).not_persisted();
  t.add(Mode::kExec, "show thing", {"Show", "Thing"}, h);
  auto missing = t.unwritten();
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_NE(missing[0].find("forgotten WORD"), std::string::npos) << missing[0];
}

// One line or more for every writer in the table (checked below).
constexpr const char* kEveryCommand = R"(hostname r1
enable algorithm-type scrypt secret 0 enable-pass
logging buffered 8192 informational
ipv6 unicast-routing
platform interface-map GigabitEthernet0/0 eth0
aaa new-model
aaa authorization network L local
aaa authorization network RL group RAD
aaa authentication login default local
aaa group server radius RAD
 server-private 192.0.2.50 auth-port 1812 acct-port 1813 key 0 group-key
 server name RS1
aaa authentication eap EAPL group RAD
aaa accounting network ACC start-stop group RAD
aaa accounting update newinfo periodic 15
aaa accounting system default start-stop group RAD
aaa server radius dynamic-author
 client 192.0.2.60 server-key 0 da-key
 port 3800
ip radius source-interface eth0
radius server RS1
 address ipv4 192.0.2.51 auth-port 18120 acct-port 18130
 key 0 server-key
radius-server timeout 3
consent-token authority tac
 public-key ed25519 MCowBQYDK2VwAyEAR93bm/wgHMugWRDlSiM5lzb8b/v2zC9PX2oQXclRr4E=
crypto pki token eToken module /usr/lib/softhsm/libsofthsm2.so
crypto pki token eToken removal timeout 1
crypto pki token eToken max-retries 5
crypto pki token eToken user-pin 0 1234567890
crypto pki token default removal timeout 30
crypto key storage eToken
crypto pki trustpoint TP
 enrollment terminal pem
 subject-name cn=r1,o=example
 revocation-check crl none
 rsakeypair TP 2048
crypto pki trustpoint TP2
 eckeypair TP2
crypto pki certificate map MAP 10
 subject-name co example
 issuer-name eq cn=ca
username admin privilege 15 secret 0 admin-pass
username op password 0 op-pass
crypto ikev2 proposal P
 encryption aes-gcm-256 aes-cbc-128
 integrity sha256
 prf sha384
 group 19 20
crypto ikev2 policy POL
 match address local 192.0.2.1
 match fvrf any
 proposal P
crypto ikev2 keyring KR
 peer a
  address 198.51.100.2 255.255.255.255
  hostname peer-a
  identity fqdn domain example.net
  pre-shared-key local 0 local-key
  pre-shared-key remote remote-key
 peer b
  address 2001:db8::2/128
  identity email user@example.net
  pre-shared-key both-key
aaa attribute list AL
 attribute type interface-config "ip mtu 1400"
crypto ikev2 authorization policy AP
 pool POOL
 dns 192.0.2.53 192.0.2.54
 netmask 255.255.255.0
 def-domain example.net
 ipv6 pool POOL6
 ipv6 dns 2001:db8::53
 route set interface
 route set interface Loopback0
 route set remote ipv4 192.0.2.0 255.255.255.0
 route set remote ipv6 2001:db8:5::/64
 route set access-list ACL
 route set access-list ipv6 ACL6
 route accept any tag 5 distance 7
 aaa attribute list AL
crypto ikev2 name-mangler M1
 dn organization-unit
 fqdn hostname
 email username
 eap all
crypto ikev2 name-mangler M2
 eap dn common-name
crypto ikev2 name-mangler M3
 eap suffix delimiter @
crypto ikev2 profile PR
 match identity remote fqdn site-b.example.net
 match identity remote address 2001:db8::/32
 match address local 192.0.2.1
 match certificate MAP
 identity local fqdn r1.example.net
 authentication local pre-share key 0 profile-key
 authentication remote pre-share
 authentication remote rsa-sig
 keyring local KR
 pki trustpoint TP sign
 lifetime 3600
 aaa authorization group override psk list L AP
 aaa authorization user eap list L
 aaa authorization user eap cached
 aaa authorization user cert list L joe
 aaa authorization group cert list L name-mangler M1
 aaa authorization group override eap list L name-mangler M3
 keyring aaa L name-mangler M1
 virtual-template 1
 dpd 10 3 periodic
 nat force-encap
crypto ikev2 profile EAP
 identity local dn
 authentication local eap md5 username u1 password 0 eap-pass
 authentication remote ecdsa-sig
crypto ikev2 profile RA
 authentication local pre-share key 0 ra-key
 authentication remote eap query-identity timeout 60
 aaa authentication eap EAPL
 aaa accounting eap ACC
 aaa accounting psk ACC
 aaa accounting cert ACC
crypto ikev2 client flexvpn FC
 peer 1 198.51.100.2
 peer 2 fqdn hub.example.net dynamic
 peer reactivate
 client connect Tunnel0
crypto ikev2 cookie-challenge 10
crypto ikev2 limit max-sa 100
crypto ikev2 limit max-in-negotiation-sa 20 incoming
crypto ikev2 nat keepalive 20
crypto ikev2 fragmentation mtu 1200
crypto isakmp policy 10
 encr aes 256
 hash sha256
 authentication pre-share
 group 14
 lifetime 3600
no crypto isakmp default policy
crypto isakmp identity dn
crypto isakmp fragmentation
crypto isakmp keepalive 20 5 periodic
crypto isakmp nat keepalive 20
crypto isakmp invalid-spi-recovery
crypto isakmp key 0 isakmp-key address 198.51.100.2
crypto isakmp key isakmp-key2 address 198.51.100.0 255.255.255.0
crypto isakmp key router-key address 198.51.100.9 no-xauth
crypto isakmp key v6-key ipv6 2001:db8:1::/48
crypto isakmp key v6-host-key ipv6 2001:db8:1::2/128 no-xauth
crypto isakmp aggressive-mode disable
no crypto isakmp enable
crypto isakmp key host-key hostname site-b.example.net
ip host site-b.example.net 198.51.100.2 198.51.100.3
crypto logging ezvpn
crypto logging ezvpn group cisco
crypto isakmp client configuration browser-proxy bproxy
 proxy server 198.18.11.1:2000
 proxy exception-list 198.18.22.*,www.*org
 proxy by-pass-local
crypto isakmp client configuration browser-proxy bp2
 proxy auto-detect
crypto isakmp client firewall fw required Cisco-Security-Agent
 policy central-policy-push access-list in 192
 policy check-presence
crypto isakmp peer address 198.51.100.2
 set aggressive-mode password am-pass
 set aggressive-mode client-endpoint user-fqdn site-a@example.net
crypto isakmp client configuration address-pool local fred
aaa authentication login userlist local
crypto isakmp client configuration group cisco
 key cisco-key
 dns 198.18.0.2 198.18.0.3
 wins 198.18.0.6
 domain example.net
 pool fred
 browser-proxy bproxy
 firewall policy fw
 acl 99
 include-local-lan
 save-password
 pfs
 backup-gateway 198.51.100.7
 max-users 10
 max-logins 1
 netmask 255.255.255.0
 banner ^Hello^
 crypto aaa attribute list AL
crypto isakmp client configuration group default
 dns 198.18.0.2
 wins 198.18.0.6 198.18.0.7
crypto keyring KR
 pre-shared-key address 198.51.100.2 key ring-key-1
 pre-shared-key address 198.51.100.0 255.255.255.0 key ring-key-2
 pre-shared-key hostname peer.example.net key ring-key-3
crypto isakmp profile ezvpn
 match identity group cisco
 match identity address 198.51.100.0 255.255.255.0
 match identity host peer.example.net
 match identity user domain example.net
 client authentication list userlist
 isakmp authorization list grouplist
 accounting acctlist
 client configuration address respond
 keyring KR
 virtual-template 1
 keepalive 20 retry 3
 initiate mode aggressive
 local-address 198.51.100.1
crypto ikev2 dpd 30 5 on-demand
crypto ipsec transform-set TS esp-gcm 256
 mode transport
crypto ipsec profile IPP
 set transform-set TS
 set ikev2-profile PR
 set security-association lifetime seconds 3600
 set security-association lifetime kilobytes 100000
 set security-association replay window-size 128
 set pfs group19
interface Loopback0
 ip address 192.0.2.1 255.255.255.255
interface Tunnel0
 description to site b
 ip address 203.0.113.1 255.255.255.252
 ip mtu 1400
 tunnel source Loopback0
 tunnel mode ipsec ipv4
 tunnel destination 198.51.100.2
 tunnel protection ipsec profile IPP
 shutdown
interface Tunnel1
 ip address negotiated
 ipv6 address 2001:db8:1::1/64
 tunnel mode gre ipv6
 tunnel destination 2001:db8::2
interface Tunnel2
 tunnel destination dynamic
interface Virtual-Template1 type tunnel
 ip unnumbered Loopback0
ip local pool POOL 192.0.2.200 192.0.2.210
ipv6 local pool POOL6 2001:db8:2::/48 64
ip route 192.0.2.128 255.255.255.128 Tunnel0
ipv6 route 2001:db8:3::/64 Tunnel1
ip access-list standard ACL
 permit 192.0.2.0 0.0.0.255
 deny   any
access-list 10 permit host 192.0.2.7
access-list 101 permit ip 192.0.2.0 0.0.0.127 192.0.2.128 0.0.0.127
ip access-list extended S2S
 permit tcp any host 192.0.2.9 eq 443
crypto dynamic-map DYN 10
 set transform-set TS
crypto map CM local-address Loopback0
crypto map CM client authentication list userlist
crypto map CM isakmp authorization list grouplist
crypto map CM client configuration address initiate
crypto map CM 10 ipsec-isakmp
 description to site b
 set peer 198.51.100.2
 set transform-set TS
 set pfs group14
 set security-association lifetime seconds 1800
 set isakmp-profile P1
 match address 101
crypto map CM 20 ipsec-isakmp dynamic DYN
interface Loopback0
 crypto map CM
privilege exec level 1 show running-config
ip http server
ip http port 8080
ip http access-class 10
ip http authentication local
ip http secure-server
ip http secure-port 8443
ip http secure-trustpoint TP
)";

struct RoundTrip : ::testing::Test {
  fs::path dir = fs::temp_directory_path() / ("kg-writeback-" + std::to_string(::getpid()));
  void SetUp() override { fs::create_directories(dir); }
  void TearDown() override { fs::remove_all(dir); }
};

// The certificate chain block, as a user pastes it.
std::string chain_block(const crypto::Certificate& cert) {
  std::string hex = to_hex(cert.der()), out = "crypto pki certificate chain TP\n certificate ca 01\n";
  for (size_t i = 0; i < hex.size(); i += 64) out += "  " + hex.substr(i, 64) + "\n";
  return out + "  quit\n";
}

// A crypto key pubkey-chain rsa block with one key under each kind of name.
std::string pubkey_block() {
  auto key = crypto::testing::test_key(crypto::testing::KeyKind::kRsa2048, 5);
  std::string hex = to_hex(crypto::public_der(*crypto::testing::signer_of(key.get()))), lines;
  for (size_t i = 0; i < hex.size(); i += 64) lines += "   " + hex.substr(i, 64) + "\n";
  return "crypto key pubkey-chain rsa\n addressed-key 198.51.100.2\n  key-string\n" + lines +
         "  quit\n named-key site-b.example.net\n  key-string\n" + lines + "  quit\n";
}

TEST_F(RoundTrip, AConfigurationWithEveryWriterComesBackUnchanged) {
  using crypto::testing::KeyKind;
  auto ca = crypto::testing::TestCa::root("Keygate Test Root", KeyKind::kEcP256, 40, std::time(nullptr));
  std::string text = std::string(kEveryCommand) + chain_block(ca.cert) + pubkey_block();

  // Load it line by line, noting which writer each line's command has.
  Config a(dir.string());
  CliSession s(a);
  s.execute("configure terminal");
  std::set<const WriteBack*> used;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    // As the session does, a line a sub-mode refuses belongs to an enclosing mode.
    MatchResult m = a.table().match(s.mode(), line);
    for (Mode up : {Mode::kIkev2Keyring, Mode::kCertChain, Mode::kPubkeyChain, Mode::kConfig})
      if (m.status != MatchResult::Status::kOk) m = a.table().match(up, line);
    ASSERT_EQ(m.status, MatchResult::Status::kOk) << line;
    used.insert(m.command->write_back.get());
    auto r = s.execute(line);
    ASSERT_TRUE(r.ok) << line << ": " << r.text;
  }
  for (const auto& c : a.table().commands())
    if (c.write_back && !used.contains(c.write_back.get()))
      ADD_FAILURE() << "no line of the test configuration uses the writer of: " << CommandTable::grammar(c);

  // show running-config -> startup-config -> reload -> the same text.
  std::string first = a.running_config_text();
  for (const char* line : {"hostname r1", " tunnel protection ipsec profile IPP", " nat force-encap",
                           " certificate ca 01", "crypto ikev2 dpd 30 5 on-demand",
                           " addressed-key 198.51.100.2", " named-key site-b.example.net"})
    EXPECT_NE(first.find(std::string(line) + "\n"), std::string::npos) << line << "\n" << first;
  std::ofstream(dir / "startup-config") << kStartupMarker << "\n" << first;
  Config b(dir.string());
  auto report = b.load_file((dir / "startup-config").string());
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->find("% line"), std::string::npos) << *report;
  EXPECT_EQ(b.running_config_text(), first);
  EXPECT_EQ(b.running_config_text(true), a.running_config_text(true));
}

}  // namespace
}  // namespace kg::config
