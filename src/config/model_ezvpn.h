// Easy VPN server and ISAKMP profiles (commands_ezvpn.cc, seed 001): client
// configuration groups (mode configuration and XAUTH), ISAKMP profiles,
// crypto keyrings, named login lists for XAUTH, aggressive-mode control.
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/secret.h"

namespace kg::config {

// crypto isakmp client configuration group NAME|default
struct EzvpnGroup {
  Secret key;  // key [0|6] KEY: the group's pre-shared key (Aggressive Mode)
  bool has_key = false;
  std::string pool, domain, netmask, banner;
  std::string acl;  // split tunnelling: a standard or extended access list
  std::vector<std::string> dns, wins;  // primary [secondary]
  std::vector<std::string> backup_gateways;
  std::vector<std::string> split_dns;  // split-dns NAME (up to 10, in order)
  bool include_local_lan = false, save_password = false, pfs = false;
  bool firewall_are_u_there = false;  // firewall are-u-there
  int max_users = 0, max_logins = 0;  // 0: no limit
  std::string attribute_list;  // crypto aaa attribute list NAME: per-user attributes over the group's
  std::string browser_proxy;   // browser-proxy NAME (crypto isakmp client configuration browser-proxy)
  std::string firewall_policy; // firewall policy NAME (crypto isakmp client firewall)
};

// crypto isakmp client configuration browser-proxy NAME: what a Cisco VPN
// Client would set as its browser's proxy. Kept and written back; no
// standard client takes it (see commands_ezvpn_policy.cc).
struct BrowserProxy {
  std::string setting;         // proxy auto-detect | none | server ADDR:PORT: "auto-detect", "none", "server A:P"
  std::string exception_list;  // proxy exception-list LIST (comma-separated, as typed)
  bool bypass_local = false;   // proxy by-pass-local
};

// crypto isakmp client firewall NAME required|optional TYPE: a Central
// Policy Push firewall policy for Cisco VPN Clients (kept, not pushed).
struct ClientFirewall {
  bool required = false;
  std::string type;  // Cisco-Security-Agent, Cisco-Integrated-firewall, Zonelabs-Zonealarm, Zonelabs-ZonealarmPro
  std::string acl_in, acl_out;  // policy central-policy-push access-list in|out ACL
  bool check_presence = false;  // policy check-presence
};

// crypto isakmp profile NAME
struct IsakmpProfile {
  std::vector<std::string> match_groups;     // match identity group NAME
  std::vector<std::string> match_addresses;  // match identity address A [MASK]: "A MASK"
  std::vector<std::string> match_hosts;      // match identity host FQDN
  // match identity user NAME | user domain NAME: a user-FQDN identity, whole
  // ("alice@example.net") or by its domain (stored as "@example.net").
  std::vector<std::string> match_users;
  // local-address IFACE | A.B.C.D: the profile applies only to ISAKMP SAs on
  // that local address (an interface: its address); "" everywhere.
  std::string local_address;
  std::string client_auth_list;              // client authentication list LIST (XAUTH)
  std::string authorization_list;            // isakmp authorization list LIST
  std::string accounting_list;               // accounting LIST (aaa accounting network LIST start-stop group G)
  std::string config_address;                // client configuration address respond|initiate
  std::string keyring;
  int virtual_template = 0;
  // keepalive SECONDS retry RETRY: DPD for the SAs using this profile,
  // overriding crypto isakmp keepalive (0: not set).
  int keepalive = 0, keepalive_retry = 2;
  bool initiate_aggressive = false;  // initiate mode aggressive (a crypto map's set isakmp-profile)
  // self-identity address | fqdn | user-fqdn NAME: the identity this
  // profile's ISAKMP SAs send (ID payload), over crypto isakmp identity;
  // "" when not set. fqdn: the hostname, as crypto isakmp identity hostname.
  std::string self_identity_type, self_identity;
};

// crypto keyring NAME: pre-shared-key address A [MASK] key K | hostname H key K
struct CryptoKeyringKey {
  Secret key;
  std::string address, mask = "255.255.255.255";  // address form
  std::string hostname;                           // hostname form
};
struct CryptoKeyring {
  std::vector<CryptoKeyringKey> keys;
};

struct EzvpnConfig {
  std::map<std::string, EzvpnGroup> groups;
  std::string address_pool;          // crypto isakmp client configuration address-pool local NAME
  bool aggressive_disabled = false;  // crypto isakmp aggressive-mode disable
  std::map<std::string, IsakmpProfile> profiles;
  std::map<std::string, CryptoKeyring> keyrings;
  // aaa authentication login LIST local | group G [local]: "local",
  // "group G", "group G local" (default local: Model::aaa_login_local).
  std::map<std::string, std::string> login_lists;
  std::map<std::string, BrowserProxy> browser_proxies;
  std::map<std::string, ClientFirewall> firewalls;
  // crypto logging ezvpn [group NAME]: %CRYPTO-6-EZVPN_CONNECTION_UP/DOWN
  // for every group, or for the groups named.
  bool log_all = false;
  std::set<std::string> log_groups;
};

}  // namespace kg::config
