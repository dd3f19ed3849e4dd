// Typed configuration model: a plain struct tree, copied before every command
// so a rejected line leaves the running config unchanged.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kg::config {

struct Ikev2Proposal {
  std::vector<std::string> encryption;  // IOS words: aes-cbc-256, aes-gcm-128...
  std::vector<std::string> integrity;   // sha256...
  std::vector<std::string> prf;
  std::vector<int> groups;
};

struct Ikev2Policy {
  std::vector<std::string> proposals;
  std::vector<std::string> match_local;  // match address local ADDR
  bool match_fvrf_any = false;
};

struct KeyringPeer {
  std::string address;  // "ADDR" or "ADDR MASK"
  std::string hostname;
  std::string identity;  // "fqdn x" / "address a" ...
  std::string psk;       // symmetric pre-shared-key (clear, in memory only)
  std::string psk_local, psk_remote;
};

struct Ikev2Keyring {
  std::map<std::string, KeyringPeer> peers;
};

struct Ikev2Profile {
  std::vector<std::string> match_identity_remote;  // "fqdn x", "address a m", "any"
  std::vector<std::string> match_address_local;
  std::string identity_local;  // "fqdn site-a.example.net"
  std::string auth_local;      // "pre-share" when configured
  std::string auth_remote;
  std::string auth_local_key, auth_remote_key;
  std::string keyring_local;
  int lifetime = 86400;
};

struct TransformSet {
  std::vector<std::string> transforms;  // esp-gcm 256 -> "esp-gcm 256"
  std::string mode = "tunnel";
};

struct IpsecProfile {
  std::vector<std::string> transform_sets;
  std::string ikev2_profile;
  std::optional<uint64_t> lifetime_seconds, lifetime_kilobytes;
  std::optional<int> replay_window;
  std::optional<int> pfs_group;
};

struct Interface {
  std::string description;
  std::string ip_address;  // "ADDR MASK"
  std::string ip_unnumbered;
  std::string tunnel_source, tunnel_destination;
  std::string tunnel_mode;  // "ipsec ipv4"
  std::string tunnel_protection;  // ipsec profile name
  std::optional<int> mtu;
  bool shutdown = false;
};

// Global crypto ikev2 settings: cookie-challenge, limit.
struct Ikev2Global {
  std::optional<int> cookie_challenge;  // half-open SAs from which cookies are required
  int max_in_negotiation_in = kDefaultMaxInNegotiationIn;
  int max_in_negotiation_out = kDefaultMaxInNegotiationOut;
  std::optional<int> max_sa;
  static constexpr int kDefaultMaxInNegotiationIn = 40;   // IOS: "Max in nego(in/out): 40/400"
  static constexpr int kDefaultMaxInNegotiationOut = 400;
};

struct Route {
  std::string prefix, mask, target;
  bool operator==(const Route&) const = default;
};

struct Model {
  std::string hostname = "keygate";
  std::map<std::string, Ikev2Proposal> proposals;
  std::map<std::string, Ikev2Policy> policies;
  std::map<std::string, Ikev2Keyring> keyrings;
  std::map<std::string, Ikev2Profile> profiles;
  std::map<std::string, TransformSet> transform_sets;
  std::map<std::string, IpsecProfile> ipsec_profiles;
  std::map<std::string, Interface> interfaces;
  std::vector<Route> routes;
  Ikev2Global ikev2;
};

// Smart defaults (keygate's safe replacement for IOS's, without 3DES/MD5/DH 2,5).
Ikev2Proposal default_proposal();
Ikev2Policy default_policy();
TransformSet default_transform_set();
IpsecProfile default_ipsec_profile();
Model default_model();


}  // namespace kg::config
