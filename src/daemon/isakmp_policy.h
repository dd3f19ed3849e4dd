// The configuration as the IKEv1 engine's PolicyProvider (ikev1/policy.h):
// crypto isakmp policy N (or seed 001's default table), crypto isakmp key
// ... address, crypto isakmp identity, the trustpoints for rsa-sig, crypto
// isakmp peer (Aggressive Mode initiation), and the tunnel interfaces that
// use ISAKMP: a tunnel whose ipsec profile has no `set ikev2-profile` and
// whose destination has a crypto isakmp key or a crypto isakmp peer entry
// with a password (or an explicit rsa-sig policy with a certificate to sign
// with) (IOS uses ISAKMP for such a profile;
// keygate asks for the key too, so configurations written for IKEv2 with
// the default ikev2 profile keep using IKEv2).
#pragma once
#include "daemon/config_policy.h"
#include "daemon/peer_names.h"
#include "ikev1/policy.h"

namespace kg::daemon {

class IsakmpPolicy final : public ikev1::PolicyProvider {
 public:
  explicit IsakmpPolicy(const ConfigPolicy& config) : config_(config) {}

  std::vector<ikev1::IsakmpPolicy> policies() const override;
  // By address: crypto isakmp key (the most specific mask; then a hostname
  // key whose ip host entry has the address), else a crypto keyring.
  std::optional<Secret> psk(const IpAddress& local, const IpAddress& remote) const override;
  // crypto isakmp key K hostname FQDN, by the peer's FQDN identity.
  std::optional<Secret> hostname_psk(const std::string& fqdn) const;
  // isakmp_ezvpn.cc: a profile's keyring; the profile a peer matches.
  std::optional<Secret> profile_psk(const std::string& profile, const IpAddress& local,
                                    const IpAddress& remote) const override;
  std::string match_profile(const IpAddress& local, const IpAddress& remote, isakmp::IdType type,
                            const std::string& id) const override;
  // The profile's self-identity, else crypto isakmp identity.
  ikev1::LocalIdentity identity(const std::string& profile) const override;
  std::vector<std::shared_ptr<const crypto::Trustpoint>> trustpoints() const override;
  bool fragmentation() const override;
  // crypto isakmp keepalive, or the profile's keepalive.
  ike::DpdConfig keepalive(const IpAddress& remote, const std::string& profile) const override;
  bool dpd_configured() const override;
  bool invalid_spi_recovery(const IpAddress& remote) const override;
  std::optional<ike::ChildConfig> child_for_peer(const IpAddress& local, const IpAddress& remote) const override;
  std::string map_profile(const IpAddress& local, const IpAddress& remote) const override;

  // Easy VPN server (isakmp_ezvpn.cc).
  bool aggressive_mode_disabled() const override;
  std::optional<ikev1::AggressivePeer> aggressive_peer(const IpAddress& remote) const override;
  bool peer_lookup_pending(const IpAddress& remote) const override;
  std::optional<ikev1::EzvpnPeer> ezvpn_peer(const IpAddress& local, const IpAddress& remote, isakmp::IdType type,
                                             const std::string& id) const override;
  std::shared_ptr<ike::PasswordChecker> xauth_checker(const std::string& list, const IpAddress& remote) const override;
  ikev1::ModeCfgReply mode_config(const ikev1::ModeCfgQuery& q) const override;

  // Its limits (ipsec:max-users, ipsec:max-logins) once a RADIUS group's
  // Access-Accept is in.
  void ezvpn_group_authorized(ikev1::EzvpnPeer& peer) const override;

  // Groups authorized by RADIUS (isakmp authorization list with `aaa
  // authorization network LIST group G`): each group's Access-Accept
  // attributes (its key never among them) and Class values, by group name,
  // as the last lookup gave them; the limits, mode configuration and
  // accounting read them.
  struct RadiusGroup {
    aaa::AttributeSet attributes;
    std::vector<Bytes> classes;  // echoed in its sessions' accounting (RFC 2865 §5.25)
  };
  using RadiusGroups = std::map<std::string, RadiusGroup>;

  // XAUTH with `aaa authentication login LIST group G`: the RADIUS checker
  // of group G (daemon.cc: aaa/radius_pap.h over the RADIUS service), with
  // `fallback` for a list ending in `local`; null when G is unknown.
  using RadiusPasswords = std::function<std::shared_ptr<ike::PasswordChecker>(
      const std::string& group, const IpAddress& remote, std::shared_ptr<ike::PasswordChecker> fallback)>;
  void set_radius_passwords(RadiusPasswords f) { radius_passwords_ = std::move(f); }

  // crypto isakmp peer fqdn NAME: where names are looked up (none: such
  // entries match no address).
  void set_peer_names(PeerNames* names) { names_ = names; }

  // Does this tunnel interface negotiate with ISAKMP (see above)?
  bool tunnel_uses_isakmp(const std::string& ifname) const;

 private:
  bool sig_ready() const;  // an rsa-sig or ecdsa-sig policy with a key of its kind
  // The crypto isakmp peer entry for this address: address A, else an fqdn
  // NAME that resolves to it; its key in peers, or null.
  const std::string* peer_key(const IpAddress& remote) const;
  bool tunnel_serves(const IpAddress& remote) const;  // a tunnel interface with ISAKMP to this peer
  std::optional<Secret> keyring_psk(const IpAddress& remote) const;  // any crypto keyring, by address
  const config::IsakmpKey* address_key(const IpAddress& remote) const;
  const ConfigPolicy& config_;
  PeerNames* names_ = nullptr;
  RadiusPasswords radius_passwords_;
  std::shared_ptr<RadiusGroups> radius_groups_ = std::make_shared<RadiusGroups>();
};

// A configured protection suite in the engine's terms; nullopt for what the
// engine cannot run.
std::optional<ikev1::IsakmpPolicy> engine_policy(int priority, const config::IsakmpPolicy& p);

}  // namespace kg::daemon
