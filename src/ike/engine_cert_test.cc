// Two engines authenticating with certificates on a fake clock: RSA and ECDSA
// (RFC 7427 and classic methods), chains with an intermediate CA, PSK one
// way and a signature the other, and the failures a user meets: a
// certificate from another CA, an expired one, an identity that is not in
// the certificate, no key.
#include <gtest/gtest.h>

#include <deque>
#include <functional>

#include "common/log.h"
#include "crypto/testing/test_ca.h"
#include "ike/engine.h"

namespace kg::ike {
namespace {

using crypto::testing::CertSpec;
using crypto::testing::KeyKind;
using crypto::testing::TestCa;
using crypto::testing::test_key;

IpAddress ip(const char* s) { return *IpAddress::parse(s); }
Identity fqdn(std::string_view s) { return Identity{IdType::kFqdn, Bytes(s.begin(), s.end())}; }
TrafficSelector range(const char* a, const char* b) {
  TrafficSelector t;
  t.start = ip(a);
  t.end = ip(b);
  return t;
}

constexpr std::time_t kNow = FakeClock::kEpoch;

struct CertPolicy final : PolicyProvider {
  std::vector<IkeProposalConfig> proposals{
      {"p1", {{EncrId::kAesGcm16, 256}}, {}, {PrfId::kHmacSha2_256}, {DhGroup::kEcp256}}};
  ProfileConfig profile;
  ChildConfig child;
  std::function<bool(const Identity&, const crypto::Certificate*)> accept = [](auto&, auto*) { return true; };
  IkeLimits lim;
  IkeLimits limits() const override { return lim; }
  std::vector<IkeProposalConfig> ike_proposals(const IpAddress&) const override { return proposals; }
  std::optional<ProfileConfig> profile_for_peer(const Identity&, const IpAddress&, const IpAddress&) const override {
    return profile;
  }
  std::optional<ProfileConfig> profile_for_peer_cert(const Identity& id, const crypto::Certificate* c,
                                                     const IpAddress&, const IpAddress&) const override {
    if (!accept(id, c)) return std::nullopt;
    return profile;
  }
  bool peer_matches_profile(const ProfileConfig&, const Identity& id, const crypto::Certificate* c, const IpAddress&,
                            const IpAddress&) const override {
    return accept(id, c);
  }
  std::optional<ProfileConfig> profile_by_name(const std::string&, const IpAddress&) const override { return profile; }
  std::optional<ChildConfig> child_for_peer(const std::string&, const IpAddress&, const IpAddress&) const override {
    return child;
  }
  std::vector<Bytes> certreq_authorities(const IpAddress&) const override {
    std::vector<Bytes> v;
    for (auto& tp : profile.verify_trustpoints)
      for (auto& h : tp->ca_hashes()) v.push_back(h);
    return v;
  }
};

struct Node {
  Node(uint64_t seed, const char* addr) : rng(seed), me(ip(addr)) {}
  CertPolicy policy;
  FakeRandom rng;
  IpAddress me;
  std::unique_ptr<Engine> engine;
  std::vector<Action> got;
  size_t installed() const {
    size_t n = 0;
    for (auto& a : got) n += std::holds_alternative<InstallChildSa>(a);
    return n;
  }
};

class CertEngines : public ::testing::Test {
 protected:
  void SetUp() override {
    log::set_sink([this](log::Level, std::string_view l) { logs += std::string(l) + "\n"; });
    for (Node* n : {&a, &b}) {
      bool is_a = n == &a;
      n->policy.profile.name = "prof";
      n->policy.profile.local_id = fqdn(is_a ? "site-a.example.net" : "site-b.example.net");
      n->policy.child.interface = "Tunnel0";
      n->policy.child.transforms = {{"ts", EncrId::kAesGcm16, 256, IntegId::kNone}};
      n->policy.child.local_ts = {is_a ? range("10.1.0.0", "10.1.255.255") : range("10.2.0.0", "10.2.255.255")};
      n->policy.child.remote_ts = {is_a ? range("10.2.0.0", "10.2.255.255") : range("10.1.0.0", "10.1.255.255")};
    }
  }
  void TearDown() override { log::set_sink(nullptr); }

  static CertSpec spec(const std::string& cn, long serial) {
    CertSpec s;
    s.subject = {{"O", "keygate test"}, {"CN", cn}};
    s.dns = {cn};
    s.serial = serial;
    s.not_before = kNow - 3600;
    s.not_after = kNow + 30 * 86400;
    return s;
  }
  // A trustpoint holding `ca_certs` and, when given, our certificate + key.
  static std::shared_ptr<crypto::Trustpoint> trustpoint(const std::string& name, std::vector<crypto::Certificate> ca_certs,
                                                        std::optional<crypto::Certificate> cert = std::nullopt,
                                                        EVP_PKEY* key = nullptr) {
    auto tp = std::make_shared<crypto::Trustpoint>();
    tp->name = name;
    tp->ca_certs = std::move(ca_certs);
    tp->trust = *crypto::TrustStore::create(tp->ca_certs);
    tp->cert = std::move(cert);
    if (key) tp->signer = crypto::testing::signer_of(key);
    tp->crl_check = false;
    return tp;
  }
  // Both sides: certificates from `ca` for `kind` keys, mutual rsa-sig / ecdsa-sig.
  void certificates(const TestCa& ca, KeyKind kind_a, KeyKind kind_b) {
    auto ka = test_key(kind_a, 60), kb = test_key(kind_b, 61);
    auto ta = trustpoint("TP", {ca.cert}, ca.leaf(spec("site-a.example.net", 0x11), ka.get()), ka.get());
    auto tb = trustpoint("TP", {ca.cert}, ca.leaf(spec("site-b.example.net", 0x12), kb.get()), kb.get());
    set_sig(a, ta, ta, kind_a, kind_b);
    set_sig(b, tb, tb, kind_b, kind_a);
  }
  static AuthKind kind_of(KeyKind k) {
    return k == KeyKind::kRsa2048 || k == KeyKind::kRsa3072 ? AuthKind::kRsaSig : AuthKind::kEcdsaSig;
  }
  static void set_sig(Node& n, std::shared_ptr<crypto::Trustpoint> sign, std::shared_ptr<crypto::Trustpoint> verify,
                      KeyKind mine, KeyKind peers) {
    n.policy.profile.local_auth = kind_of(mine);
    n.policy.profile.remote_auth = kind_of(peers);
    n.policy.profile.sign_trustpoints = {sign};
    n.policy.profile.verify_trustpoints = {verify};
  }

  Node& node_at(const IpAddress& x) { return x == a.me ? a : b; }
  void take(Node& from, std::vector<Action> acts) {
    for (auto& x : acts) {
      if (auto* s = std::get_if<SendPacket>(&x)) wire.push_back(*s), sent.push_back(*s);
      else from.got.push_back(std::move(x));
    }
  }
  void pump() {
    while (!wire.empty()) {
      auto p = wire.front();
      wire.pop_front();
      Node& to = node_at(p.remote.addr);
      take(to, to.engine->on_packet(p.remote, p.local, p.data));
    }
  }
  void handshake() {
    a.engine = Engine::create(a.policy, clock, a.rng);
    b.engine = Engine::create(b.policy, clock, b.rng);
    take(a, a.engine->initiate({Endpoint{a.me, 500}, Endpoint{b.me, 500}, "prof", a.policy.child}));
    pump();
  }
  bool up() const { return a.installed() == 1 && b.installed() == 1; }
  bool logged(const std::string& s) const { return logs.find(s) != std::string::npos; }
  // The AUTH method in the IKE_AUTH request or response is only visible
  // encrypted, so tests read it from show's view.
  std::string auth_of(Node& n, bool local) {
    auto v = n.engine->sas();
    return v.empty() ? "" : local ? v[0].local_auth : v[0].remote_auth;
  }

  FakeClock clock;
  Node a{1, "198.51.100.1"};
  Node b{2, "198.51.100.2"};
  std::deque<SendPacket> wire;
  std::vector<SendPacket> sent;
  std::string logs;
  TestCa root = TestCa::root("Keygate Test Root", KeyKind::kEcP256, 50, kNow);
};

TEST_F(CertEngines, EcdsaBothWays) {
  certificates(root, KeyKind::kEcP256, KeyKind::kEcP384);
  handshake();
  ASSERT_TRUE(up()) << logs;
  EXPECT_EQ(auth_of(a, true), "ECDSA");
  EXPECT_EQ(auth_of(a, false), "ECDSA");
  EXPECT_EQ(auth_of(b, true), "ECDSA");
  EXPECT_EQ(b.engine->sas()[0].remote_id, "site-a.example.net");
}

TEST_F(CertEngines, RsaBothWaysAndPss) {
  certificates(root, KeyKind::kRsa2048, KeyKind::kRsa2048);
  a.policy.profile.rsa_pss = true;  // initiator signs RSASSA-PSS, responder PKCS#1 v1.5
  handshake();
  ASSERT_TRUE(up()) << logs;
  EXPECT_EQ(auth_of(a, true), "RSA");
  EXPECT_EQ(auth_of(b, false), "RSA");
}

// A hardware token's keys went away (keygated's tokens part): the SAs whose
// AUTH that trustpoint signed are deleted, with a DELETE to the peer; others stay.
TEST_F(CertEngines, SessionsSignedWithATrustpointAreDeletedWhenItsKeyGoes) {
  certificates(root, KeyKind::kEcP256, KeyKind::kEcP256);
  handshake();
  ASSERT_TRUE(up()) << logs;
  EXPECT_EQ(a.engine->sas()[0].local_trustpoint, "TP");
  take(a, a.engine->delete_sessions_signed_with({"OTHER"}));
  EXPECT_TRUE(wire.empty());
  take(a, a.engine->delete_sessions_signed_with({"TP"}));
  ASSERT_FALSE(wire.empty());  // the INFORMATIONAL { D } to the peer
  pump();
  EXPECT_TRUE(b.engine->sas().empty()) << logs;
}

TEST_F(CertEngines, MixedKeysAndAsymmetricPsk) {
  // A signs with RSA and verifies B's pre-shared key; B the other way round.
  auto ka = test_key(KeyKind::kRsa2048, 60);
  auto ta = trustpoint("TP", {root.cert}, root.leaf(spec("site-a.example.net", 0x11), ka.get()), ka.get());
  a.policy.profile.local_auth = AuthKind::kRsaSig;
  a.policy.profile.remote_auth = AuthKind::kPsk;
  a.policy.profile.sign_trustpoints = {ta};
  a.policy.profile.remote_psk = Secret("b-to-a");
  b.policy.profile.local_auth = AuthKind::kPsk;
  b.policy.profile.local_psk = Secret("b-to-a");
  b.policy.profile.remote_auth = AuthKind::kRsaSig;
  b.policy.profile.verify_trustpoints = {trustpoint("CA", {root.cert})};
  handshake();
  ASSERT_TRUE(up()) << logs;
  EXPECT_EQ(auth_of(a, true), "RSA");
  EXPECT_EQ(auth_of(a, false), "PSK");
  EXPECT_EQ(auth_of(b, true), "PSK");
  EXPECT_EQ(auth_of(b, false), "RSA");
}

// authentication remote pre-share + ecdsa-sig (IOS takes several lines): a
// peer with an ECDSA certificate is accepted, and so is one with the PSK.
TEST_F(CertEngines, SeveralRemoteMethodsAcceptCertificateOrPsk) {
  certificates(root, KeyKind::kEcP256, KeyKind::kEcP256);
  b.policy.profile.remote_auth = AuthMethods(AuthKind::kPsk).add(AuthKind::kEcdsaSig);
  b.policy.profile.remote_psk = Secret("a-to-b");
  handshake();
  ASSERT_TRUE(up()) << logs;
  EXPECT_EQ(auth_of(b, false), "ECDSA");
  logs.clear();
  a.got.clear();
  b.got.clear();
  a.policy.profile.local_auth = AuthKind::kPsk;
  a.policy.profile.local_psk = Secret("a-to-b");
  handshake();
  ASSERT_TRUE(up()) << logs;
  EXPECT_EQ(auth_of(b, false), "PSK");
}

// No identity local with rsa-sig/ecdsa-sig: IOS sends the DN of the
// certificate (ID_DER_ASN1_DN), which the peer finds in that certificate.
TEST_F(CertEngines, NoIdentityLocalWithCertificateSendsItsDn) {
  certificates(root, KeyKind::kEcP256, KeyKind::kEcP256);
  a.policy.profile.local_id = Identity{IdType::kDerAsn1Dn, {}};
  handshake();
  ASSERT_TRUE(up()) << logs;
  EXPECT_EQ(b.engine->sas()[0].remote_id, "o=keygate test,cn=site-a.example.net");
  EXPECT_EQ(a.engine->sas()[0].local_id, "o=keygate test,cn=site-a.example.net");
}

TEST_F(CertEngines, IntermediateSentAndDnIdentity) {
  // B's certificate comes from an intermediate A does not have: B sends it.
  TestCa sub = root.intermediate("Keygate Sub CA", KeyKind::kEcP256, 52, kNow, 9);
  auto ka = test_key(KeyKind::kEcP256, 60), kb = test_key(KeyKind::kEcP256, 61);
  auto ta = trustpoint("TP", {root.cert}, root.leaf(spec("site-a.example.net", 0x11), ka.get()), ka.get());
  auto tb = trustpoint("TP", {root.cert, sub.cert}, sub.leaf(spec("site-b.example.net", 0x12), kb.get()), kb.get());
  set_sig(a, ta, ta, KeyKind::kEcP256, KeyKind::kEcP256);
  set_sig(b, tb, tb, KeyKind::kEcP256, KeyKind::kEcP256);
  b.policy.profile.local_id = Identity{IdType::kDerAsn1Dn, {}};  // identity local dn
  handshake();
  ASSERT_TRUE(up()) << logs;
  EXPECT_EQ(a.engine->sas()[0].remote_id, "o=keygate test,cn=site-b.example.net");
}

TEST_F(CertEngines, CertificateFromAnotherCaIsRejected) {
  TestCa other = TestCa::root("Other Root", KeyKind::kEcP256, 53, kNow);
  certificates(root, KeyKind::kEcP256, KeyKind::kEcP256);
  auto ka = test_key(KeyKind::kEcP256, 60);
  a.policy.profile.sign_trustpoints = {
      trustpoint("OTHER", {other.cert}, other.leaf(spec("site-a.example.net", 0x21), ka.get()), ka.get())};
  handshake();
  EXPECT_FALSE(up());
  EXPECT_TRUE(logged("%PKI-3-CERTIFICATE_INVALID: Certificate chain validation has failed.")) << logs;
  EXPECT_TRUE(logged("unable to get local issuer certificate")) << logs;
  EXPECT_TRUE(logged("AUTHENTICATION_FAILED from 198.51.100.1 Id: site-a.example.net (profile prof): certificate "
                     "o=keygate test,cn=site-a.example.net (serial 21) failed validation against trustpoint TP"))
      << logs;
  EXPECT_TRUE(a.engine->sas().empty());
  EXPECT_TRUE(b.engine->sas().empty());
}

TEST_F(CertEngines, ExpiredCertificateIsRejected) {
  certificates(root, KeyKind::kEcP256, KeyKind::kEcP256);
  auto kb = test_key(KeyKind::kEcP256, 61);
  auto s = spec("site-b.example.net", 0x31);
  s.not_before = kNow - 10 * 86400;
  s.not_after = kNow - 86400;
  b.policy.profile.sign_trustpoints = {trustpoint("TP", {root.cert}, root.leaf(s, kb.get()), kb.get())};
  handshake();
  EXPECT_FALSE(up());
  // The initiator finds the responder's certificate expired.
  EXPECT_TRUE(logged("%PKI-3-CERTIFICATE_INVALID_EXPIRED: Certificate chain validation has failed.  The certificate "
                     "(SN: 31, o=keygate test,cn=site-b.example.net) has expired.    Validity period ended on "))
      << logs;
  EXPECT_TRUE(logged("certificate has expired")) << logs;
  EXPECT_TRUE(a.engine->sas().empty());
  // B had authenticated A: A's Delete tells it to drop its SA.
  EXPECT_TRUE(b.engine->sas().empty()) << logs;
}

TEST_F(CertEngines, IdentityNotInCertificateIsRejected) {
  certificates(root, KeyKind::kEcP256, KeyKind::kEcP256);
  a.policy.profile.local_id = fqdn("spoofed.example.net");
  handshake();
  EXPECT_FALSE(up());
  EXPECT_TRUE(logged("identity spoofed.example.net is not in its certificate (subject o=keygate test,"
                     "cn=site-a.example.net, dns site-a.example.net)"))
      << logs;
}

TEST_F(CertEngines, ProfileMatchUsesTheCertificate) {
  certificates(root, KeyKind::kEcP256, KeyKind::kEcP256);
  // B accepts only certificates whose subject names site-c.
  b.policy.accept = [](const Identity&, const crypto::Certificate* c) {
    return c && c->subject().find("site-c") != std::string::npos;
  };
  handshake();
  EXPECT_FALSE(up());
  EXPECT_TRUE(logged("no ikev2 profile matches peer 198.51.100.1 Id: site-a.example.net certificate "
                     "o=keygate test,cn=site-a.example.net"))
      << logs;
  // And the initiator checks the responder against its own profile.
  b.policy.accept = [](auto&, auto*) { return true; };
  a.policy.accept = [](const Identity& id, const crypto::Certificate*) { return id.str() == "site-c.example.net"; };
  logs.clear();
  a.got.clear();
  b.got.clear();
  handshake();
  EXPECT_FALSE(up());
  EXPECT_TRUE(logged("responder 198.51.100.2 Id: site-b.example.net does not match")) << logs;
}

TEST_F(CertEngines, WrongMethodKindOrMissingKey) {
  certificates(root, KeyKind::kEcP256, KeyKind::kEcP256);
  b.policy.profile.remote_auth = AuthKind::kRsaSig;  // expects RSA, A signs with ECDSA
  handshake();
  EXPECT_FALSE(up());
  EXPECT_TRUE(logged("the peer's certificate has an ECDSA P-256 key; authentication remote rsa-sig expects RSA")) << logs;

  logs.clear();
  a.got.clear();
  b.got.clear();
  b.policy.profile.remote_auth = AuthKind::kPsk;  // B expects a PSK
  handshake();
  EXPECT_FALSE(up());
  EXPECT_TRUE(logged("the peer authenticates with a signature (AUTH method 14); authentication remote pre-share"))
      << logs;

  logs.clear();
  a.got.clear();
  b.got.clear();
  certificates(root, KeyKind::kEcP256, KeyKind::kEcP256);
  auto tp = std::make_shared<crypto::Trustpoint>(*b.policy.profile.sign_trustpoints[0]);
  tp->signer = nullptr;  // certificate without its key
  b.policy.profile.sign_trustpoints = {tp};
  handshake();
  EXPECT_FALSE(up());
  EXPECT_TRUE(logged("cannot authenticate to 198.51.100.1: profile prof: authentication local ecdsa-sig needs a "
                     "trustpoint with an ECDSA certificate and its key"))
      << logs;
  EXPECT_TRUE(logged("AUTHENTICATION_FAILED: 198.51.100.2 rejected our identity")) << logs;
  EXPECT_TRUE(b.engine->sas().empty());
}

TEST_F(CertEngines, CertReqSelectsTheTrustpointThePeerAsksFor) {
  // A has two signing trustpoints; B trusts only the second CA.
  TestCa other = TestCa::root("Other Root", KeyKind::kEcP256, 53, kNow);
  certificates(root, KeyKind::kEcP256, KeyKind::kEcP256);
  auto ka = test_key(KeyKind::kEcP256, 60);
  auto first = trustpoint("OTHER", {other.cert}, other.leaf(spec("site-a.example.net", 0x41), ka.get()), ka.get());
  a.policy.profile.sign_trustpoints.insert(a.policy.profile.sign_trustpoints.begin(), first);
  handshake();
  ASSERT_TRUE(up()) << logs;
}

// IKE fragmentation (RFC 7383): RSA-3072 certificates from an intermediate
// CA on both sides make IKE_AUTH several kB; with a 576-byte MTU (IOS's
// default) both messages go as SKF fragments and the SA comes up.
class FragEngines : public CertEngines {
 protected:
  void big_chains(bool frag_a, bool frag_b) {
    TestCa sub = root.intermediate("Keygate Sub CA", KeyKind::kRsa3072, 54, kNow, 9);
    auto ka = test_key(KeyKind::kRsa3072, 62), kb = test_key(KeyKind::kRsa3072, 63);
    auto ta = trustpoint("TP", {root.cert, sub.cert}, sub.leaf(spec("site-a.example.net", 0x51), ka.get()), ka.get());
    auto tb = trustpoint("TP", {root.cert, sub.cert}, sub.leaf(spec("site-b.example.net", 0x52), kb.get()), kb.get());
    set_sig(a, ta, ta, KeyKind::kRsa3072, KeyKind::kRsa3072);
    set_sig(b, tb, tb, KeyKind::kRsa3072, KeyKind::kRsa3072);
    a.policy.lim.fragmentation = frag_a;
    b.policy.lim.fragmentation = frag_b;
  }
  static bool is_skf(const SendPacket& p) { return p.data.size() > 16 && p.data[16] == uint8_t(PayloadType::kSkf); }
  static uint8_t exchange(const SendPacket& p) { return p.data[18]; }
  size_t skf_from(const IpAddress& from) const {
    size_t n = 0;
    for (auto& p : sent) n += p.local.addr == from && is_skf(p);
    return n;
  }
  // Deliver everything, but let `keep` decide which datagrams the network drops.
  void pump_if(const std::function<bool(const SendPacket&)>& keep) {
    while (!wire.empty()) {
      auto p = wire.front();
      wire.pop_front();
      if (!keep(p)) continue;
      Node& to = node_at(p.remote.addr);
      take(to, to.engine->on_packet(p.remote, p.local, p.data));
    }
  }
  void retransmit(Node& n) {
    clock.advance(Millis(2500));
    take(n, n.engine->on_timer());
  }
};

TEST_F(FragEngines, CertificateChainsThroughFragmentsAtIosDefaultMtu) {
  big_chains(true, true);
  handshake();
  ASSERT_TRUE(up()) << logs;
  EXPECT_GE(skf_from(a.me), 4u);  // IKE_AUTH request: ~2 certificates + AUTH
  EXPECT_GE(skf_from(b.me), 4u);
  for (auto& p : sent) {
    // 576-byte IP datagrams: 20 IP + 8 UDP + at most 548 of IKE.
    if (!is_skf(p)) continue;
    EXPECT_LE(p.data.size(), 548u);
    EXPECT_EQ(exchange(p), uint8_t(ExchangeType::kIkeAuth));
  }
  EXPECT_EQ(a.engine->stats().frag_reassembled, 1u);
  EXPECT_EQ(b.engine->stats().frag_reassembled, 1u);
  EXPECT_EQ(a.engine->stats().frag_tx, skf_from(a.me));
  EXPECT_EQ(b.engine->stats().frag_rx, skf_from(a.me));
  EXPECT_EQ(a.engine->stats().frag_dropped + b.engine->stats().frag_dropped, 0u);
  EXPECT_EQ(a.engine->sas()[0].remote_id, "site-b.example.net");
}

TEST_F(FragEngines, LargerMtuFewerFragmentsAndSmallMessagesStayWhole) {
  big_chains(true, true);
  a.policy.lim.fragment_mtu = 1280;
  b.policy.lim.fragment_mtu = 1280;
  handshake();
  ASSERT_TRUE(up()) << logs;
  for (auto& p : sent) {
    if (is_skf(p)) {
      EXPECT_LE(p.data.size(), 1280u - 28u);
    }
  }
  size_t n = skf_from(a.me);
  EXPECT_GE(n, 2u);
  EXPECT_LE(n, 5u);
  // A later exchange that fits (a DPD-style empty INFORMATIONAL) is not fragmented.
  sent.clear();
  take(a, a.engine->delete_sessions(""));
  pump();
  EXPECT_FALSE(sent.empty());
  for (auto& p : sent) EXPECT_FALSE(is_skf(p));
}

TEST_F(FragEngines, MtuTooSmallForTheCipherSendsWholeWithAWarning) {
  big_chains(true, true);
  a.policy.lim.fragment_mtu = 68;  // IOS's minimum: 40 bytes of IKE, less than SKF + GCM overhead
  handshake();
  ASSERT_TRUE(up()) << logs;
  EXPECT_EQ(skf_from(a.me), 0u);
  EXPECT_GT(skf_from(b.me), 0u);  // B's own MTU (576) still applies to its answer
  EXPECT_TRUE(logged("IKEv2: sending IKE_AUTH to 198.51.100.2:500 unfragmented: fragment MTU too small for the cipher"))
      << logs;
  EXPECT_TRUE(a.engine->sas()[0].fragmentation);
}

TEST_F(FragEngines, NotUsedUnlessBothSidesAnnounceIt) {
  big_chains(true, false);
  handshake();
  ASSERT_TRUE(up()) << logs;
  EXPECT_EQ(skf_from(a.me) + skf_from(b.me), 0u);
  EXPECT_EQ(a.engine->stats().frag_tx, 0u);
  EXPECT_FALSE(a.engine->sas()[0].fragmentation);
}

TEST_F(FragEngines, LostFragmentRetransmitsAllAndResponseOnlyOnFragmentOne) {
  big_chains(true, true);
  a.engine = Engine::create(a.policy, clock, a.rng);
  b.engine = Engine::create(b.policy, clock, b.rng);
  take(a, a.engine->initiate({Endpoint{a.me, 500}, Endpoint{b.me, 500}, "prof", a.policy.child}));
  // The network loses fragment 2 of A's IKE_AUTH request once.
  bool lost = false;
  pump_if([&](const SendPacket& p) {
    if (!lost && is_skf(p) && p.local.addr == a.me && p.data[33] == 2) return !(lost = true);
    return true;
  });
  ASSERT_TRUE(lost);
  EXPECT_FALSE(up());
  size_t first = skf_from(a.me);
  retransmit(a);  // all fragments again; B completes the set (fragment 2 new, the others duplicates)
  EXPECT_EQ(skf_from(a.me), 2 * first);
  // B's response fragments are all lost this time.
  pump_if([&](const SendPacket& p) { return p.local.addr != b.me; });
  EXPECT_GE(b.engine->stats().frag_dropped, 1u);  // fragment 1 again, before the set was complete
  size_t b_sent = skf_from(b.me);
  ASSERT_GT(b_sent, 0u);
  retransmit(a);
  pump();
  ASSERT_TRUE(up()) << logs;
  // §2.6.1: B answered the retransmitted request once (on fragment 1), not per fragment.
  EXPECT_EQ(skf_from(b.me), 2 * b_sent);
}

TEST_F(FragEngines, ForgedOrCorruptedFragmentIsDroppedBeforeItIsKept) {
  big_chains(true, true);
  a.engine = Engine::create(a.policy, clock, a.rng);
  b.engine = Engine::create(b.policy, clock, b.rng);
  take(a, a.engine->initiate({Endpoint{a.me, 500}, Endpoint{b.me, 500}, "prof", a.policy.child}));
  // Every SKF from A arrives corrupted first (bad ICV), then genuine.
  pump_if([&](const SendPacket& p) {
    if (is_skf(p) && p.local.addr == a.me) {
      auto bad = p.data;
      bad.back() ^= 1;
      take(b, b.engine->on_packet(p.remote, p.local, bad));
    }
    return true;
  });
  ASSERT_TRUE(up()) << logs;
  EXPECT_EQ(b.engine->stats().rx_dropped_auth, skf_from(a.me));
  EXPECT_EQ(b.engine->stats().frag_dropped, skf_from(a.me));
  EXPECT_EQ(b.engine->stats().frag_reassembled, 1u);
}

}  // namespace
}  // namespace kg::ike
