// What the IKEv1 engine needs to know about configuration, in protocol
// terms: the ISAKMP policies (crypto isakmp policy N, or the default table),
// pre-shared keys by peer address (crypto isakmp key ... address), the
// identity we show (crypto isakmp identity) and, as for IKEv2, the CHILD_SA
// policy of the tunnel interface that protects a peer. The daemon implements
// it over the IOS model; tests implement it directly.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/ip.h"
#include "common/secret.h"
#include "crypto/algorithm_ids.h"
#include "crypto/trustpoint.h"
#include "ike/policy.h"
#include "wire/isakmp/constants.h"

namespace kg::ikev1 {

// One protection suite (crypto isakmp policy N).
struct IsakmpPolicy {
  uint32_t priority = 1;
  crypto::Cipher encr = crypto::Cipher::kAesCbc;
  uint16_t key_bits = 128;  // AES: 128/192/256; 3DES: 192
  crypto::Prf hash = crypto::Prf::kHmacSha1;
  crypto::Group group = crypto::Group::kModp2048;
  // pre-share (1), rsa-sig (3), or ecdsa-sig as any of 9-11 (RFC 4754 §4):
  // the engine offers the method of its ECDSA key's curve and answers all
  // three (EngineImpl::usable_policies); an SA's policy has the one in use.
  isakmp::P1Auth auth = isakmp::P1Auth::kPreSharedKey;
  uint32_t lifetime_s = 86400;
  bool operator==(const IsakmpPolicy&) const = default;
};

// Easy VPN (aggressive_mode.cc, xauth_mode_config.cc): what the
// configuration says about a peer that opened Aggressive Mode with this
// identity (crypto isakmp client configuration group, crypto isakmp profile,
// crypto keyring).
struct EzvpnPeer {
  Secret psk;
  std::string group;    // its client configuration group ("" if none)
  std::string profile;  // the crypto isakmp profile that matched ("" if none)
  std::string auth_list;  // client authentication list: XAUTH with it
  bool push_config = false;  // client configuration address initiate: SET, not REPLY
  // max-users / max-logins (seed 001, Session Monitoring and Limiting):
  // sessions of the group, logins of one user; nullopt: no limit.
  std::optional<uint32_t> max_users, max_logins;
  bool log_connections = false;  // crypto logging ezvpn: %CRYPTO-6-EZVPN_CONNECTION_UP/DOWN for it
  std::optional<ike::ChildConfig> child;  // the Virtual-Template (or tunnel) its IPsec SAs use
  // isakmp authorization list LIST with `aaa authorization network LIST
  // group G`: the group's key (and attributes) come from RADIUS. The engine
  // hands the lookup to the daemon as PskWork (the group name as the peer's
  // ID_KEY_ID) and answers message 1 once the key is in: PeerKeys::remote
  // is the group's key (Cisco-AVPair ipsec:tunnel-password).
  std::shared_ptr<ike::PskSource> key_source;
};

// Who mode configuration is for.
struct ModeCfgQuery {
  std::string group;    // client configuration group ("" if none)
  std::string profile;  // the crypto isakmp profile that matched ("" if none)
  std::string user;     // the XAUTH user, else the peer's identity
  std::string remote_id;  // the peer's phase-1 identity (SessionEvent::remote_id)
  IpAddress remote;
  uint32_t session_id = 0;  // SessionConfig::session_id of its sessions
  std::vector<Bytes> classes;  // Class values of the user's XAUTH Access-Accept (RADIUS), echoed in accounting
};

// Mode configuration (draft-dukes) with the Cisco Unity attributes, as the
// group says; `lease` is the daemon's pool lease (ike::ReleaseConfig).
struct ModeCfgReply {
  std::string error;  // no address: why
  uint64_t lease = 0;
  std::optional<IpAddress> address;
  uint8_t prefix_len = 32;  // netmask
  std::vector<IpAddress> dns, wins;
  std::string domain, banner;
  std::vector<Prefix> split_include;
  std::vector<std::string> backup_servers;
  std::vector<std::string> split_dns;
  bool save_password = false, include_local_lan = false, pfs = false;
  bool firewall_are_u_there = false;
};

// crypto isakmp peer address A with `set aggressive-mode password` and
// `set aggressive-mode client-endpoint` (seed 001; IOS 12.2(8)T "IKE:
// Initiate Aggressive Mode"): phase 1 with A opens in Aggressive Mode with
// this identity (the Tunnel-Client-Endpoint) and this pre-shared key (the
// Tunnel-Password).
struct AggressivePeer {
  Secret psk;
  isakmp::IdType id_type = isakmp::IdType::kIpv4Addr;
  Bytes id;  // the identification data as sent (an address's bytes, or the text)
};

// crypto isakmp identity address|dn|hostname, or an ISAKMP profile's
// self-identity address|fqdn|user-fqdn NAME: the phase-1 ID we send.
// IOS's default is the address, whatever the authentication method.
struct LocalIdentity {
  enum class Kind { kAddress, kDn, kHostname, kUserFqdn } kind = Kind::kAddress;
  std::string hostname;  // kHostname: the FQDN (ID_FQDN); kUserFqdn: name@domain (ID_USER_FQDN)
};

class PolicyProvider {
 public:
  virtual ~PolicyProvider() = default;
  // In priority order (lowest number first), the default table included
  // when it applies.
  virtual std::vector<IsakmpPolicy> policies() const = 0;
  // The pre-shared key for this peer address (crypto isakmp key ... address
  // A [MASK], most specific mask first); nullopt: none configured.
  virtual std::optional<Secret> psk(const IpAddress& local, const IpAddress& remote) const = 0;
  // The key of ISAKMP profile `profile` (its keyring) for this peer, as an
  // initiator using a crypto map's `set isakmp-profile` looks it up.
  virtual std::optional<Secret> profile_psk(const std::string& profile, const IpAddress& local,
                                            const IpAddress& remote) const {
    (void)profile;
    return psk(local, remote);
  }
  // Responder, Main Mode authenticated: the crypto isakmp profile the
  // peer's identity matches (match identity address|host|user) on our
  // address `local` (its local-address); "" if none.
  virtual std::string match_profile(const IpAddress& local, const IpAddress& remote, isakmp::IdType type,
                                    const std::string& id) const {
    (void)local, (void)remote, (void)type, (void)id;
    return {};
  }
  // The `set isakmp-profile` of the crypto map entry that protects this
  // peer (child_for_peer's); "" for none. A responder's ISAKMP SA must have
  // matched it for Quick Mode.
  virtual std::string map_profile(const IpAddress& local, const IpAddress& remote) const {
    (void)local, (void)remote;
    return {};
  }
  // What we send as IDii/IDir on an ISAKMP SA of profile `profile` ("" for
  // none): its self-identity, else crypto isakmp identity.
  virtual LocalIdentity identity(const std::string& profile) const {
    (void)profile;
    return {};
  }
  // rsa-sig and ecdsa-sig (RFC 2409 §5.1, RFC 4754): the crypto pki
  // trustpoints. As on IOS without an ISAKMP profile naming one, every
  // trustpoint may sign (one with a certificate and key of the method's
  // kind) and every one verifies the peer's certificate.
  virtual std::vector<std::shared_ptr<const crypto::Trustpoint>> trustpoints() const { return {}; }
  // crypto isakmp fragmentation: announce and use IKE fragmentation.
  virtual bool fragmentation() const { return false; }
  // Responder: the tunnel interface protecting this peer with ISAKMP (its
  // ipsec profile has no ikev2-profile); its transform sets, PFS and lifetime.
  virtual std::optional<ike::ChildConfig> child_for_peer(const IpAddress& local, const IpAddress& remote) const = 0;

  // crypto isakmp keepalive SECONDS [RETRY] [periodic|on-demand]: dead peer
  // detection (RFC 3706) for the ISAKMP SAs with this peer; `keepalive
  // SECONDS retry RETRY` in the ISAKMP profile the SA uses (`profile`, ""
  // for none) overrides it. Interval 0: off.
  virtual ike::DpdConfig keepalive(const IpAddress& remote, const std::string& profile) const {
    (void)remote, (void)profile;
    return {};
  }
  // Whether DPD is configured anywhere (globally or in a profile): then
  // phase 1 announces it with the DPD vendor ID (RFC 3706 §5.1) before the
  // SA's profile is known.
  virtual bool dpd_configured() const { return false; }

  // crypto isakmp invalid-spi-recovery, and `remote` is a static peer (a
  // pre-shared key for its address alone): ESP from it with an unknown SPI
  // starts an ISAKMP SA that tells it so.
  virtual bool invalid_spi_recovery(const IpAddress& remote) const {
    (void)remote;
    return false;
  }

  // crypto isakmp aggressive-mode disable: no Aggressive Mode, neither
  // answered nor initiated.
  virtual bool aggressive_mode_disabled() const { return false; }
  // Initiator: the crypto isakmp peer entry that makes phase 1 with `remote`
  // Aggressive Mode (both its password and its client-endpoint set); nullopt:
  // Main Mode, unless the InitiateRequest asks for Aggressive Mode.
  virtual std::optional<AggressivePeer> aggressive_peer(const IpAddress& remote) const {
    (void)remote;
    return std::nullopt;
  }
  // Initiator: a crypto isakmp peer fqdn entry's name is still being looked
  // up (it may name `remote`): phase 1 waits for the answer (the next packet
  // or retry initiates again) rather than start in the wrong mode.
  virtual bool peer_lookup_pending(const IpAddress& remote) const {
    (void)remote;
    return false;
  }
  // Aggressive Mode responder: the peer's identity (ID type, data) decides
  // the key and what follows phase 1; nullopt: no key for it.
  virtual std::optional<EzvpnPeer> ezvpn_peer(const IpAddress& local, const IpAddress& remote, isakmp::IdType type,
                                              const std::string& id) const {
    (void)local, (void)remote, (void)type, (void)id;
    return std::nullopt;
  }
  // Aggressive Mode responder, once a key_source's lookup gave the group's
  // key (its RADIUS Access-Accept is in): what the group's authorization
  // says about `peer` beyond the key (ipsec:max-users, ipsec:max-logins).
  virtual void ezvpn_group_authorized(EzvpnPeer& peer) const { (void)peer; }
  // XAUTH: the checker of the login list (aaa authentication login LIST
  // local | group G [local]) for a client at `remote`; null when LIST is not
  // defined. A local list answers at once; a RADIUS one answers on the
  // daemon's loop and the exchange waits (Engine::resume).
  virtual std::shared_ptr<ike::PasswordChecker> xauth_checker(const std::string& list, const IpAddress& remote) const {
    (void)list, (void)remote;
    return nullptr;
  }
  // Mode configuration for a group's client; leases an address.
  virtual ModeCfgReply mode_config(const ModeCfgQuery& q) const {
    (void)q;
    return {"no client configuration group"};
  }
};

}  // namespace kg::ikev1
