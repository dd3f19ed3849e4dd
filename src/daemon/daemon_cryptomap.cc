// Crypto maps in the daemon (crypto_maps.h): each applied entry's TUN
// device and routes, the routes that keep a deny line's traffic out of it,
// initiation on the first packet and fail-over to the next `set peer`, and
// the routes of the networks a dynamic entry's peers negotiated while their
// SAs are up.
#include <fstream>

#include "common/log.h"
#include "daemon/daemon.h"

namespace kg::daemon {

namespace {
constexpr uint32_t kCryptoMapMtu = 1400;  // as a tunnel interface without ip mtu
// Main Mode message 1 sends to a peer before the next `set peer` is tried:
// at 0, 2 and 6 s, given up at 14 s (the engine's retransmission doubling).
constexpr int kTriesBeforeNextPeer = 3;

// No IPv6 on an entry's device: the kernel's own link-local chatter (router
// solicitations, MLD) would count as traffic for the map and start IKE.
void no_ipv6(const std::string& dev) {
  std::ofstream("/proc/sys/net/ipv6/conf/" + dev + "/disable_ipv6") << "1\n";
}
}  // namespace

void Daemon::apply_crypto_maps() {
  auto next = crypto_map_plans(policy_.model());
  auto find = [](const std::vector<CryptoMapPlan>& v, const std::string& dev) -> const CryptoMapPlan* {
    for (auto& p : v)
      if (p.device == dev) return &p;
    return nullptr;
  };
  for (auto& old : crypto_plans_) {
    auto* now = find(next, old.device);
    if (now && same_negotiation(old, *now)) continue;
    clear_sessions(old.device);  // the peer is told (DELETE)
    if (!now) {
      datapath_->remove_tunnel(old.device);  // its routes go with the device
      log::info("keygated: crypto map " + old.map + " " + std::to_string(old.seq) + " removed (" + old.device + ")");
    }
  }
  for (auto& p : next) {
    auto* old = find(crypto_plans_, p.device);
    if (!old) {
      if (auto r = datapath_->add_tunnel(p.device); !r) {
        log::error("keygated: crypto map " + p.map + " " + std::to_string(p.seq) + ": " + r.error().message);
        continue;
      }
      // Shared by a dynamic entry's peers, or by a static entry's SAs (one
      // per permit line): each packet takes the SA for its destination.
      datapath_->select_by_destination(p.device);
      no_ipv6(p.device);
      (void)netlink_->set_mtu(p.device, kCryptoMapMtu);
      if (auto r = netlink_->set_link_up(p.device, true); !r) log::warn("keygated: " + p.device + ": " + r.error().message);
      log::info("keygated: crypto map " + p.map + " " + std::to_string(p.seq) + " on " + p.interface + " uses " + p.device);
    }
    for (auto& r : old ? old->routes : std::vector<Prefix>{})
      if (std::find(p.routes.begin(), p.routes.end(), r) == p.routes.end()) (void)netlink_->del_route(r, p.device);
    for (auto& r : p.routes)
      if (!old || std::find(old->routes.begin(), old->routes.end(), r) == old->routes.end())
        if (auto res = netlink_->add_route(r, p.device, std::nullopt); !res)
          log::warn("keygated: crypto map route " + r.str() + " into " + p.device + ": " + res.error().message);
  }
  crypto_plans_ = std::move(next);
  apply_crypto_clear_routes();
}

// The kernel's route for `dst` leaving aside the crypto maps' devices: its
// device and gateway (the longest matching prefix of the main table).
std::optional<std::pair<std::string, std::optional<IpAddress>>> Daemon::route_past_crypto_maps(const Prefix& dst) {
  auto routes = netlink_->routes(dst.addr.family);
  auto links = netlink_->links();
  if (!routes || !links) return std::nullopt;
  auto name = [&](int index) -> std::string {
    for (auto& l : *links)
      if (l.index == index) return l.name;
    return "";
  };
  const io::KernelRoute* best = nullptr;
  std::string dev;
  for (auto& r : *routes) {
    if (r.table != 254 || r.type != 1 || r.nexthops.empty() || !r.dst.contains(dst.first()) || r.dst.len > dst.len) continue;
    std::string d = name(r.nexthops.front().index);
    if (d.empty() || is_crypto_map_device(d) || (best && best->dst.len >= r.dst.len)) continue;
    best = &r;
    dev = d;
  }
  if (!best) return std::nullopt;
  return std::make_pair(dev, best->nexthops.front().gateway);
}

// A deny line's destination inside a permit line's: routed as it would be
// without the map (crypto_maps.h), so that traffic goes in clear.
void Daemon::apply_crypto_clear_routes() {
  std::set<Prefix> want;
  for (auto& p : crypto_plans_) want.insert(p.clear_routes.begin(), p.clear_routes.end());
  for (auto it = crypto_clear_routes_.begin(); it != crypto_clear_routes_.end();) {
    if (want.contains(it->first)) { ++it; continue; }
    (void)netlink_->del_route(it->first, it->second);
    it = crypto_clear_routes_.erase(it);
  }
  for (auto& q : want) {
    if (crypto_clear_routes_.contains(q)) continue;
    auto via = route_past_crypto_maps(q);
    if (!via) {
      log::warn("keygated: crypto map deny " + q.str() + ": no route outside the crypto maps: its traffic still enters the map");
      continue;
    }
    if (auto r = netlink_->add_route(q, via->first, via->second); !r) {
      log::warn("keygated: crypto map deny " + q.str() + ": " + r.error().message);
      continue;
    }
    crypto_clear_routes_[q] = via->first;
    log::info("keygated: crypto map deny " + q.str() + " routed in clear via " + via->first);
  }
}

bool Daemon::initiate_crypto_map(const std::string& device) {
  for (auto& p : crypto_plans_) {
    if (p.device != device) continue;
    if (p.peers.empty()) return true;  // a dynamic entry only answers
    const IpAddress peer = p.peers[crypto_peer_index_[device] % p.peers.size()];
    config::Interface from;  // the address of local-address IFACE, else of the map's interface
    from.tunnel_source.word = p.local_address.empty() ? p.interface : p.local_address;
    from.tunnel_destination.address = peer;
    auto src = tunnel_source(from);
    if (!src) {
      log::warn("keygated: crypto map " + p.map + " " + std::to_string(p.seq) + ": no local address on " + from.tunnel_source.word);
      return true;
    }
    isakmp_actions(ikev1_->initiate(
        {{*src, 500}, {peer, 500}, p.child, p.peers.size() > 1 ? kTriesBeforeNextPeer : 0, p.aggressive}));
    return true;
  }
  return is_crypto_map_device(device);
}

// A static entry's peer did not answer (or DPD found it dead): the next
// `set peer`, at once, as IOS tries them in order. True: a crypto map's.
bool Daemon::crypto_map_peer_dead(const ike::PeerDead& ev) {
  if (!is_crypto_map_device(ev.interface)) return false;
  for (auto& p : crypto_plans_) {
    if (p.device != ev.interface || p.peers.size() < 2) continue;
    size_t& i = crypto_peer_index_[p.device];
    i = (i + 1) % p.peers.size();
    log::info("keygated: crypto map " + p.map + " " + std::to_string(p.seq) + ": peer " + ev.remote.addr.str() +
              " did not answer; trying " + p.peers[i].str());
    initiate_crypto_map(p.device);
  }
  return true;  // a single peer: the next packet initiates again
}

// A dynamic entry's peers: the networks they negotiated go into its device
// while an SA holds them (counted: a rekey's new SA comes before the old goes).
void Daemon::crypto_map_sa_installed(const ike::InstallChildSa& sa) {
  if (!is_crypto_map_device(sa.interface)) return;
  bool dynamic = false;
  for (auto& p : crypto_plans_) dynamic = dynamic || (p.device == sa.interface && p.dynamic);
  if (!dynamic) return;
  auto& routes = crypto_sa_routes_[sa.spi_in];
  for (auto& t : sa.remote_ts)
    for (uint8_t len = 0; len <= (t.start.is_v4() ? 32 : 128); ++len)
      if (Prefix q{t.start, len}; q.first() == t.start && q.last() == t.end) {
        if (q.len == 0) break;  // never a default route: it would take the IKE packets too
        if (crypto_route_refs_[{sa.interface, q}]++ == 0)
          if (auto r = netlink_->add_route(q, sa.interface, std::nullopt); !r)
            log::warn("keygated: route " + q.str() + " into " + sa.interface + ": " + r.error().message);
        routes.emplace_back(sa.interface, q);
        break;
      }
}

void Daemon::crypto_map_sa_removed(uint32_t spi_in) {
  auto it = crypto_sa_routes_.find(spi_in);
  if (it == crypto_sa_routes_.end()) return;
  for (auto& key : it->second)
    if (--crypto_route_refs_[key] == 0) {
      crypto_route_refs_.erase(key);
      (void)netlink_->del_route(key.second, key.first);
    }
  crypto_sa_routes_.erase(it);
}

}  // namespace kg::daemon
