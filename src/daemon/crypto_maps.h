// Crypto maps on Linux (seed 001's `crypto map`, IKEv1 site-to-site): what
// keygated builds for each entry of a map applied to an interface. There is
// no kernel IPsec here, so the traffic a map's ACL permits is steered into
// keygate's user-space data path: each entry gets a TUN device of its own
// (named cm-MAP-SEQ, at most 15 characters), and
//   - a static entry (set peer) steers the traffic its ACL permits into its
//     device (crypto_map_steering.h: nftables marks by the whole ACL line,
//     and a policy rule per entry); the first packet there (the data path's "no SA") starts
//     Main Mode + Quick Mode to the first `set peer` (SA on demand, as IOS);
//     when that peer does not answer, the next `set peer` is tried, in
//     order, as IOS does; as responder, the peer's Quick Mode finds the
//     entry by any of its set peer addresses;
//   - a dynamic entry (ipsec-isakmp dynamic DMAP) answers any peer with a
//     crypto isakmp key; its device is shared by those peers (the data path
//     picks the SA by destination) and the networks each peer negotiated
//     are routed into it while its SA is up (as IOS's reverse-route).
// The Quick Mode proxy identities are the ACL's permit entries: source =
// ours, destination = the peer's; as on IOS each permit line is its own
// pair of proxy identities and IPsec SA, protocol and ports included (the
// device picks the SA whose selectors hold the packet, so two lines to one
// destination keep their own SAs; a line whose SA is missing has it
// negotiated by its next packet; the SA checks what it decrypts against its
// selectors). A deny line's traffic is not protected: the
// steering lets it go to the next entry, then in clear, and as responder
// its selectors are refused (ike::ChildConfig::acl).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "common/ip.h"
#include "config/model.h"
#include "ike/policy.h"

namespace kg::daemon {

struct CryptoMapPlan {
  std::string device;         // TUN device, and the CHILD_SA's interface
  std::string map;            // crypto map tag
  int seq = 0;
  std::string interface;      // the interface the map is applied to (IOS name)
  std::string local_address;  // crypto map NAME local-address IFACE (IOS name); empty: `interface`
  std::vector<IpAddress> peers;  // static entries: set peer, in the order tried
  bool dynamic = false;       // a dynamic-map entry (any peer, responder only)
  bool aggressive = false;    // its set isakmp-profile says initiate mode aggressive
  ike::ChildConfig child;
  std::string isakmp_profile;  // set isakmp-profile NAME
};
// Whether what is negotiated changed (peer, transforms, selectors, PFS,
// lifetimes): then the entry's SAs are deleted and renegotiated.
bool same_negotiation(const CryptoMapPlan& a, const CryptoMapPlan& b);

// Every entry of every crypto map applied to an interface (not shut down),
// with a transform set it can use; one plan per entry.
std::vector<CryptoMapPlan> crypto_map_plans(const config::Model& m);

// The device name for an entry ("cm-VPN-10"; long tags are cut).
std::string crypto_map_device(const std::string& map, int seq);
inline bool is_crypto_map_device(const std::string& name) { return name.starts_with("cm-"); }

// Responder: the plan that protects `remote` (a static entry with it among
// its set peers, else the first dynamic entry); nullptr if none.
const CryptoMapPlan* crypto_map_for_peer(const std::vector<CryptoMapPlan>& plans, const IpAddress& remote);

}  // namespace kg::daemon
