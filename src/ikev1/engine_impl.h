// Internal to the IKEv1 engine: the implementation class. Its methods are
// spread over one file per exchange:
//   engine.cc         dispatch by cookies, timers and retransmission, show
//   main_mode.cc      Main Mode, both roles (RFC 2409 §5, PSK)
//   aggressive_mode.cc  Aggressive Mode, both roles (§5.4; Easy VPN server)
//   sig_auth.cc       RSA signatures and certificates for both modes (§5.1)
//   fragmentation.cc  IKE fragmentation (Cisco's FRAGMENTATION vendor ID)
//   quick_mode.cc     Quick Mode, both roles (RFC 2409 §5.5)
//   informational.cc  DELETE, INITIAL-CONTACT (RFC 2408 §4.8, RFC 2407 §4.6.3)
//   dpd.cc            dead peer detection, R-U-THERE (RFC 3706)
//   phase1_rekey.cc   a new Main Mode before the ISAKMP SA expires
//   invalid_spi.cc    invalid-SPI recovery (INVALID-SPI notify)
//   crypt.cc          encrypted bodies with the IV chaining of RFC 2409 App. B
//   proposals.cc      phase-1 and phase-2 SA payloads: build and choose
#pragma once
#include <map>
#include <unordered_map>

#include "ike/fmt.h"
#include "ikev1/isakmp_sa.h"

namespace kg::ikev1 {

using ike::fmt;

inline constexpr Millis kRetransmitBase{2'000};  // then doubled
inline constexpr int kMaxSends = 6;               // first send + 5 retransmissions
inline constexpr size_t kNonceSize = 32;
// DPD: R-U-THEREs of one probe (the first, then 5 retries RETRY seconds
// apart, as IOS); unanswered one RETRY after the last, the peer is dead.
inline constexpr int kDpdSends = 6;
// Invalid-SPI recovery: at most one ISAKMP SA / notify per peer this often
// (the seed warns the feature can be abused for a denial of service).
inline constexpr Millis kInvalidSpiHoldDown{10'000};
// Phase-1 rekey: a failed attempt is repeated, at most this often, until the
// old ISAKMP SA expires.
inline constexpr Millis kP1RekeyRetry{10'000};

class EngineImpl final : public Engine {
 public:
  EngineImpl(const PolicyProvider& p, const Clock& c, Random& r, EngineOptions o)
      : policy_(p), clock_(c), rng_(r), options_(o) {}

  std::vector<Action> on_packet(const Endpoint& local, const Endpoint& remote, ByteView data) override;
  std::vector<Action> on_timer() override;
  std::vector<Action> resume(uint64_t id, ike::WorkResult result) override;
  std::optional<TimePoint> next_deadline() const override;
  std::vector<Action> initiate(const InitiateRequest& req) override;
  std::vector<Action> delete_sessions(const std::string& interface) override;
  std::vector<Action> clear_sa(uint32_t conn_id) override;
  std::vector<IsakmpSaInfo> sas() const override;
  std::vector<ike::NatKeepaliveTarget> behind_nat() const override;
  std::vector<Action> on_unknown_spi(const Endpoint& local, const Endpoint& remote, uint32_t spi) override;
  const Stats& stats() const override { return stats_; }
  void set_traffic_source(const ike::TrafficSource* source) override { traffic_ = source; }

  // engine.cc
  void send(IsakmpSa& sa, Flight& f, Bytes data, bool awaiting, std::vector<Action>& out);
  void remove_sa(IsakmpSa& sa, bool notify_peer, std::vector<Action>& out);  // erases it from sas_ later
  void remove_children(IsakmpSa& sa, std::vector<Action>& out);
  // %CRYPTO-5-SESSION_STATUS, as IOS prints it for IKEv1 tunnels.
  void session_status(const IsakmpSa& sa, bool up) const;

  // main_mode.cc. phase1_initiate: Aggressive Mode when asked for or when
  // a crypto isakmp peer entry says so (refused while aggressive-mode
  // disable), else Main Mode. phase1_initiator_done: the SA is
  // authenticated: the pending INVALID-SPI notify, then Quick Mode (or the
  // rekeyed SA's hand-over).
  void phase1_initiate(IsakmpSa& sa, bool aggressive, std::vector<Action>& out);
  void phase1_initiator_done(IsakmpSa& sa, std::vector<Action>& out);
  void mm_initiate(IsakmpSa& sa, std::vector<Action>& out);
  void mm_respond_sa(IsakmpSa& sa, const isakmp::Message& m, ByteView raw, std::vector<Action>& out);
  void mm_process(IsakmpSa& sa, const isakmp::Message& m, ByteView raw, std::vector<Action>& out);
  // Responder, message 3's key exchange done (inline or by DhWork): keys, message 4.
  void mm_respond_ke(IsakmpSa& sa, crypto::DhResponse dh, std::vector<Action>& out);
  std::vector<isakmp::TypedPayload> mm_ke_payloads(const IsakmpSa& sa, const Bytes& ke, const Bytes& nonce) const;

  // The payloads that authenticate us in Main Mode message 5/6 or
  // Aggressive Mode message 2/3 (after `id`): HASH, or [CERT,] SIG with
  // rsa-sig, over HASH_I/HASH_R with the ID body `id_b`.
  Result<std::vector<isakmp::TypedPayload>> auth_proof(IsakmpSa& sa, bool initiator, ByteView id_b);
  // Check the peer's HASH (or SIG, with its certificate) over the ID body
  // `id_b` of its ID `id`; counts and logs a failure.
  bool check_proof(IsakmpSa& sa, const std::vector<isakmp::TypedPayload>& chain, bool peer_is_initiator,
                   const isakmp::IdPayload& id, ByteView id_b);

  // sig_auth.cc: rsa-sig and ecdsa-sig. can_sign: a trustpoint has a
  // certificate and key of the method's kind (RSA, ECDSA); our_ecdsa_method:
  // the ECDSA method (9-11) of our first ECDSA key's curve. cert_requests: a
  // CERTREQ per CA we trust. pick_signer: the trustpoint to sign with by
  // `auth`. sig_payloads: our CERTs and SIG over `hash` with sa.signer, by
  // sa.policy.auth. verify_sig: the peer's certificate, its path to a
  // trustpoint, its identity and its SIG.
  bool can_sign(isakmp::P1Auth auth) const;
  std::optional<isakmp::P1Auth> our_ecdsa_method() const;
  std::vector<isakmp::TypedPayload> cert_requests() const;
  void note_cert_requests(IsakmpSa& sa, const std::vector<isakmp::TypedPayload>& in);
  std::shared_ptr<const crypto::Trustpoint> pick_signer(const IsakmpSa& sa, isakmp::P1Auth auth) const;
  Result<std::vector<isakmp::TypedPayload>> sig_payloads(IsakmpSa& sa, ByteView hash);
  bool verify_sig(IsakmpSa& sa, const std::vector<isakmp::TypedPayload>& chain, const isakmp::IdPayload& id,
                  ByteView hash);
  // The policies this SA may use: pre-share ones (initiator: when a key is
  // configured for the peer; `psk` says), rsa-sig and ecdsa-sig ones when
  // we can sign with that kind of key. An ecdsa-sig policy stands for the
  // method of our key's curve when we offer, for all three when we answer.
  std::vector<IsakmpPolicy> usable_policies(const IsakmpSa& sa, bool initiator) const;
  std::vector<IsakmpPolicy> usable_policies(bool initiator, bool psk) const;

  // fragmentation.cc: send a flight's message, in fragments when the peer
  // takes them and it is too large; join a fragment, giving the whole
  // message once all its fragments are in.
  void emit(IsakmpSa& sa, const Flight& f, std::vector<Action>& out);
  std::optional<Bytes> defragment(IsakmpSa& sa, const isakmp::Message& m);

  // quick_mode.cc
  // A Quick Mode for selector pair `pair` of the SA's interface;
  // qm_initiate_missing: one for each pair without an IPsec SA or a Quick
  // Mode under way.
  void qm_initiate(IsakmpSa& sa, size_t pair, std::vector<Action>& out);
  void qm_initiate_missing(IsakmpSa& sa, std::vector<Action>& out);
  void qm_process(IsakmpSa& sa, const isakmp::Message& m, ByteView raw, std::vector<Action>& out);
  void qm_install(IsakmpSa& sa, QuickMode& q, std::vector<Action>& out);

  // aggressive_mode.cc. am_respond: message 1 of a new SA (`looked_up`: the
  // peer with the key its key_source gave, from am_resume); am_process:
  // message 2 (initiator) or 3 (responder).
  void am_initiate(IsakmpSa& sa, std::vector<Action>& out);
  void am_respond(IsakmpSa& sa, const isakmp::Message& m, ByteView raw, std::vector<Action>& out,
                  std::optional<EzvpnPeer> looked_up = std::nullopt);
  void am_resume(IsakmpSa& sa, ike::PeerKeys keys, std::vector<Action>& out);
  void am_process(IsakmpSa& sa, const isakmp::Message& m, ByteView raw, std::vector<Action>& out);
  void am_initiator_reply(IsakmpSa& sa, const isakmp::Message& m, ByteView raw, std::vector<Action>& out);
  void am_responder_auth(IsakmpSa& sa, const isakmp::Message& m, ByteView raw, std::vector<Action>& out);

  // xauth_mode_config.cc: XAUTH and mode configuration after an Easy VPN
  // client's phase 1.
  void ezvpn_phase1_done(IsakmpSa& sa, std::vector<Action>& out);
  void cfg_process(IsakmpSa& sa, const isakmp::Message& m, ByteView raw, std::vector<Action>& out);
  void cfg_start(IsakmpSa& sa, isakmp::AttributePayload attr, std::vector<Action>& out);
  void cfg_send(IsakmpSa& sa, uint32_t mid, Bytes& iv, isakmp::AttributePayload attr, bool request,
                std::vector<Action>& out);
  void ezvpn_release(IsakmpSa& sa, std::vector<Action>& out);  // its pool lease
  bool ezvpn_configure(IsakmpSa& sa, std::vector<Action>& out);
  // A ready Easy VPN SA of the same client (address, group, user) holding a
  // lease: the one a reauthentication replaces.
  IsakmpSa* ezvpn_predecessor(const IsakmpSa& sa);
  void ezvpn_push(IsakmpSa& sa, std::vector<Action>& out);
  // The XAUTH REPLY's user and password: checked at once, or handed to the
  // daemon (WorkRequest) while the SA waits; then xauth_verdict.
  void xauth_check(IsakmpSa& sa, const isakmp::AttributePayload& reply, std::vector<Action>& out);
  void xauth_verdict(IsakmpSa& sa, ike::PasswordVerdict v, std::vector<Action>& out);
  std::map<uint64_t, uint32_t> waiting_;  // WorkRequest id -> conn-id of the SA waiting for it
  uint64_t next_work_id_ = 1;

  // informational.cc
  void info_process(IsakmpSa& sa, const isakmp::Message& m, std::vector<Action>& out);
  // An informational exchange of one message, protected with HASH(1) once
  // phase 1 is done (RFC 2409 §5.7), in clear before.
  void info_send(IsakmpSa& sa, std::vector<isakmp::TypedPayload> payloads, std::vector<Action>& out);
  void initial_contact(IsakmpSa& sa, std::vector<Action>& out);
  // The INITIAL-CONTACT notify an initiator sends with its authentication
  // (not when rekeying: the peer would drop the IPsec SAs).
  isakmp::TypedPayload initial_contact_payload(const IsakmpSa& sa) const;

  // dpd.cc. The peer proved alive (an authenticated message).
  void dpd_heard(IsakmpSa& sa) { sa.dpd.last_heard = clock_.now(); }
  // Timer: probe, retry, or declare the peer dead and remove its SAs.
  void dpd_check(IsakmpSa& sa, TimePoint now, std::vector<Action>& out);
  void dpd_ack(IsakmpSa& sa, const isakmp::NotifyPayload& n);
  std::optional<TimePoint> dpd_deadline(const IsakmpSa& sa) const;
  // The SA's keepalive (its profile's, else the global one); off unless the
  // peer sent the DPD vendor ID.
  ike::DpdConfig dpd_config(const IsakmpSa& sa) const;
  // Phase 1 done: say so when DPD is configured for the SA but the peer did
  // not announce it (no R-U-THERE will go to it).
  void dpd_note(const IsakmpSa& sa) const;

  // phase1_rekey.cc. When the tunnel's initiator starts a new Main Mode.
  TimePoint p1_rekey_time(const IsakmpSa& sa) const;
  bool p1_rekey_due(const IsakmpSa& sa) const;  // this SA is to be rekeyed (at p1_rekey_time)
  void p1_rekey(IsakmpSa& old, std::vector<Action>& out);
  // Main Mode done: if `fresh` replaces an SA, its IPsec SAs move to it and
  // it is deleted (true: no Quick Mode needed).
  bool p1_rekey_done(IsakmpSa& fresh, std::vector<Action>& out);
  // A rekey Main Mode got no answer: true if it replaced a live SA, which
  // then tries again (at most every kP1RekeyRetry until it expires).
  bool p1_rekey_failed(IsakmpSa& fresh);
  // The SA expires: log when its rekey never succeeded.
  void p1_expired(const IsakmpSa& sa) const;
  // Move the IPsec SAs to a newer ready ISAKMP SA with the same peer.
  bool hand_over(IsakmpSa& from);

  // invalid_spi.cc: the INVALID-SPI notify for sa.invalid_spi once the SA is ready.
  void invalid_spi_notify(IsakmpSa& sa, std::vector<Action>& out);
  std::map<IpAddress, TimePoint> invalid_spi_sent_;  // by peer: the hold-down

  // crypt.cc: encrypt a payload chain, advancing `iv`; decrypt a body with
  // `iv`, giving the IV that follows it in `next_iv` (committed by the
  // caller once the message's hash checks, so a forged packet cannot
  // desynchronise the chain).
  Result<Bytes> seal(IsakmpSa& sa, isakmp::Header h, const std::vector<isakmp::TypedPayload>& chain, Bytes& iv);
  Result<Bytes> open(IsakmpSa& sa, const isakmp::Message& m, const Bytes& iv, Bytes& next_iv);
  Result<Bytes> exchange_iv(IsakmpSa& sa, uint32_t mid);

  // The SAs by cookies: find() by the pair, find_if() among those with the
  // initiator's cookie (Main Mode message 1 and 2 before the pair is
  // complete), both through by_cky_i_ instead of a walk over every SA.
  IsakmpSa* find(uint64_t cky_i, uint64_t cky_r);
  template <class Pred>
  IsakmpSa* find_if(uint64_t cky_i, Pred pred) {
    auto [b, e] = by_cky_i_.equal_range(cky_i);
    for (auto it = b; it != e; ++it)
      if (auto s = sas_.find(it->second); s != sas_.end() && pred(*s->second)) return s->second.get();
    return nullptr;
  }
  // An initiator makes its cookie; a responder takes the peer's (cky_i).
  IsakmpSa& create_sa(bool initiator, const Endpoint& local, const Endpoint& remote, uint64_t cky_i = 0);
  void reap();  // erase the SAs remove_sa marked
  std::vector<uint32_t> dead_;
  // Keys for phase 1 once both KE/nonce pairs are known (RFC 2409 §5).
  Result<void> derive_keys(IsakmpSa& sa, const Secret& g_xy);
  Result<void> derive_keys_with(IsakmpSa& sa, const Bytes& peer_ke);  // g^xy from our key pair and theirs
  isakmp::IdPayload our_id(const IsakmpSa& sa) const;  // for sa.profile
  isakmp::IdPayload our_id(const IsakmpSa& sa, const std::string& profile) const;
  // The pre-shared key for the SA's peer: from its ISAKMP profile's keyring
  // when it has one, else by address.
  std::optional<Secret> psk_for(const IsakmpSa& sa) const;
  Bytes natd_hash(const IsakmpSa& sa, const Endpoint& e) const;
  // main_mode.cc: NAT detection from the peer's NAT-D payloads (RFC 3947
  // §3.2), and ours.
  bool new_dh(IsakmpSa& sa);  // our key pair for sa.policy.group (false: logged)
  void natd_check(IsakmpSa& sa, const std::vector<isakmp::TypedPayload>& payloads);
  std::vector<isakmp::TypedPayload> natd_payloads(const IsakmpSa& sa) const;
  Bytes random_bytes(size_t n);
  uint32_t random_spi();
  Endpoint natt_port(Endpoint e) const { return {e.addr, 4500}; }

  const PolicyProvider& policy_;
  const Clock& clock_;
  Random& rng_;
  EngineOptions options_;
  std::map<uint32_t, std::unique_ptr<IsakmpSa>> sas_;  // by conn-id
  std::unordered_multimap<uint64_t, uint32_t> by_cky_i_;  // initiator's cookie -> conn-ids (an SA's cky_i never changes)
  uint32_t next_conn_id_ = 1001;  // IOS numbers conn-ids from 1001
  Stats stats_;
  const ike::TrafficSource* traffic_ = nullptr;
};

// fragmentation.cc: the FRAGMENTATION vendor ID we send, and whether a
// message carries the peer's.
isakmp::VendorIdPayload fragmentation_vid();
bool sent_fragmentation_vid(const isakmp::Message& m);
// dpd.cc: the DPD vendor ID (RFC 3706 §5.1), and whether a message carries it.
isakmp::VendorIdPayload dpd_vid();
bool sent_dpd_vid(const isakmp::Message& m);

// aggressive_mode.cc: seed 001's log line for a refused Aggressive Mode.
void aggressive_disabled_log(const Endpoint& remote);
// main_mode.cc: the RFC 3947 vendor ID (MD5("RFC 3947")) and whether a
// message carries it; the peer's phase-1 identity as show crypto isakmp sa
// prints it; %CRYPTO-6-IKMP_MODE_FAILURE.
isakmp::VendorIdPayload rfc3947_vid();
bool sent_rfc3947(const isakmp::Message& m);
std::string id_text(const isakmp::IdPayload& id);
// sig_auth.cc: "pre-share", "rsa-sig", "ecdsa-sig"; why a method cannot sign.
const char* auth_word(isakmp::P1Auth auth);
std::string needs_key_text(isakmp::P1Auth auth);
void mode_failure(const IsakmpSa& sa);
// xauth_mode_config.cc: the session's mode-config outcome (SessionEvent),
// and why Quick Mode must wait or refuse these client IDs ("" = go on).
ike::SessionConfig ezvpn_session(const IsakmpSa& sa);
std::string ezvpn_quick_refusal(const IsakmpSa& sa, const TrafficSelector& remote);

// proposals.cc
isakmp::SaPayload phase1_sa(const std::vector<IsakmpPolicy>& policies);
// Responder: the first of our policies (priority order) that one of the
// peer's transforms matches (its lifetime may be shorter: that one is used).
struct Phase1Choice {
  IsakmpPolicy policy;
  isakmp::Transform transform;  // the peer's
  isakmp::Proposal proposal;    // its proposal with that transform alone: message 2's
};
std::optional<Phase1Choice> choose_phase1(const isakmp::SaPayload& offer, const std::vector<IsakmpPolicy>& ours);
// Initiator: the policy the responder's one transform names.
std::optional<IsakmpPolicy> accepted_phase1(const isakmp::SaPayload& reply, const std::vector<IsakmpPolicy>& offered);

isakmp::SaPayload phase2_sa(const ike::ChildConfig& child, uint32_t spi, bool udp_encap);
struct Phase2Choice {
  crypto::CipherSuite suite;
  isakmp::Proposal proposal;  // echoed in message 2 with our SPI
  uint32_t peer_spi = 0;
  uint32_t lifetime_s = 0;
  crypto::Group pfs = crypto::Group::kNone;
};
std::optional<Phase2Choice> choose_phase2(const isakmp::SaPayload& offer, const ike::ChildConfig& child);

// Quick Mode client IDs (RFC 2407 §4.6.2): a subnet when the range is one.
isakmp::IdPayload client_id(const TrafficSelector& ts);
std::optional<TrafficSelector> selector_of(const isakmp::IdPayload& id);

}  // namespace kg::ikev1
