// What the IKE engine needs to know about configuration, expressed in protocol
// terms. The engine never sees the IOS config model: the daemon implements
// PolicyProvider over it (crypto ikev2 policy/proposal/profile/keyring, ipsec
// profile/transform-set, tunnel interfaces), and tests implement it directly.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/ip.h"
#include "common/secret.h"
#include "crypto/sk_cipher.h"
#include "crypto/trustpoint.h"
#include "ike/eap.h"
#include "wire/ike/constants.h"
#include "wire/ike/cp_attributes.h"
#include "wire/ike/payloads.h"

namespace kg::ike {

// One IKE proposal as configured (crypto ikev2 proposal): every combination of
// the listed algorithms is acceptable. AEAD encryption implies no integrity.
struct IkeProposalConfig {
  std::string name;
  struct Encr {
    EncrId id;
    uint16_t key_bits;
  };
  std::vector<Encr> encr;
  std::vector<IntegId> integ;
  std::vector<PrfId> prf;     // empty: same hash as integrity (IOS behaviour)
  std::vector<DhGroup> groups;
};

// One ESP transform set (crypto ipsec transform-set).
struct ChildTransformConfig {
  std::string name;
  EncrId encr;
  uint16_t key_bits;
  IntegId integ;  // kNone with AES-GCM
};

struct Identity {
  IdType type = IdType::kIpv4Addr;
  Bytes data;
  [[nodiscard]] std::string str() const;  // "192.0.2.1", "r1.example.com", ...
  [[nodiscard]] IdPayload payload() const { return {type, data}; }
  auto operator<=>(const Identity&) const = default;
};

enum class AuthKind { kPsk, kRsaSig, kEcdsaSig, kEap };

// The methods `authentication remote` allows: IOS takes several lines
// (pre-share and rsa-sig, say), and the responder accepts whichever of them
// the peer used. Built from one AuthKind where a profile has one method.
class AuthMethods {
 public:
  AuthMethods() = default;
  AuthMethods(AuthKind k) : bits_(bit(k)) {}  // NOLINT(google-explicit-constructor): one method
  AuthMethods& add(AuthKind k) {
    bits_ |= bit(k);
    return *this;
  }
  [[nodiscard]] bool has(AuthKind k) const { return (bits_ & bit(k)) != 0; }
  [[nodiscard]] bool empty() const { return bits_ == 0; }
  // rsa-sig or ecdsa-sig among them: the peer may send a certificate.
  [[nodiscard]] bool any_signature() const { return has(AuthKind::kRsaSig) || has(AuthKind::kEcdsaSig); }
  bool operator==(const AuthMethods&) const = default;

 private:
  static uint8_t bit(AuthKind k) { return uint8_t(1u << unsigned(k)); }
  uint8_t bits_ = 0;
};

// Dead peer detection (dpd INTERVAL RETRY on-demand|periodic, in the profile
// or global): on-demand probes when we sent traffic and heard nothing for
// INTERVAL; periodic whenever we heard nothing for INTERVAL. A probe is
// retransmitted every RETRY seconds; no answer after kDpdTries sends = dead.
struct DpdConfig {
  uint32_t interval_s = 0;  // 0: off
  uint32_t retry_s = 2;
  bool periodic = false;
  auto operator<=>(const DpdConfig&) const = default;
};

// keyring aaa (seed 004, "AAA Pre-Shared Keys"): a responder learns a
// peer's pre-shared keys from the identity in its IDi, from a RADIUS
// server. A backend chosen at start-up, as Authorizer is: the engine hands
// the lookup to the daemon as PskWork and the exchange waits (engine.h
// WorkRequest).
struct PskQuery {
  std::string profile;
  Identity peer_id;
  IpAddress local, remote;
};
// The keys, or why there are none (a reject, a timeout, no such
// attribute): `error` non-empty fails the exchange with AUTHENTICATION_FAILED.
struct PeerKeys {
  Secret local;   // ours to sign with (ipsec:ikev2-password-local)
  Secret remote;  // the peer's, to verify its AUTH (ipsec:ikev2-password-remote)
  std::string error;
};
class PskSource {
 public:
  virtual ~PskSource() = default;
  // A lookup that waits on the network without blocking (RADIUS) runs on
  // the daemon's event loop: begin_lookup is called there and `done` brings
  // the keys later; otherwise lookup() runs off the loop (do_work).
  [[nodiscard]] virtual bool answers_on_loop() const { return false; }
  using LookupDone = std::function<void(PeerKeys)>;
  virtual void begin_lookup(const PskQuery& q, LookupDone done) { done(lookup(q)); }
  [[nodiscard]] virtual PeerKeys lookup(const PskQuery& q) = 0;
};

// The profile chosen for a peer (crypto ikev2 profile + keyring lookups done).
struct ProfileConfig {
  std::string name;
  // Without data, IOS's default is filled in per SA (auth_local.cc): the
  // address the SA uses (ID_IPV4_ADDR / ID_IPV6_ADDR), or with kDerAsn1Dn
  // the subject of the certificate we sign with.
  Identity local_id;
  AuthKind local_auth = AuthKind::kPsk;
  AuthMethods remote_auth = AuthKind::kPsk;
  Secret local_psk;   // what we sign with
  Secret remote_psk;  // what we verify the peer with
  // Why local_psk or remote_psk is empty where a method needs it (no key
  // in the profile, no keyring peer for this address or identity...): what
  // the log says instead of a bare "no pre-shared key".
  std::string psk_missing;
  // keyring aaa: where the keys this profile lacks for a peer come from
  // (null: nowhere). The responder asks once it has read IDi.
  std::shared_ptr<PskSource> aaa_keys;
  uint32_t ike_lifetime_s = 86400;
  // Certificate authentication (pki trustpoint NAME [sign|verify]): where our
  // certificate and key come from, and which CAs we accept for the peer.
  std::vector<std::shared_ptr<const crypto::Trustpoint>> sign_trustpoints;
  std::vector<std::shared_ptr<const crypto::Trustpoint>> verify_trustpoints;
  // crypto key pubkey-chain rsa: peers' raw RSA public keys, for rsa-sig from
  // a peer that sends no certificate (addressed-key by its address, else
  // named-key by its identity).
  struct PeerRawKey {
    std::optional<IpAddress> address;  // addressed-key
    std::string identity;              // named-key
    std::shared_ptr<EVP_PKEY> key;
  };
  std::vector<PeerRawKey> peer_raw_keys;
  bool rsa_pss = false;  // sign RSA with RSASSA-PSS under RFC 7427 (else PKCS#1 v1.5)
  DpdConfig dpd;
  // nat force-encap: fake our NAT-D source hash (as strongSwan's encap=yes)
  // so both sides see a NAT and ESP goes in UDP 4500 even without one.
  bool nat_force_encap = false;
  // EAP (RFC 7296 §2.16). Initiator with local_auth kEap: the EAP identity
  // and password it answers with, and the one method it answers (EAP Type:
  // 4 MD5, 6 GTC, 26 MSCHAPv2; 0: whichever of them the server proposes).
  // Responder with remote_auth kEap: the back end that authenticates the
  // peer (null: EAP refused).
  std::string eap_username;
  Secret eap_password;
  uint8_t eap_method = 0;
  std::shared_ptr<const EapAuthenticator> eap;
};

// Remote access (RFC 7296 §2.19, tasks/ike_config.cc). What the
// configuration exchange settled for one IKE SA: the daemon sets addresses
// and routes from it when the session comes up.
struct SessionConfig {
  uint32_t session_id = 0;  // tunnel_id of the IKE SA that brought the session up; kept across IKE rekeys
  uint64_t lease = 0;                      // responder: the daemon's lease handle (ReleaseConfig)
  std::optional<Prefix> address, address6; // initiator: assigned to us; responder: to the peer
  std::vector<Prefix> routes;              // reachable through the peer (its or its side's subnets)
  std::vector<IpAddress> dns;
  std::string domain;
  // Responder: ip:interface-config commands for the session's Virtual-Access
  // (aaa/interface_config.h), applied by the daemon when it comes up.
  std::vector<std::string> interface_config;
  [[nodiscard]] bool empty() const { return !lease && !address && !address6 && routes.empty(); }
};

// Responder: an authenticated peer sent a configuration request.
struct ConfigQuery {
  std::string profile;
  AuthKind peer_auth = AuthKind::kPsk;
  Identity peer_id;
  IpAddress local, remote;
  ConfigAttributes request;  // its CFG_REQUEST (or CFG_SET) decoded
};

// What local authorization (aaa authorization ... + crypto ikev2
// authorization policy + ip local pool) decided.
struct ConfigDecision {
  enum class Status {
    kNone,       // no authorization configured: ignore the request (§2.19)
    kGranted,    // answer with `reply`; `session` holds the lease and routes
    kRefused,    // authorization failed: AUTHENTICATION_FAILED
    kNoAddress,  // no address left: INTERNAL_ADDRESS_FAILURE, no CHILD_SA (§2.19)
  } status = Status::kNone;
  ConfigAttributes reply;
  SessionConfig session;
  std::string reason;  // kRefused: why, for the log ("" when the authorizer logged it)
};

// Authorization of a peer that sent a configuration request (aaa
// authorization ...): local authorization today, a RADIUS server next. It
// is a backend chosen at start-up, as a Signer is: one that answers at once
// is asked inline; any other is handed to the daemon as AuthorizeWork and
// the exchange waits (engine.h WorkRequest).
//
// Leases are explicit: a kGranted (or kNoAddress) decision may hold a pool
// lease in SessionConfig::lease, which from then on belongs to the IKE SA;
// the engine emits ReleaseConfig{lease} exactly once, when that SA ends, or
// at once when the decision comes after the exchange stopped waiting for
// it. A refused decision holds none.
class Authorizer {
 public:
  virtual ~Authorizer() = default;
  // Local authorization: a table lookup and a pool lease, no I/O.
  [[nodiscard]] virtual bool completes_at_once() const { return true; }
  // For this query (a backend that asks RADIUS only for some profiles).
  [[nodiscard]] virtual bool completes_at_once(const ConfigQuery&) const { return completes_at_once(); }
  // A backend that waits on the network without blocking (RADIUS
  // authorization) answers on the daemon's event loop: begin_authorize is
  // called there and `done` brings the decision later, as EapConversation's
  // begin_step does.
  [[nodiscard]] virtual bool answers_on_loop() const { return false; }
  using AuthorizeDone = std::function<void(ConfigDecision)>;
  virtual void begin_authorize(const ConfigQuery& q, AuthorizeDone done) { done(authorize(q)); }
  // Not const: it leases. Called on the daemon's event loop when
  // completes_at_once(), else wherever the daemon runs AuthorizeWork.
  [[nodiscard]] virtual ConfigDecision authorize(const ConfigQuery& q) = 0;
};

// A user name and password to check: IKEv1 XAUTH against a login list
// (aaa authentication login LIST local | group G). Like an Authorizer, a
// backend chosen by the configuration: local users are checked inline; one
// that asks RADIUS answers on the daemon's event loop (begin_check), and the
// exchange waits (engine.h WorkRequest with PasswordWork).
struct PasswordVerdict {
  std::string error;  // empty: accepted; else why not, for the log
  std::string by;     // who decided: "local", "RADIUS server RAD1"
  // A RADIUS Access-Accept's Class values (RFC 2865 §5.25), opaque: the
  // session's accounting echoes them.
  std::vector<Bytes> classes;
};
class PasswordChecker {
 public:
  virtual ~PasswordChecker() = default;
  [[nodiscard]] virtual bool answers_on_loop() const { return false; }
  using CheckDone = std::function<void(PasswordVerdict)>;
  virtual void begin_check(const std::string& user, const Secret& password, CheckDone done) {
    done(check(user, password));
  }
  // Blocking (or immediate, for local users).
  [[nodiscard]] virtual PasswordVerdict check(const std::string& user, const Secret& password) = 0;
};

// Initiator: what a tunnel interface asks for and advertises (`ip address
// negotiated`, and the route set of its authorization policy).
struct ConfigRequest {
  ConfigAttributes request;   // want_ip4/want_ip6/want_dns and our subnets
  bool accept_routes = true;  // route accept any: install the peer's subnets
};

// The CHILD_SA policy for a tunnel interface (tunnel protection ipsec profile).
// One line of a crypto map's access list as selectors (source = ours).
struct SelectorRule {
  bool permit = true;
  TrafficSelector local, remote;
  bool operator==(const SelectorRule&) const = default;
};

struct ChildConfig {
  std::string interface;  // "Tunnel0": where the SA's traffic enters and leaves
  std::vector<ChildTransformConfig> transforms;
  std::vector<TrafficSelector> local_ts;   // what we protect on our side
  std::vector<TrafficSelector> remote_ts;  // what we reach behind the peer
  DhGroup pfs = DhGroup::kNone;
  uint32_t lifetime_s = 3600;
  // Volume lifetime, enforced only when configured (set security-association
  // lifetime kilobytes), as IOS-XE's "Kilobyte Volume Rekey has been disabled"
  // default; 0 = none.
  uint64_t lifetime_kb = 0;
  uint32_t replay_window = 64;
  // mode transport in the transform set: ask for (initiator) or accept
  // (responder) N(USE_TRANSPORT_MODE), RFC 7296 §1.3.1; else tunnel mode.
  bool transport = false;
  std::optional<ConfigRequest> config_request;  // initiator: send CP(CFG_REQUEST)
  // A crypto map (IKEv1): its access list's lines in order. Its permit lines
  // are also local_ts[i]/remote_ts[i], one IPsec SA each; a responder takes
  // a peer's proxy identities only where the first line covering them
  // permits and no deny line before overlaps them. Empty elsewhere.
  std::vector<SelectorRule> acl;
};

// What to initiate: one tunnel interface towards one peer.
struct InitiateRequest {
  Endpoint local;
  Endpoint remote;
  std::string profile;  // ProfileConfig name, resolved via PolicyProvider
  ChildConfig child;
};

// Global IKEv2 admission limits (crypto ikev2 cookie-challenge, crypto ikev2
// limit). 0 means off / no limit.
struct IkeLimits {
  uint32_t cookie_challenge = 0;         // require cookies from this many half-open SAs on
  uint32_t max_in_negotiation_in = 40;   // IOS defaults, shown by show crypto ikev2 stats
  uint32_t max_in_negotiation_out = 400;
  uint32_t max_sa = 0;                   // all IKE SAs, either role
  // crypto ikev2 fragmentation [mtu N] (RFC 7383): announce and use IKE
  // fragmentation; fragments are at most `fragment_mtu` bytes as IP
  // datagrams (0: the IOS default, 576 for IPv4, 1280 for IPv6).
  bool fragmentation = false;
  uint16_t fragment_mtu = 0;
};

class PolicyProvider {
 public:
  virtual ~PolicyProvider() = default;
  virtual IkeLimits limits() const { return {}; }
  // crypto ikev2 policy matching our local address (match address local).
  virtual std::vector<IkeProposalConfig> ike_proposals(const IpAddress& local) const = 0;
  // crypto ikev2 profile whose `match identity remote` (and match address
  // local) accepts this peer; PSKs looked up in its keyring.
  virtual std::optional<ProfileConfig> profile_for_peer(const Identity& remote_id,
                                                        const IpAddress& local,
                                                        const IpAddress& remote) const = 0;
  virtual std::optional<ProfileConfig> profile_by_name(const std::string& name,
                                                       const IpAddress& remote) const = 0;
  // Responder side: the tunnel interface that protects traffic for this peer
  // under this profile (tunnel destination = peer, protection profile's
  // ikev2-profile = profile).
  virtual std::optional<ChildConfig> child_for_peer(const std::string& profile,
                                                    const IpAddress& local,
                                                    const IpAddress& remote) const = 0;
  // Responder: who authorizes a peer that sent a configuration payload
  // (null: nobody, the request is ignored as with ConfigDecision::kNone).
  // Allocating an address is the authorizer's decision; the engine asks once
  // per IKE SA and emits ReleaseConfig for the lease when the IKE SA ends.
  virtual std::shared_ptr<Authorizer> authorizer() const { return nullptr; }

  // Certificate authentication. Responder: the profile for a peer that also
  // showed a certificate (crypto pki certificate maps need it); by default
  // the certificate plays no part in the choice.
  virtual std::optional<ProfileConfig> profile_for_peer_cert(const Identity& remote_id,
                                                             const crypto::Certificate* cert,
                                                             const IpAddress& local,
                                                             const IpAddress& remote) const {
    (void)cert;
    return profile_for_peer(remote_id, local, remote);
  }
  // Initiator: does the responder's identity (and certificate) satisfy the
  // match statements of the profile we initiated with?
  virtual bool peer_matches_profile(const ProfileConfig& profile, const Identity& remote_id,
                                    const crypto::Certificate* cert, const IpAddress& local,
                                    const IpAddress& remote) const {
    (void)profile, (void)remote_id, (void)cert, (void)local, (void)remote;
    return true;
  }
  // The CAs (SPKI SHA-1 hashes) we accept peer certificates from, for the
  // CERTREQ of our IKE_SA_INIT response (RFC 7296 §3.7); empty: no CERTREQ.
  virtual std::vector<Bytes> certreq_authorities(const IpAddress& local) const {
    (void)local;
    return {};
  }
  // Responder, at IKE_SA_INIT (before IKE_AUTH picks the profile): does the
  // profile this peer will most likely get have nat force-encap? Then we
  // fake our NAT-D source hash too, as the initiator would, so ESP goes in
  // UDP whichever side initiates (strongSwan decides encap=yes the same way,
  // from the configuration it matches by address at IKE_SA_INIT).
  virtual bool responder_force_encap(const IpAddress& local, const IpAddress& remote) const {
    (void)local, (void)remote;
    return false;
  }
};

}  // namespace kg::ike
