// Typed configuration model: a plain struct tree, copied before every command
// so a rejected line leaves the running config unchanged.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/secret.h"
#include "config/ike_identity.h"
#include "config/interface_names.h"
#include "config/model_cryptomap.h"
#include "config/model_ezvpn.h"
#include "config/pin_policy.h"
#include "crypto/algorithms.h"

namespace kg::config {

// Each IOS word is its registry row (crypto/algorithms.h) from the moment
// the line is accepted; the row's ike_word is what show running-config prints.
struct Ikev2Proposal {
  std::vector<const crypto::EncrAlgorithm*> encryption;  // aes-cbc-256, aes-gcm-128...
  std::vector<const crypto::IntegAlgorithm*> integrity;  // sha256...
  std::vector<const crypto::PrfAlgorithm*> prf;
  std::vector<int> groups;  // DH group numbers
};

// Addresses as IOS prints them, in order (show output).
std::vector<std::string> address_words(const std::vector<IpAddress>& v);
std::vector<std::string> prefix_words(const std::vector<Prefix>& v);  // "a/len"

// The IOS words of registry rows, in order (show output, tests).
template <class Row>
std::vector<std::string> ike_words(const std::vector<const Row*>& rows) {
  std::vector<std::string> w;
  for (const Row* r : rows) w.emplace_back(r->ike_word);
  return w;
}

struct Ikev2Policy {
  std::vector<std::string> proposals;
  std::vector<IpAddress> match_local;  // match address local ADDR
  bool match_fvrf_any = false;
};

struct KeyringPeer {
  std::optional<AddressMatch> address;  // address ADDR [MASK] | PREFIX/LEN
  std::string hostname;
  std::optional<IkeIdentity> identity;  // fqdn x / address a / email domain d / fqdn domain d ...
  Secret psk;  // symmetric pre-shared-key (clear, in memory only)
  Secret psk_local, psk_remote;
};

struct Ikev2Keyring {
  std::map<std::string, KeyringPeer> peers;
};

// aaa authorization group|user ... in a profile (commands_ra.cc).
struct AaaAuthorization {
  std::string list;      // aaa authorization network LIST local|group G
  std::string name;      // authorization policy (or RADIUS user) name; empty: the peer's identity
  bool override = false; // group attributes win over user attributes
  bool cached = false;   // aaa authorization user eap cached: the EAP Access-Accept's attributes only
  std::string mangler;   // name-mangler M: the name derived from the peer's identity
  bool operator==(const AaaAuthorization&) const = default;
};

// dpd INTERVAL RETRY on-demand|periodic (profile, or crypto ikev2 dpd).
struct Dpd {
  int interval = 0;  // 10-3600 s
  int retry = 2;     // 2-60 s
  bool periodic = false;
  bool operator==(const Dpd&) const = default;
};

// authentication local|remote METHOD.
enum class AuthMethod { kNone, kPreShare, kRsaSig, kEcdsaSig, kEap };
// The IOS word ("pre-share", "rsa-sig", "ecdsa-sig", "eap"; "" for none).
std::string_view auth_method_word(AuthMethod m);
AuthMethod auth_method_from_word(std::string_view w);  // kNone if unknown
std::vector<std::string> auth_method_words(const std::vector<AuthMethod>& v);

struct Ikev2Profile {
  std::vector<IkeIdentity> match_identity_remote;  // fqdn x, address a m, any...
  std::vector<IpAddress> match_address_local;
  std::optional<IkeIdentity> identity_local;  // fqdn site-a.example.net, dn...; none: IOS's default
  AuthMethod auth_local = AuthMethod::kNone;
  std::vector<AuthMethod> auth_remote;  // several allowed (IOS), in the order typed
  Secret auth_local_key, auth_remote_key;
  // authentication local eap [md5|mschapv2|gtc] [username U password P]
  // (auth_local kEap): what keygate answers an EAP server with as an
  // initiator; eap_method "": whichever of the three the server proposes.
  std::string eap_method;
  std::string eap_username;
  Secret eap_password;
  std::string keyring_local;
  // keyring aaa LIST [name-mangler M] [password P]: pre-shared keys from
  // RADIUS (Cisco-AVPair ipsec:ikev2-password-local|remote).
  std::string keyring_aaa, keyring_aaa_mangler;
  Secret keyring_aaa_password;  // User-Password of the request; empty: IOS's "cisco"
  int lifetime = 86400;
  // aaa authorization group [override] psk|cert|eap list LIST [NAME] and
  // aaa authorization user psk|cert|eap list LIST [NAME], keyed by method.
  std::map<std::string, AaaAuthorization> aaa_group, aaa_user;
  int virtual_template = 0;  // virtual-template N (0: none)
  std::optional<Dpd> dpd;  // none: the global crypto ikev2 dpd, if any
  bool nat_force_encap = false;  // nat force-encap: ESP in UDP even without a NAT
  std::vector<std::string> pki_trustpoints;    // "TP", "TP sign", "TP verify"
  std::vector<std::string> match_certificate;  // crypto pki certificate map names
  // authentication remote eap [query-identity] [timeout N] (auth_remote
  // holds kEap): ask the peer's EAP identity first; EAP exchange timeout.
  bool eap_query_identity = false;
  int eap_timeout = 0;  // 45-180 s; 0: IOS's default (90 s)
  std::string aaa_authentication_eap;  // aaa authentication eap LIST
  std::string aaa_accounting_eap;      // aaa accounting eap LIST
  // aaa accounting psk|cert LIST (commands_aaa_dynamic.cc): sessions whose
  // peer authenticated with a pre-shared key or a certificate.
  std::string aaa_accounting_psk, aaa_accounting_cert;
};

// One transform of a transform set as registry rows: an ESP cipher
// ("esp-gcm 256", "esp-aes") or an ESP integrity algorithm ("esp-sha256-hmac").
struct EspTransform {
  const crypto::EncrAlgorithm* encr = nullptr;
  const crypto::IntegAlgorithm* integ = nullptr;
  bool bits_typed = false;  // the key size word followed the cipher's
  // "esp-gcm 256" / "esp-aes 256"; nullopt if no registry row has it.
  static std::optional<EspTransform> parse(std::string_view entry);
  [[nodiscard]] std::string word() const;  // back to the IOS words
  bool operator==(const EspTransform&) const = default;
};
std::vector<std::string> esp_words(const std::vector<EspTransform>& v);

struct TransformSet {
  std::vector<EspTransform> transforms;
  std::string mode = "tunnel";
};

struct IpsecProfile {
  std::vector<std::string> transform_sets;
  std::string ikev2_profile;
  std::optional<uint64_t> lifetime_seconds, lifetime_kilobytes;
  std::optional<int> replay_window;
  std::optional<int> pfs_group;
};

// tunnel mode: the encapsulation of a tunnel interface. kGreIp is IOS's
// default (`tunnel mode gre ip`), which show running-config never prints.
enum class TunnelMode { kGreIp, kGreIpv6, kIpsecIpv4, kIpsecIpv6 };
// The IOS words after "tunnel mode": "gre ip", "gre ipv6", "ipsec ipv4", "ipsec ipv6".
std::string_view tunnel_mode_word(TunnelMode m);
inline bool is_gre_mode(TunnelMode m) { return m == TunnelMode::kGreIp || m == TunnelMode::kGreIpv6; }

// tunnel destination ADDR | dynamic (a FlexVPN client chooses the peer);
// neither: not configured.
struct TunnelDestination {
  std::optional<IpAddress> address;
  bool dynamic = false;
  [[nodiscard]] bool empty() const { return !address && !dynamic; }
  [[nodiscard]] std::string word() const;  // as IOS prints it; "" when empty
  bool operator==(const TunnelDestination&) const = default;
};

// ip address ADDR MASK | ip address negotiated (commands_ra.cc: a FlexVPN
// client's address, from the hub); neither: none.
struct InterfaceAddress {
  std::optional<Prefix> address;  // the address as typed, the mask as its length
  bool negotiated = false;
  [[nodiscard]] bool empty() const { return !address && !negotiated; }
  [[nodiscard]] std::string word() const;  // "ADDR MASK", "negotiated"; "" when empty
  bool operator==(const InterfaceAddress&) const = default;
};

// tunnel source INTERFACE | ADDRESS.
struct TunnelSource {
  std::string word;                 // as printed: the canonical interface name, or the address as typed
  std::optional<IpAddress> address;  // when the word is an address
  [[nodiscard]] bool empty() const { return word.empty(); }
  bool operator==(const TunnelSource&) const = default;
};

struct Interface {
  std::string description;
  InterfaceAddress ip_address;
  std::string ip_unnumbered;  // the interface whose address is borrowed
  TunnelSource tunnel_source;
  TunnelDestination tunnel_destination;
  // ipsec ipv4 (commands_ipsec.cc), ipsec ipv6 (commands_ipv6.cc), gre (commands_gre.cc).
  TunnelMode tunnel_mode = TunnelMode::kGreIp;
  std::vector<Prefix> ipv6_addresses;  // ipv6 address PREFIX/LEN (commands_ipv6.cc), the address as typed
  std::string tunnel_protection;  // ipsec profile name
  std::optional<int> mtu;
  bool shutdown = false;
  std::string crypto_map;  // crypto map NAME (commands_cryptomap.cc)
};

// Global crypto ikev2 settings: cookie-challenge, limit, nat keepalive.
struct Ikev2Global {
  std::optional<int> cookie_challenge;  // half-open SAs from which cookies are required
  int max_in_negotiation_in = kDefaultMaxInNegotiationIn;
  int max_in_negotiation_out = kDefaultMaxInNegotiationOut;
  std::optional<int> max_sa;
  std::optional<Dpd> dpd;  // crypto ikev2 dpd
  std::optional<int> nat_keepalive;  // seconds; none unless configured (IOS)
  // crypto ikev2 fragmentation [mtu N] (RFC 7383); no mtu: IOS's 576/1280.
  bool fragmentation = false;
  std::optional<int> fragmentation_mtu;
  static constexpr int kDefaultMaxInNegotiationIn = 40;   // IOS: "Max in nego(in/out): 40/400"
  static constexpr int kDefaultMaxInNegotiationOut = 400;
};

// crypto isakmp (IKEv1, commands_isakmp.cc, seed 001). A protection suite
// (crypto isakmp policy N); its defaults are IOS's except where keygate has
// no such algorithm (IOS: des, group 1): aes 128 and group 14 instead.
struct IsakmpPolicy {
  std::string encryption = "aes";  // aes | 3des
  int key_bits = 128;              // aes 128|192|256
  std::string hash = "sha";        // sha | sha256 | sha384 | sha512 | md5
  std::string authentication = "rsa-sig";  // pre-share | rsa-sig | ecdsa-sig
  int group = 14;
  int lifetime = 86400;
  bool operator==(const IsakmpPolicy&) const = default;
};
// crypto isakmp key [0|6] KEY address A [MASK]
struct IsakmpKey {
  Secret key;  // clear, in memory only
  std::string address;  // address A [MASK]; the ipv6 form: the prefix A/P
  std::string mask = "255.255.255.255";  // empty in the ipv6 form
  std::string hostname;  // the hostname form (address empty): the peer's FQDN identity, or its ip host addresses
  bool no_xauth = false;  // address and ipv6 forms: never ask this peer for XAUTH (seed 001)
};
// crypto isakmp peer address A | fqdn NAME (seed 001; IOS 12.2(8)T "IKE:
// Initiate Aggressive Mode"; ip-address A is the same): with both set,
// phase 1 with A (or with the address NAME resolves to when keygated needs
// it, daemon/isakmp_peer_names.h) is initiated in Aggressive Mode with this
// identity and key.
struct IsakmpPeer {
  std::string description;  // description LINE (shown back, nothing else)
  Secret password;  // set aggressive-mode password [0|6] KEY (the Tunnel-Password)
  bool has_password = false;
  // set aggressive-mode client-endpoint TYPE VALUE (the Tunnel-Client-Endpoint):
  // ipv4-address | ipv6-address | fqdn | user-fqdn; "" when not set.
  std::string endpoint_type, endpoint;
};
// A crypto isakmp peer key that is a name (fqdn NAME), not an address.
inline bool is_fqdn_peer(const std::string& key) { return !IpAddress::parse(key).has_value(); }

struct IsakmpGlobal {
  std::map<int, IsakmpPolicy> policies;
  bool enabled = true;              // no crypto isakmp enable: no ISAKMP (IKEv1) at all
  bool default_policy = true;       // no crypto isakmp default policy
  std::vector<IsakmpKey> keys;
  std::string identity = "address";  // crypto isakmp identity address|dn|hostname
  bool fragmentation = false;        // crypto isakmp fragmentation (off by default, seed 001)
  std::optional<Dpd> keepalive;     // crypto isakmp keepalive (DPD); none: no DPD (IOS)
  std::optional<int> nat_keepalive; // crypto isakmp nat keepalive SECONDS
  bool invalid_spi_recovery = false;  // crypto isakmp invalid-spi-recovery
  // crypto isakmp peer address A | fqdn NAME, by A or NAME (a NAME never
  // parses as an address: is_fqdn_peer tells them apart).
  std::map<std::string, IsakmpPeer> peers;
};

// Remote access (commands_ra.cc): address pools, authorization policies.
struct PoolRange {
  std::string start, end;
  bool operator==(const PoolRange&) const = default;
};
struct LocalPool {  // ip local pool NAME START [END] (several lines extend a pool)
  std::vector<PoolRange> ranges;
};
struct Ipv6LocalPool {  // ipv6 local pool NAME PREFIX/LEN ASSIGNED-LEN
  std::string prefix;
  int assigned_len = 128;
};

// crypto ikev2 authorization policy NAME: attributes for local AAA
// authorization and the configuration payload (RFC 7296 §2.19).
struct AuthorizationPolicy {
  std::string pool, ipv6_pool;
  std::vector<std::string> dns, ipv6_dns;
  std::string netmask, def_domain;
  bool route_set_interface = false;             // the tunnel interface's own address
  std::vector<std::string> route_set_interfaces;  // route set interface IFACE
  std::vector<std::string> route_set_remote;      // "ipv4 ADDR MASK" | "ipv6 PREFIX/LEN"
  std::string route_set_acl, route_set_acl6;
  bool route_accept_any = false;
  int route_accept_tag = 1, route_accept_distance = 1;
  std::string aaa_attribute_list;  // aaa attribute list NAME
  bool operator==(const AuthorizationPolicy&) const = default;
};

struct AclEntry {
  bool permit = true;
  std::string addr, wildcard;  // "any": addr "0.0.0.0" wildcard "255.255.255.255"
  bool operator==(const AclEntry&) const = default;
};
struct AccessList {  // ip access-list standard NAME / access-list N (standard)
  std::vector<AclEntry> entries;
  bool numbered = false;
  bool operator==(const AccessList&) const = default;
};

// crypto ikev2 name-mangler NAME (commands_mangler.cc): how a peer's
// identity becomes the user name of an authorization request. Each field
// holds the IOS words after its keyword, empty when not configured:
//   dn     common-name|country|domain|locality|organization|organization-unit|state
//   fqdn   all|domain|hostname
//   email  all|domain|username
//   eap all | dn FIELD | prefix|suffix delimiter D  (D: a dot, @ or backslash)
struct NameMangler {
  std::string dn, fqdn, email, eap;
  bool operator==(const NameMangler&) const = default;
};

// aaa attribute list NAME / attribute type NAME VALUE [protocol P] [mandatory]
struct AaaAttribute {
  std::string name, value;
  bool operator==(const AaaAttribute&) const = default;
};

// crypto ikev2 client flexvpn NAME
struct FlexvpnClient {
  std::map<int, std::string> peers;  // peer N ADDR | fqdn NAME [dynamic]
  std::string connect;               // client connect TunnelN
  bool peer_reactivate = false;
};

// Where a static route goes: out of an interface, or via a next hop.
struct RouteTarget {
  std::string interface;              // canonical IOS name; empty with a next hop
  std::optional<IpAddress> next_hop;
  [[nodiscard]] std::string word() const { return next_hop ? next_hop->str() : interface; }
  bool operator==(const RouteTarget&) const = default;
};
struct Route {  // ip route ADDR MASK TARGET
  Prefix dest;  // the address as typed (IOS prints it so), the mask as its length
  RouteTarget target;
  bool operator==(const Route&) const = default;
};
struct Route6 {  // ipv6 route PREFIX/LEN TARGET (commands_ipv6.cc)
  Prefix prefix;  // the network: host bits typed are cleared
  RouteTarget target;
  bool operator==(const Route6&) const = default;
};

// crypto pki trustpoint NAME (certificates live in PkiCertChain).
struct PkiTrustpoint {
  std::string enrollment;                  // "terminal", "terminal pem"
  std::string subject_name;
  std::vector<std::string> revocation;     // revocation-check: "crl", "none" (empty = IOS default crl)
  std::string rsakeypair, eckeypair;       // key pair label (and size for rsakeypair)
  bool operator==(const PkiTrustpoint&) const = default;
};

// crypto pki certificate chain NAME: certificate [ca] SERIAL hex blocks.
struct PkiCertificate {
  std::string serial;  // as typed, upper-case hex
  bool ca = false;
  std::string der;     // binary DER, filled by the hex lines up to "quit"
  bool operator==(const PkiCertificate&) const = default;
};
struct PkiCertChain {
  std::vector<PkiCertificate> certs;
  bool operator==(const PkiCertChain&) const = default;
};

// crypto pki certificate map NAME SEQ: every rule of one sequence must hold.
struct CertMapRule {
  std::string field;  // subject-name, issuer-name, alt-subject-name, serial-number
  std::string op;     // eq, ne, co, nc
  std::string value;
  bool operator==(const CertMapRule&) const = default;
};
using CertMap = std::map<int, std::vector<CertMapRule>>;

// crypto key pubkey-chain rsa: a peer's raw RSA public key (addressed-key by
// its address, named-key by its IKE identity), for authentication remote
// rsa-sig when the peer sends no certificate (commands_pubkey_chain.cc).
struct PeerPublicKey {
  std::string der;     // SubjectPublicKeyInfo, from the key-string hex up to "quit"
  std::string typing;  // hex lines of a key-string not yet ended by "quit"
  bool operator==(const PeerPublicKey&) const = default;
};
struct PubkeyChain {
  std::map<std::string, PeerPublicKey> addressed;  // by address, as typed
  std::map<std::string, PeerPublicKey> named;      // by identity (FQDN, email, DN text)
  bool operator==(const PubkeyChain&) const = default;
};

// logging buffered [SIZE] [LEVEL] (commands_logging.cc). Each is kept as typed
// (unset: IOS's default), so show running-config prints back what was set.
struct LoggingBuffered {
  std::optional<long> size;  // bytes, 4096-2147483647; default 4096
  std::optional<int> level;  // severity 0-7; default 7 (debugging)
  static constexpr long kDefaultSize = 4096;
  static constexpr int kDefaultLevel = 7;
  bool operator==(const LoggingBuffered&) const = default;
};

// username NAME [privilege N] secret ... (commands_users.cc)
struct LocalUser {
  int privilege = 1;
  std::string secret;  // type 9 ($9$salt$hash): never the password itself
  bool operator==(const LocalUser&) const = default;
};

// consent-token authority NAME (commands_consent.cc): the public key that
// signs consent-token responses for this gateway.
struct ConsentAuthority {
  std::string public_key;  // Ed25519 SubjectPublicKeyInfo, base 64 (one line); empty: none yet
  bool operator==(const ConsentAuthority&) const = default;
};

// ip http … (commands_http.cc): the end-user web page, served by keygate-web
// (src/web), which keygated starts and supervises while secure_server is on.
struct HttpServer {
  bool secure_server = false;     // ip http secure-server
  bool server = false;            // ip http server: plain HTTP, only redirecting to HTTPS
  int secure_port = 443;          // ip http secure-port N
  int port = 80;                  // ip http port N
  bool authentication_local = false;  // ip http authentication local (the only method; written when typed)
  std::string secure_trustpoint;  // ip http secure-trustpoint NAME; empty: a self-signed certificate
  std::string access_class;       // ip http access-class NAME|N: standard ACL of who may connect
  bool operator==(const HttpServer&) const = default;
};

// RADIUS (commands_aaa.cc). A server: `radius server NAME` with
// `address ipv4 A auth-port P acct-port P` and `key`, or a group's
// `server-private A auth-port P acct-port P key K`.
struct RadiusServer {
  std::optional<IpAddress> address;  // none until `address ipv4` is given
  int auth_port = 1812, acct_port = 1813;
  Secret key;
};
// aaa group server radius NAME: its servers in the order tried.
struct AaaRadiusGroup {
  std::vector<std::string> server_names;      // server name NAME
  std::vector<RadiusServer> private_servers;  // server-private ...
};
// radius-server timeout|retransmit|deadtime: IOS's defaults.
struct RadiusSettings {
  int timeout = 5;     // seconds per transmission
  int retransmit = 3;  // retransmissions per server
  int deadtime = 0;    // minutes a dead server is skipped; 0: until it answers a probe
  bool operator==(const RadiusSettings&) const = default;
};
// aaa server radius dynamic-author (RFC 5176; commands_aaa_dynamic.cc): the
// clients allowed to send Disconnect- and CoA-Requests, by address, each
// with its key, and the UDP port listened on.
struct DynamicAuthor {
  bool enabled = false;
  int port = 3799;
  std::map<std::string, Secret> clients;  // "A.B.C.D" -> server-key
};
// Accounting options beyond the lists (commands_aaa_dynamic.cc).
struct AccountingOptions {
  int update_periodic = 0;  // aaa accounting update periodic N: minutes; 0: no Interim-Update
  int update_seconds = 0;   // hidden: the period in seconds (tests); wins over minutes
  bool update_newinfo = false;  // aaa accounting update newinfo: an Interim-Update when the session changes
  std::string source_interface;  // ip radius source-interface IFACE
  // aaa accounting system default start-stop|stop-only group G (IOS system
  // accounting): Accounting-On when keygated starts (start-stop only) and
  // Accounting-Off when it stops cleanly, to G. Without it neither is sent.
  std::string system_group;
  bool system_stop_only = false;
  bool operator==(const AccountingOptions&) const = default;
};
// crypto pki token NAME|default ... (commands_token.cc): settings for one
// token (named by label, usbtokenN or a pkcs11: URI) or, under "default",
// for every token without its own.
struct TokenConfig {
  std::optional<int> removal_timeout;  // seconds; none: the keys stay active (IOS)
  Secret user_pin;                     // auto-login on insertion; empty: none
  std::optional<int> max_retries;      // wrong user PINs before keygate blocks it (default 10)
  std::string module;                  // a PKCS#11 module p11-kit does not register
  std::optional<PinPolicy> pin_policy; // composition rule for new user PINs (pin_policy.h)
};
inline constexpr int kDefaultUserPinRetries = 10;   // seed 002 §5
inline constexpr int kAdminPinRetries = 15;         // seed 002 §5

struct Model {
  // ip host NAME ADDRESS...: the static host table (up to 8 addresses).
  std::map<std::string, std::vector<std::string>> ip_hosts;
  std::string hostname = "keygate";
  // Users and privilege levels (commands_users.cc, privilege.h).
  std::map<std::string, LocalUser> users;
  std::string enable_secret;                     // type 9; empty: none
  std::map<std::string, int> exec_privileges;    // privilege exec level N WORDS: "WORDS" -> N
  bool aaa_login_local = false;                  // aaa authentication login default local
  std::optional<LoggingBuffered> logging_buffered;  // none: no buffered logging
  std::map<std::string, Ikev2Proposal> proposals;
  std::map<std::string, Ikev2Policy> policies;
  std::map<std::string, Ikev2Keyring> keyrings;
  std::map<std::string, Ikev2Profile> profiles;
  std::map<std::string, TransformSet> transform_sets;
  std::map<std::string, IpsecProfile> ipsec_profiles;
  // platform interface-map IOS-NAME DEVICE (commands_platform.cc): the
  // Linux device of each IOS physical port; interfaces stay keyed by IOS name.
  InterfaceMap interface_map;
  std::map<std::string, Interface> interfaces;
  std::vector<Route> routes;
  std::vector<Route6> ipv6_routes;
  bool ipv6_unicast_routing = false;
  Ikev2Global ikev2;
  IsakmpGlobal isakmp;
  EzvpnConfig ezvpn;  // Easy VPN server, ISAKMP profiles, crypto keyring (model_ezvpn.h)
  // Remote access.
  bool aaa_new_model = false;
  std::map<std::string, std::string> aaa_authorization_network;  // list -> "local" | "group G"
  std::map<std::string, std::string> aaa_authentication_eap;     // list -> "local" | "group G"
  std::map<std::string, std::string> aaa_accounting_network;     // list -> group G (start-stop)
  std::map<std::string, RadiusServer> radius_servers;
  std::map<std::string, AaaRadiusGroup> radius_groups;
  RadiusSettings radius;
  DynamicAuthor dynamic_author;   // aaa server radius dynamic-author
  AccountingOptions accounting;   // aaa accounting update, ip radius source-interface
  std::map<std::string, LocalPool> pools;
  std::map<std::string, Ipv6LocalPool> ipv6_pools;
  std::map<std::string, AuthorizationPolicy> authorization_policies;
  std::map<std::string, NameMangler> name_manglers;
  std::map<std::string, std::vector<AaaAttribute>> aaa_attribute_lists;
  std::map<std::string, AccessList> access_lists;
  // Extended access lists, crypto maps and dynamic maps (model_cryptomap.h).
  std::map<std::string, ExtendedAcl> extended_acls;
  std::map<std::string, CryptoMap> crypto_maps;
  std::map<std::string, DynamicMap> dynamic_maps;
  std::map<std::string, FlexvpnClient> flexvpn_clients;
  std::map<std::string, PkiTrustpoint> trustpoints;
  std::map<std::string, PkiCertChain> cert_chains;
  std::map<std::string, CertMap> cert_maps;
  PubkeyChain pubkey_chain;
  std::map<std::string, ConsentAuthority> consent_authorities;
  HttpServer http;
  std::map<std::string, TokenConfig> tokens;  // crypto pki token NAME|default ...
  std::string key_storage;                    // crypto key storage TOKEN; empty: the state directory
};

// Smart defaults (keygate's safe replacement for IOS's, without 3DES/MD5/DH 2,5).
Ikev2Proposal default_proposal();
Ikev2Policy default_policy();
TransformSet default_transform_set();
IpsecProfile default_ipsec_profile();
AuthorizationPolicy default_authorization_policy();
Model default_model();


}  // namespace kg::config
