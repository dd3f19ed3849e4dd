// The IOS configuration model seen as the IKE engine's PolicyProvider:
// crypto ikev2 policy/proposal → IKE proposals, crypto ikev2 profile + keyring
// → identities and pre-shared keys, interface TunnelN + crypto ipsec profile +
// transform sets + ip route → CHILD_SA policy.
#pragma once
#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "aaa/authorization.h"
#include "aaa/ip_pool.h"
#include "aaa/radius_eap.h"
#include "config/model.h"
#include "config/pki_store.h"
#include "daemon/aaa_keyring.h"
#include "ike/engine.h"
#include "ike/policy.h"

namespace kg::daemon {

class ConfigPolicy final : public ike::PolicyProvider {
 public:
  ConfigPolicy();
  // The local authorizer refers to this object.
  ConfigPolicy(const ConfigPolicy&) = delete;
  ConfigPolicy& operator=(const ConfigPolicy&) = delete;

  void set_model(const config::Model& m) { model_ = m; }
  const config::Model& model() const { return model_; }

  ike::IkeLimits limits() const override;
  std::vector<ike::IkeProposalConfig> ike_proposals(const IpAddress& local) const override;
  std::optional<ike::ProfileConfig> profile_for_peer(const ike::Identity& remote_id, const IpAddress& local,
                                                     const IpAddress& remote) const override;
  std::optional<ike::ProfileConfig> profile_by_name(const std::string& name,
                                                    const IpAddress& remote) const override;
  std::optional<ike::ChildConfig> child_for_peer(const std::string& profile, const IpAddress& local,
                                                 const IpAddress& remote) const override;
  // Certificates (config_policy_pki.cc): the parsed trustpoints come from
  // the configuration's PkiStore.
  void set_pki(const config::PkiStore* pki) { pki_ = pki; }
  [[nodiscard]] const config::PkiStore* pki() const { return pki_; }
  std::optional<ike::ProfileConfig> profile_for_peer_cert(const ike::Identity& remote_id,
                                                          const crypto::Certificate* cert, const IpAddress& local,
                                                          const IpAddress& remote) const override;
  bool peer_matches_profile(const ike::ProfileConfig& profile, const ike::Identity& remote_id,
                            const crypto::Certificate* cert, const IpAddress& local,
                            const IpAddress& remote) const override;
  std::vector<Bytes> certreq_authorities(const IpAddress& local) const override;
  // The profile of the tunnel whose destination is the peer; without one,
  // any profile the local address may match.
  bool responder_force_encap(const IpAddress& local, const IpAddress& remote) const override;

  // CHILD_SA policy of a tunnel interface (for initiating).
  std::optional<ike::ChildConfig> child_for_tunnel(const std::string& ifname) const;
  // tunnel mode ipsec ipv6: ::/0 locally, the IPv6 prefixes of the tunnel remotely.
  void add_ipv6_selectors(ike::ChildConfig& c, const std::string& ifname, const config::Interface& itf) const;
  // tunnel mode gre: the GRE flow (IP protocol 47) from the tunnel source
  // (when the model names an address) to the tunnel destination.
  void add_gre_selectors(ike::ChildConfig& c, const config::Interface& itf) const;
  // The ikev2 profile a tunnel interface uses (its ipsec profile's set
  // ikev2-profile, else "default").
  std::string profile_for_tunnel(const std::string& ifname) const;

  // Remote access (ra_policy.cc): local authorization of a peer's
  // configuration request, with addresses leased from the daemon's pools
  // (not const: it leases), and the ike::Authorizer that answers with it at
  // once; the Virtual-Template a profile clones sessions from; what a tunnel
  // asks for (ip address negotiated) and advertises (its authorization's
  // route set).
  ike::ConfigDecision authorize(const ike::ConfigQuery& q);
  // The same with RADIUS (aaa authorization network LIST group G): each
  // user/group step that names a RADIUS group is an Access-Request for its
  // name; `done` brings the decision on the loop.
  void begin_authorize(const ike::ConfigQuery& q, ike::Authorizer::AuthorizeDone done);
  // Does this query need no RADIUS request?
  bool authorizes_locally(const ike::ConfigQuery& q) const;
  std::shared_ptr<ike::Authorizer> authorizer() const override { return local_authorizer_; }
  // The daemon's address pools (Easy VPN mode configuration leases from them).
  aaa::AddressPools* pools() const { return pools_; }
  // An authorization Access-Request (User-Name, User-Password "cisco" as
  // IOS sends) to group G; the reply's attributes, labelled `source`.
  // keyring aaa asks the same way, with its own password (aaa_keyring.h).
  using RadiusLookup = RadiusUserLookup;
  void set_radius_lookup(RadiusLookup f) { radius_lookup_ = std::move(f); }
  [[nodiscard]] const RadiusLookup& radius_lookup() const { return radius_lookup_; }
  // The user and attributes each session was authorized with (show crypto
  // session detail), by peer address and IKE identity.
  struct AuthorizedSession {
    std::string user;
    std::string group;                    // the group authorization's name ("" without one)
    std::vector<std::string> attributes;  // AttributeSet::lines()
    bool up = false;                      // its IKE SA came up (SessionEvent)
    std::chrono::steady_clock::time_point granted;
  };
  const AuthorizedSession* authorized_session(const IpAddress& remote, const std::string& ike_id) const;
  // Sessions up and down: what ipsec:max-logins / ipsec:max-users count.
  void on_session(const ike::SessionEvent& ev);
  void set_remote_access(aaa::AddressPools* pools, aaa::InterfacePrefix iface) {
    pools_ = pools;
    iface_ = std::move(iface);
  }
  std::optional<ike::ChildConfig> child_for_template(const std::string& profile) const;
  // The EAP back end of `aaa authentication eap LIST` when LIST is `group
  // G` (a RADIUS relay, daemon/radius_service.h); null when G is unknown.
  using EapBackend = std::function<std::shared_ptr<const ike::EapAuthenticator>(const std::string& group,
                                                                                  bool query_identity)>;
  void set_eap_backend(EapBackend b) { eap_backend_ = std::move(b); }
  // Users the RADIUS relay accepted, with their Access-Accept's attributes
  // (aaa/radius_eap.h); authorize() applies and forgets them.
  void set_accepted_users(std::shared_ptr<aaa::AcceptedUsers> a) { accepted_ = std::move(a); }
  // A session authorized under a profile with `aaa accounting eap LIST`
  // (LIST = `aaa accounting network LIST start-stop group G`): who it is,
  // for the accounting records of its session (daemon/accounting_service.h).
  struct AccountedUser {
    std::string ike_id;  // the peer's IKE identity (SessionEvent::remote_id)
    std::string group;   // G
    std::string user;    // the EAP identity the server accepted
    std::vector<Bytes> classes;
    std::optional<IpAddress> framed_ip;
  };
  using Accounted = std::function<void(AccountedUser)>;
  void set_accounting(Accounted a) { accounted_ = std::move(a); }
  std::optional<ike::ConfigRequest> config_request_for(const std::string& tunnel) const;

 private:
  // The profile's EAP back end (authentication remote eap), or null.
  std::shared_ptr<const ike::EapAuthenticator> eap_for(const config::Ikev2Profile& p) const;
  std::optional<ike::ProfileConfig> build_profile(const std::string& name, const config::Ikev2Profile& p,
                                                  const ike::Identity* remote_id, const IpAddress& remote) const;
  // match identity remote ... or match certificate MAP (either suffices).
  bool peer_matches(const config::Ikev2Profile& p, const ike::Identity& id, const crypto::Certificate* cert,
                    const IpAddress& remote) const;
  bool cert_matches(const config::Ikev2Profile& p, const crypto::Certificate& cert) const;
  // For the log: each profile and the statement that did not take the peer.
  std::string no_profile_reason(const ike::Identity& id, const IpAddress& local, const IpAddress& remote) const;
  // match address local ... (none: any local address).
  static bool local_matches(const config::Ikev2Profile& p, const IpAddress& local);
  // Authentication methods, trustpoints and identity local dn of a profile.
  void apply_pki(ike::ProfileConfig& c, const config::Ikev2Profile& p) const;
  void add_raw_keys(ike::ProfileConfig& c) const;
  const config::PkiStore* pki_ = nullptr;
  std::shared_ptr<ike::Authorizer> local_authorizer_;
  std::string serving_interface(const std::string& profile, const IpAddress& remote) const;
  config::Model model_;
  aaa::AddressPools* pools_ = nullptr;  // the daemon's; allocation is its decision
  aaa::InterfacePrefix iface_;
  EapBackend eap_backend_;
  std::shared_ptr<aaa::AcceptedUsers> accepted_;
  Accounted accounted_;
  RadiusLookup radius_lookup_;
  // What authorization gathered for one query.
  struct Gathered {
    aaa::AuthorizationPlan plan;
    std::optional<aaa::AcceptedUsers::Entry> radius;  // the EAP Access-Accept (cached attributes)
    std::optional<aaa::AttributeSet> user, group;
    std::string error;
  };
  Gathered plan(const ike::ConfigQuery& q) const;
  ike::ConfigDecision finish(const ike::ConfigQuery& q, Gathered g);
  std::map<std::string, AuthorizedSession> sessions_;
  std::deque<std::string> session_order_;
};

// tunnel mode gre ip|ipv6, or no tunnel mode on a TunnelN (config_policy_gre.cc).
bool is_gre(const std::string& name, const config::Interface& itf);
// GRE selectors: our side becomes exactly `local` (once the address is known).
void set_gre_local(ike::ChildConfig& c, const IpAddress& local);
// IOS authentication words: pre-share (or nothing), rsa-sig, ecdsa-sig, eap.
ike::AuthKind auth_kind(config::AuthMethod method);
// authentication remote METHOD lines (none: pre-share).
ike::AuthMethods auth_methods(const std::vector<config::AuthMethod>& methods);
// crypto pki certificate map: does one of its sequences accept the certificate?
bool cert_map_matches(const config::CertMap& map, const crypto::Certificate& cert);
// Identity from IOS words ("fqdn x", "address a", "email e", "key-id k").
std::optional<ike::Identity> identity_from_words(const std::string& words);
// `fqdn domain D` / `email domain D`: an FQDN identity D or ending in .D, an
// email identity ending in @D.
bool identity_in_domain(const std::string& kind, const std::string& domain, const ike::Identity& id);
// The keyring peer for a peer (IOS's most specific match: exact identity or
// hostname, then the longest domain, then the longest address mask); with
// no identity (initiating), by address only. nullptr: none.
const config::KeyringPeer* keyring_peer(const config::Ikev2Keyring& kr, const ike::Identity* id,
                                        const IpAddress& remote);

// A transform set as CHILD_SA transforms; a prefix as a selector (any
// protocol and port). For the crypto maps (crypto_maps.cc).
std::vector<ike::ChildTransformConfig> transforms_of(const std::string& name, const config::TransformSet& ts);
TrafficSelector selector_of(const Prefix& p);

}  // namespace kg::daemon
