// The Easy VPN server side of the IKEv1 engine against a hand-driven client
// built from the wire codec and the key derivation: Aggressive Mode with the
// group's key, XAUTH, mode configuration; aggressive-mode disable and
// max-users refuse at message 1; a wrong password gets STATUS 0.
#include <gtest/gtest.h>

#include <cstring>
#include <map>

#include "common/log.h"
#include "crypto/dh.h"
#include "crypto/ikev1_keys.h"
#include "ikev1/engine.h"
#include "wire/isakmp/payloads.h"

namespace kg::ikev1 {
namespace {

namespace ck = crypto::ikev1;
using isakmp::PayloadType;
using isakmp::TypedPayload;

IpAddress ip(const char* s) { return *IpAddress::parse(s); }
constexpr auto kPrf = crypto::Prf::kHmacSha2_256;
constexpr auto kCipher = crypto::Cipher::kAesCbc;

struct Server final : PolicyProvider {
  std::vector<IsakmpPolicy> policies() const override {
    return {{10, kCipher, 256, kPrf, crypto::Group::kModp2048}};
  }
  std::optional<Secret> psk(const IpAddress&, const IpAddress&) const override { return std::nullopt; }
  std::optional<ike::ChildConfig> child_for_peer(const IpAddress&, const IpAddress&) const override { return std::nullopt; }
  bool aggressive_mode_disabled() const override { return disabled; }
  std::optional<EzvpnPeer> ezvpn_peer(const IpAddress&, const IpAddress&, isakmp::IdType t,
                                      const std::string& id) const override {
    if (t == isakmp::IdType::kKeyId && (id == "radgroup" || id == "nosuch")) {
      // isakmp authorization list with a RADIUS group: the key comes later.
      EzvpnPeer p;
      p.group = id;
      p.auth_list = "userlist";
      p.key_source = keys;
      return p;
    }
    if (t != isakmp::IdType::kKeyId || id != "cisco") return std::nullopt;
    EzvpnPeer p;
    p.psk = Secret(std::string_view("group-key"));
    p.group = "cisco";
    p.auth_list = "userlist";
    if (max_users) p.max_users = max_users;
    if (max_logins) p.max_logins = max_logins;
    p.push_config = push;
    return p;
  }
  // The limits the RADIUS group's Access-Accept gave (ipsec:max-users,
  // ipsec:max-logins), once its key is in.
  void ezvpn_group_authorized(EzvpnPeer& p) const override {
    ++authorized;
    p.max_users = radius_max_users;
    p.max_logins = radius_max_logins;
  }
  std::optional<uint32_t> radius_max_users, radius_max_logins;
  mutable int authorized = 0;
  // Local users answer at once; with `radius` set, the check is handed to
  // the daemon (a WorkRequest) and the test resumes the engine with a verdict.
  struct Users final : ike::PasswordChecker {
    bool on_loop = false;
    bool answers_on_loop() const override { return on_loop; }
    ike::PasswordVerdict check(const std::string& user, const Secret& pw) override {
      return user == "alice" && pw.equals(as_bytes("right")) ? ike::PasswordVerdict{}
                                                             : ike::PasswordVerdict{"wrong user name or password", {}};
    }
  };
  std::shared_ptr<ike::PasswordChecker> xauth_checker(const std::string& list, const IpAddress&) const override {
    if (list != "userlist") return nullptr;
    auto u = std::make_shared<Users>();
    u->on_loop = radius;
    return u;
  }
  // The group's key from "RADIUS": answered by the test through resume().
  struct GroupKeys final : ike::PskSource {
    bool answers_on_loop() const override { return true; }
    ike::PeerKeys lookup(const ike::PskQuery& q) override {
      if (q.peer_id.data == text_bytes("radgroup")) return {{}, Secret(std::string_view("radius-key")), {}};
      return {{}, {}, "Access-Reject from RADIUS server 127.0.0.1 for nosuch"};
    }
    static Bytes text_bytes(const char* s) { return Bytes(s, s + std::strlen(s)); }
  };
  std::shared_ptr<GroupKeys> keys = std::make_shared<GroupKeys>();
  bool radius = false;
  mutable int leases = 0;  // mode_config calls: pool leases taken
  mutable std::vector<Bytes> classes;  // the last query's (the XAUTH Accept's Class values)
  ModeCfgReply mode_config(const ModeCfgQuery& q) const override {
    ++leases;
    classes = q.classes;
    ModeCfgReply r;
    r.lease = 7;
    r.address = ip("198.18.1.10");
    r.dns = {ip("198.18.0.53")};
    r.split_include = {*Prefix::parse("203.0.113.0/24")};
    return r;
  }
  bool disabled = false, push = false;
  uint32_t max_users = 0, max_logins = 0;
};

// An Easy VPN client, as far as the test needs one.
struct Client {
  explicit Client(Engine& e, const char* addr) : engine(e), me{ip(addr), 500} {}
  Engine& engine;
  Endpoint me, server{ip("198.51.100.1"), 500};
  uint64_t cky_i = 0x1122334455667788ull, cky_r = 0;
  std::unique_ptr<crypto::KeyExchange> dh;
  Bytes ni = Bytes(32, 0x5a), nr, g_xi, g_xr, sa_b, id_b, iv;
  Secret skeyid;
  ck::Phase1Keys keys;
  std::vector<Action> got;

  std::vector<Bytes> to_us(std::vector<Action> acts) {
    std::vector<Bytes> v;
    for (auto& a : acts)
      if (auto* s = std::get_if<ike::SendPacket>(&a)) v.push_back(s->data);
      else got.push_back(std::move(a));
    return v;
  }

  std::vector<Bytes> message1(const std::string& group, uint16_t auth = 65001) {
    isakmp::Transform t;
    t.attributes = {isakmp::Attribute::tv(1, 7), isakmp::Attribute::tv(14, 256), isakmp::Attribute::tv(2, 4),
                    isakmp::Attribute::tv(3, auth), isakmp::Attribute::tv(4, 14), isakmp::Attribute::tv(11, 1),
                    isakmp::Attribute::tv(12, 28800)};
    isakmp::Proposal p;
    p.protocol = isakmp::ProtocolId::kIsakmp;
    p.transforms = {t};
    isakmp::SaPayload sa;
    sa.proposals = {p};
    ByteWriter w;
    isakmp::write_sa(sa, w);
    sa_b = w.take();
    dh = std::move(*crypto::KeyExchange::generate(crypto::Group::kModp2048));
    g_xi = dh->public_value();
    isakmp::IdPayload id;
    id.type = isakmp::IdType::kKeyId;
    id.data.assign(group.begin(), group.end());
    id_b = id.body();
    isakmp::Header h;
    h.cookie_i = cky_i;
    h.exchange = isakmp::ExchangeType::kAggressive;
    std::vector<TypedPayload> m = {{PayloadType::kSa, sa}, {PayloadType::kKe, isakmp::KePayload{g_xi}},
                                   {PayloadType::kNonce, isakmp::NoncePayload{ni}}, {PayloadType::kId, id}};
    return to_us(engine.on_packet(server, me, isakmp::encode_message(h, m)));
  }

  // Message 2: keys, and whether HASH_R proves the group key.
  bool message2(const Bytes& data, const std::string& key) {
    auto m = isakmp::parse_message(data);
    if (!m || m->header.exchange != isakmp::ExchangeType::kAggressive) return false;
    cky_r = m->header.cookie_r;
    auto* ke = isakmp::find_payload<isakmp::KePayload>(m->payloads, PayloadType::kKe);
    auto* n = isakmp::find_payload<isakmp::NoncePayload>(m->payloads, PayloadType::kNonce);
    auto* id = isakmp::find_payload<isakmp::IdPayload>(m->payloads, PayloadType::kId);
    auto* hash = isakmp::find_payload<isakmp::HashPayload>(m->payloads, PayloadType::kHash);
    if (!ke || !n || !id || !hash) return false;
    g_xr = ke->data;
    nr = n->data;
    auto g_xy = dh->shared_secret(g_xr);
    skeyid = *ck::skeyid_psk(kPrf, as_bytes(key), ni, nr);
    keys = *ck::derive_phase1(kPrf, skeyid.view(), g_xy->view(), cky_i, cky_r, 32);
    iv = *ck::phase1_iv(kPrf, g_xi, g_xr, 16);
    auto want = ck::auth_hash(kPrf, skeyid.view(), false, g_xi, g_xr, cky_i, cky_r, sa_b, id->body());
    return want && *want == hash->data;
  }

  isakmp::Header header(isakmp::ExchangeType x, uint32_t mid) const {
    isakmp::Header h;
    h.cookie_i = cky_i;
    h.cookie_r = cky_r;
    h.exchange = x;
    h.message_id = mid;
    return h;
  }

  Bytes seal(const isakmp::Header& h, const std::vector<TypedPayload>& p, Bytes& cbc) {
    ByteWriter w;
    isakmp::write_payload_chain(p, w);
    Bytes plain = w.take();
    plain.resize((plain.size() + 15) / 16 * 16, 0);
    auto ct = *ck::cbc_encrypt(kCipher, keys.enc_key.view(), cbc, plain);
    cbc.assign(ct.end() - 16, ct.end());
    return isakmp::encode_encrypted(h, p.front().type, ct);
  }

  std::vector<Bytes> message3() {
    auto h = *ck::auth_hash(kPrf, skeyid.view(), true, g_xi, g_xr, cky_i, cky_r, sa_b, id_b);
    Bytes data = seal(header(isakmp::ExchangeType::kAggressive, 0), {{PayloadType::kHash, isakmp::HashPayload{h}}}, iv);
    return to_us(engine.on_packet(server, me, data));
  }

  // A transaction message from the server: its attribute payload (IV per M-ID).
  std::map<uint32_t, Bytes> ivs;
  std::optional<isakmp::AttributePayload> open_cfg(const Bytes& data, uint32_t& mid) {
    auto m = isakmp::parse_message(data);
    if (!m || m->header.exchange != isakmp::ExchangeType::kTransaction) return std::nullopt;
    mid = m->header.message_id;
    if (!ivs.count(mid)) ivs[mid] = *ck::phase2_iv(kPrf, iv, mid, 16);
    auto plain = ck::cbc_decrypt(kCipher, keys.enc_key.view(), ivs[mid], m->encrypted);
    ivs[mid].assign(m->encrypted.end() - 16, m->encrypted.end());
    auto chain = isakmp::parse_payload_chain(m->header.next_payload, *plain, true);
    if (!chain) return std::nullopt;
    auto* a = isakmp::find_payload<isakmp::AttributePayload>(*chain, PayloadType::kAttribute);
    if (!a) return std::nullopt;
    return *a;
  }
  std::vector<Bytes> send_cfg(uint32_t mid, isakmp::AttributePayload a) {
    std::vector<TypedPayload> p = {{PayloadType::kAttribute, std::move(a)}};
    ByteWriter w;
    w.u32(mid);
    isakmp::write_payload_chain(p, w);
    auto h = *ck::prf(kPrf, keys.skeyid_a.view(), {w.data()});
    p.insert(p.begin(), {PayloadType::kHash, isakmp::HashPayload{Bytes(h.view().begin(), h.view().end())}});
    if (!ivs.count(mid)) ivs[mid] = *ck::phase2_iv(kPrf, iv, mid, 16);
    last = seal(header(isakmp::ExchangeType::kTransaction, mid), p, ivs[mid]);
    return to_us(engine.on_packet(server, me, last));
  }
  // The last transaction message again, byte for byte (a retransmission).
  Bytes last;
  std::vector<Bytes> resend() { return to_us(engine.on_packet(server, me, last)); }
};

Bytes text(const char* s) { return Bytes(s, s + std::strlen(s)); }

class EzvpnEngine : public ::testing::Test {
 protected:
  void SetUp() override {
    log::set_sink([this](log::Level, std::string_view l) { logs += std::string(l) + "\n"; });
    engine = Engine::create(policy, clock, rng);
  }
  void TearDown() override { log::set_sink(nullptr); }

  // Aggressive Mode and XAUTH with this password; the server's SET.
  // With `group` radgroup, message 2 waits for the group's key from
  // "RADIUS" first.
  std::optional<isakmp::AttributePayload> login(Client& c, const char* password, const std::string& group = "cisco") {
    auto m2 = c.message1(group);
    if (group == "radgroup") {
      if (!m2.empty() || c.got.empty()) return std::nullopt;
      auto* w = std::get_if<ike::WorkRequest>(&c.got.back());
      if (!w) return std::nullopt;
      m2 = c.to_us(engine->resume(w->id, ike::do_work(w->work)));
    }
    if (m2.size() != 1 || !c.message2(m2[0], group == "radgroup" ? "radius-key" : "group-key")) return std::nullopt;
    auto req = c.message3();
    uint32_t mid = 0;
    auto a = req.size() == 1 ? c.open_cfg(req[0], mid) : std::nullopt;
    if (!a || a->cfg_type != isakmp::CfgType::kRequest || !isakmp::find_attribute(a->attributes, 16521)) return std::nullopt;
    isakmp::AttributePayload rep;
    rep.cfg_type = isakmp::CfgType::kReply;
    rep.identifier = a->identifier;
    rep.attributes = {isakmp::Attribute::tlv(16521, text("alice")), isakmp::Attribute::tlv(16522, text(password))};
    auto set = c.send_cfg(mid, rep);
    if (policy.radius) {
      // The SA waits for the daemon: nothing is sent, a WorkRequest is out,
      // and the client's retransmitted REPLY gets no answer meanwhile.
      if (!set.empty() || c.got.empty()) return std::nullopt;
      auto* w = std::get_if<ike::WorkRequest>(&c.got.back());
      auto* pw = w ? std::get_if<ike::PasswordWork>(&w->work) : nullptr;
      if (!pw || pw->user != "alice") return std::nullopt;
      if (!c.resend().empty()) return std::nullopt;
      work = *w;
      auto v = std::get<ike::PasswordVerdict>(ike::do_work(w->work));
      v.classes = {Bytes{'u', '1'}};  // the Access-Accept's Class
      set = c.to_us(engine->resume(w->id, std::move(v)));
    }
    if (set.size() != 1) return std::nullopt;
    auto s = c.open_cfg(set[0], set_mid);
    return s;
  }

  // Login, ACK and mode configuration: the address given.
  std::optional<IpAddress> modecfg(Client& c) {
    auto set = login(c, "right");
    if (!set || isakmp::find_attribute(set->attributes, 16527)->as_number() != 1) return std::nullopt;
    isakmp::AttributePayload ack;
    ack.cfg_type = isakmp::CfgType::kAck;
    ack.identifier = set->identifier;
    ack.attributes = {isakmp::Attribute::tv(16527, 1)};
    c.send_cfg(set_mid, ack);
    isakmp::AttributePayload req;
    req.cfg_type = isakmp::CfgType::kRequest;
    req.identifier = 5;
    req.attributes = {isakmp::Attribute::tlv(1, {})};
    auto rep = c.send_cfg(0x0a0b0c0d, req);
    uint32_t mid = 0;
    auto a = rep.size() == 1 ? c.open_cfg(rep[0], mid) : std::nullopt;
    auto* addr = a ? isakmp::find_attribute(a->attributes, 1) : nullptr;
    if (!addr) return std::nullopt;
    return IpAddress::from_bytes(addr->value);
  }

  Server policy;
  FakeClock clock;
  FakeRandom rng{7};
  std::unique_ptr<Engine> engine;
  std::string logs;
  uint32_t set_mid = 0;
  ike::WorkRequest work;  // the password check handed out (policy.radius)
};

TEST_F(EzvpnEngine, AggressiveModeXauthAndModeConfig) {
  Client c(*engine, "198.51.100.11");
  auto set = login(c, "right");
  ASSERT_TRUE(set) << logs;
  EXPECT_EQ(set->cfg_type, isakmp::CfgType::kSet);
  auto* st = isakmp::find_attribute(set->attributes, 16527);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->as_number(), 1u);
  isakmp::AttributePayload ack;
  ack.cfg_type = isakmp::CfgType::kAck;
  ack.identifier = set->identifier;
  ack.attributes = {isakmp::Attribute::tv(16527, 1)};
  EXPECT_TRUE(c.send_cfg(set_mid, ack).empty());
  // Mode configuration, the client asking.
  isakmp::AttributePayload req;
  req.cfg_type = isakmp::CfgType::kRequest;
  req.identifier = 99;
  req.attributes = {isakmp::Attribute::tlv(1, {}), isakmp::Attribute::tlv(3, {}), isakmp::Attribute::tlv(28676, {})};
  auto rep = c.send_cfg(0x01020304, req);
  ASSERT_EQ(rep.size(), 1u) << logs;
  uint32_t mid = 0;
  auto a = c.open_cfg(rep[0], mid);
  ASSERT_TRUE(a);
  EXPECT_EQ(mid, 0x01020304u);
  EXPECT_EQ(a->cfg_type, isakmp::CfgType::kReply);
  EXPECT_EQ(a->identifier, 99);
  auto* addr = isakmp::find_attribute(a->attributes, 1);
  ASSERT_TRUE(addr);
  EXPECT_EQ(IpAddress::from_bytes(addr->value), ip("198.18.1.10"));
  auto* dns = isakmp::find_attribute(a->attributes, 3);
  ASSERT_TRUE(dns);
  EXPECT_EQ(IpAddress::from_bytes(dns->value), ip("198.18.0.53"));
  auto* split = isakmp::find_attribute(a->attributes, 28676);
  ASSERT_TRUE(split);
  EXPECT_EQ(to_hex(split->value), "cb007100ffffff00000000000000");
  auto sas = engine->sas();
  ASSERT_EQ(sas.size(), 1u);
  EXPECT_EQ(sas[0].state, "QM_IDLE");
  EXPECT_EQ(sas[0].remote_id, "cisco");
  // The lease goes back when the SA does.
  auto gone = engine->clear_sa(sas[0].conn_id);
  bool released = false;
  for (auto& x : gone)
    if (auto* r = std::get_if<ike::ReleaseConfig>(&x)) released = r->lease == 7;
  EXPECT_TRUE(released);
}

TEST_F(EzvpnEngine, ClientConfigurationAddressInitiatePushesASet) {
  policy.push = true;
  Client c(*engine, "198.51.100.18");
  auto set = login(c, "right");
  ASSERT_TRUE(set) << logs;
  isakmp::AttributePayload ack;
  ack.cfg_type = isakmp::CfgType::kAck;
  ack.identifier = set->identifier;
  ack.attributes = {isakmp::Attribute::tv(16527, 1)};
  auto push = c.send_cfg(set_mid, ack);
  ASSERT_EQ(push.size(), 1u) << logs;
  uint32_t mid = 0;
  auto a = c.open_cfg(push[0], mid);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->cfg_type, isakmp::CfgType::kSet);
  EXPECT_NE(mid, set_mid);
  auto* addr = isakmp::find_attribute(a->attributes, 1);
  ASSERT_TRUE(addr);
  EXPECT_EQ(IpAddress::from_bytes(addr->value), ip("198.18.1.10"));
  isakmp::AttributePayload ok;
  ok.cfg_type = isakmp::CfgType::kAck;
  ok.identifier = a->identifier;
  EXPECT_TRUE(c.send_cfg(mid, ok).empty());
  EXPECT_EQ(engine->sas().at(0).state, "QM_IDLE");
}

TEST_F(EzvpnEngine, WrongPasswordGetsStatusZeroAndALogLine) {
  Client c(*engine, "198.51.100.12");
  auto set = login(c, "wrong");
  ASSERT_TRUE(set) << logs;
  EXPECT_EQ(isakmp::find_attribute(set->attributes, 16527)->as_number(), 0u);
  EXPECT_NE(logs.find("XAUTH failed for user alice from 198.51.100.12 (group cisco): wrong user name or password"),
            std::string::npos)
      << logs;
  EXPECT_EQ(logs.find("wrong\n"), std::string::npos);
}

TEST_F(EzvpnEngine, RadiusPasswordCheckWaitsWithoutBlockingThenAcceptsOrRefuses) {
  policy.radius = true;
  Client c(*engine, "198.51.100.13");
  auto set = login(c, "right");
  ASSERT_TRUE(set) << logs;
  EXPECT_EQ(isakmp::find_attribute(set->attributes, 16527)->as_number(), 1u);
  // The same answer again is dropped: nothing waits for it any more.
  EXPECT_TRUE(engine->resume(work.id, ike::PasswordVerdict{}).empty());
  // Mode configuration gets the Accept's Class values (for accounting).
  isakmp::AttributePayload ack;
  ack.cfg_type = isakmp::CfgType::kAck;
  ack.identifier = set->identifier;
  ack.attributes = {isakmp::Attribute::tv(16527, 1)};
  EXPECT_TRUE(c.send_cfg(set_mid, ack).empty());
  isakmp::AttributePayload req;
  req.cfg_type = isakmp::CfgType::kRequest;
  req.attributes = {isakmp::Attribute::tlv(1, {})};
  EXPECT_EQ(c.send_cfg(0x0a0b0c0d, req).size(), 1u);
  EXPECT_EQ(policy.classes, std::vector<Bytes>{(Bytes{'u', '1'})});

  Client d(*engine, "198.51.100.14");
  d.cky_i ^= 1;
  auto refused = login(d, "wrong");
  ASSERT_TRUE(refused) << logs;
  EXPECT_EQ(isakmp::find_attribute(refused->attributes, 16527)->as_number(), 0u);
  EXPECT_NE(logs.find("XAUTH failed for user alice from 198.51.100.14 (group cisco): wrong user name or password"),
            std::string::npos)
      << logs;
}

TEST_F(EzvpnEngine, RadiusAnswerAfterTheSaIsGoneIsDropped) {
  policy.radius = true;
  Client c(*engine, "198.51.100.15");
  auto m2 = c.message1("cisco");
  ASSERT_EQ(m2.size(), 1u);
  ASSERT_TRUE(c.message2(m2[0], "group-key"));
  auto req = c.message3();
  uint32_t mid = 0;
  ASSERT_TRUE(req.size() == 1 && c.open_cfg(req[0], mid));
  isakmp::AttributePayload rep;
  rep.cfg_type = isakmp::CfgType::kReply;
  rep.attributes = {isakmp::Attribute::tlv(16521, text("alice")), isakmp::Attribute::tlv(16522, text("right"))};
  ASSERT_TRUE(c.send_cfg(mid, rep).empty());
  auto* w = std::get_if<ike::WorkRequest>(&c.got.back());
  ASSERT_TRUE(w);
  uint64_t id = w->id;
  engine->clear_sa(engine->sas().at(0).conn_id);
  EXPECT_TRUE(engine->resume(id, ike::PasswordVerdict{}).empty());
  EXPECT_TRUE(engine->sas().empty());
}

// isakmp authorization list with a RADIUS group: message 1 waits for the
// group's key (a WorkRequest, nothing sent meanwhile),
// then message 2 proves that key; a reject deletes the SA with a log line.
TEST_F(EzvpnEngine, GroupKeyFromRadiusWaitsThenAnswersOrRefuses) {
  Client c(*engine, "198.51.100.11");
  EXPECT_TRUE(c.message1("radgroup").empty());
  ASSERT_EQ(c.got.size(), 1u);
  auto* w = std::get_if<ike::WorkRequest>(&c.got[0]);
  ASSERT_TRUE(w);
  auto* pw = std::get_if<ike::PskWork>(&w->work);
  ASSERT_TRUE(pw);
  EXPECT_EQ(pw->query.peer_id.type, ike::IdType::kKeyId);
  ike::WorkRequest first = *w;
  EXPECT_EQ(engine->sas().size(), 1u);
  auto m2 = c.to_us(engine->resume(first.id, ike::do_work(first.work)));
  ASSERT_EQ(m2.size(), 1u) << logs;
  EXPECT_TRUE(c.message2(m2[0], "radius-key"));
  auto req = c.message3();
  uint32_t mid = 0;
  auto a = req.size() == 1 ? c.open_cfg(req[0], mid) : std::nullopt;
  ASSERT_TRUE(a) << logs;
  EXPECT_EQ(a->cfg_type, isakmp::CfgType::kRequest);  // XAUTH follows
  EXPECT_TRUE(engine->resume(first.id, ike::do_work(first.work)).empty());  // a late duplicate: ignored

  Client d(*engine, "198.51.100.12");
  d.cky_i = 0x99;
  EXPECT_TRUE(d.message1("nosuch").empty());
  ASSERT_EQ(d.got.size(), 1u);
  auto w2 = std::get<ike::WorkRequest>(d.got[0]);
  EXPECT_TRUE(d.to_us(engine->resume(w2.id, ike::do_work(w2.work))).empty());
  EXPECT_NE(logs.find("Authorization of group nosuch for peer 198.51.100.12 failed: Access-Reject"), std::string::npos)
      << logs;
  EXPECT_EQ(engine->sas().size(), 1u);
}

TEST_F(EzvpnEngine, WrongGroupKeyFailsHashR) {
  Client c(*engine, "198.51.100.13");
  auto m2 = c.message1("cisco");
  ASSERT_EQ(m2.size(), 1u);
  EXPECT_FALSE(c.message2(m2[0], "not-the-key"));
}

TEST_F(EzvpnEngine, UnknownGroupAndDisabledAggressiveModeGetNoAnswer) {
  Client c(*engine, "198.51.100.14");
  EXPECT_TRUE(c.message1("nosuchgroup").empty());
  EXPECT_NE(logs.find("No pre-shared key for peer 198.51.100.14 Id: nosuchgroup"), std::string::npos) << logs;
  policy.disabled = true;
  Client d(*engine, "198.51.100.15");
  EXPECT_TRUE(d.message1("cisco").empty());
  EXPECT_NE(logs.find("Unable to initiate or respond to Aggressive Mode while disabled"), std::string::npos) << logs;
  EXPECT_TRUE(engine->sas().empty());
}

TEST_F(EzvpnEngine, MaxUsersRefusesTheExtraClient) {
  policy.max_users = 1;
  Client c(*engine, "198.51.100.16");
  ASSERT_TRUE(login(c, "right"));
  Client d(*engine, "198.51.100.17");
  EXPECT_TRUE(d.message1("cisco").empty());
  EXPECT_NE(logs.find("Group cisco has reached its max-users limit of 1: connection from 198.51.100.17 refused"),
            std::string::npos)
      << logs;
}

// ipsec:max-users=1 from the RADIUS group: its second client is refused at
// message 1 once the group's Accept is in, with the local command's line.
TEST_F(EzvpnEngine, RadiusGroupMaxUsersRefusesTheExtraClient) {
  policy.radius_max_users = 1;
  Client c(*engine, "198.51.100.16");
  ASSERT_TRUE(login(c, "right", "radgroup")) << logs;
  Client d(*engine, "198.51.100.17");
  d.cky_i ^= 1;
  EXPECT_FALSE(login(d, "right", "radgroup"));
  EXPECT_NE(logs.find("Group radgroup has reached its max-users limit of 1: connection from 198.51.100.17 refused"),
            std::string::npos)
      << logs;
  EXPECT_EQ(policy.authorized, 2);
  EXPECT_EQ(engine->sas().size(), 1u);
}

// ipsec:max-logins=1 from the RADIUS group: the same user's second login
// gets XAUTH STATUS 0 with the local command's line; another group's
// limit does not count it.
TEST_F(EzvpnEngine, RadiusGroupMaxLoginsRefusesTheSecondLogin) {
  policy.radius_max_logins = 1;
  Client c(*engine, "198.51.100.16");
  auto first = login(c, "right", "radgroup");
  ASSERT_TRUE(first) << logs;
  EXPECT_EQ(isakmp::find_attribute(first->attributes, 16527)->as_number(), 1u);
  // The client ACKs the SET; mode configuration follows (the login counts).
  isakmp::AttributePayload ack;
  ack.cfg_type = isakmp::CfgType::kAck;
  ack.identifier = first->identifier;
  ack.attributes = {isakmp::Attribute::tv(16527, 1)};
  c.send_cfg(set_mid, ack);
  Client d(*engine, "198.51.100.17");
  d.cky_i ^= 1;
  auto second = login(d, "right", "radgroup");
  ASSERT_TRUE(second) << logs;
  EXPECT_EQ(isakmp::find_attribute(second->attributes, 16527)->as_number(), 0u);
  EXPECT_NE(logs.find("XAUTH failed for user alice from 198.51.100.17 (group radgroup): user has reached the "
                      "group's max-logins limit of 1"),
            std::string::npos)
      << logs;
  Client e(*engine, "198.51.100.18");
  e.cky_i ^= 2;
  auto local = login(e, "right");  // group cisco: no limit
  ASSERT_TRUE(local) << logs;
  EXPECT_EQ(isakmp::find_attribute(local->attributes, 16527)->as_number(), 1u);
}

// strongSwan renews an Easy VPN client's ISAKMP SA by reauthenticating:
// Aggressive Mode, XAUTH and mode configuration again from the same client
// while the old SA is up. The new SA takes over the old one's lease and
// address (no second lease); the old one goes without releasing it or
// ending the session; the lease goes back with the new one.
TEST_F(EzvpnEngine, ReauthenticationKeepsTheClientsLeaseAndSession) {
  Client c(*engine, "198.51.100.11");
  ASSERT_EQ(modecfg(c), ip("198.18.1.10")) << logs;
  Client again(*engine, "198.51.100.11");
  again.cky_i = 0x99aabbccddeeff00ull;
  ASSERT_EQ(modecfg(again), ip("198.18.1.10")) << logs;
  EXPECT_EQ(policy.leases, 1);
  EXPECT_NE(logs.find("ISAKMP SA 1002 of 198.51.100.11 (group cisco) user alice reauthenticates ISAKMP SA 1001: "
                      "keeps address 198.18.1.10"),
            std::string::npos)
      << logs;
  auto released = [](const std::vector<Action>& v) {
    for (auto& x : v)
      if (auto* r = std::get_if<ike::ReleaseConfig>(&x); r && r->lease == 7) return true;
    return false;
  };
  auto old_gone = engine->clear_sa(1001);
  EXPECT_FALSE(released(old_gone));
  for (auto& x : old_gone) EXPECT_FALSE(std::holds_alternative<ike::SessionEvent>(x));
  EXPECT_TRUE(released(engine->clear_sa(1002)));
}

// max-users 1 and max-logins 1: the client's reauthentication (its ISAKMP
// SA renewed while the old one is up) is neither a second user nor a second
// login; a second client still is.
TEST_F(EzvpnEngine, ReauthenticationIsNoExtraUserOrLogin) {
  policy.max_users = 1;
  policy.max_logins = 1;
  Client c(*engine, "198.51.100.11");
  ASSERT_EQ(modecfg(c), ip("198.18.1.10")) << logs;
  Client again(*engine, "198.51.100.11");
  again.cky_i = 0x99aabbccddeeff00ull;
  ASSERT_EQ(modecfg(again), ip("198.18.1.10")) << logs;
  EXPECT_EQ(logs.find("max-users limit"), std::string::npos) << logs;
  EXPECT_EQ(logs.find("max-logins limit"), std::string::npos) << logs;
  Client other(*engine, "198.51.100.12");
  other.cky_i = 0x42;
  EXPECT_TRUE(other.message1("cisco").empty());
  EXPECT_NE(logs.find("Group cisco has reached its max-users limit of 1: connection from 198.51.100.12 refused"),
            std::string::npos)
      << logs;
}

}  // namespace
}  // namespace kg::ikev1
