// Crypto maps in the daemon (crypto_maps.h): each applied entry's TUN
// device, the steering of its ACL's traffic into it (crypto_map_steering.h),
// initiation on the first packet and fail-over to the next `set peer`, and
// the routes of the networks a dynamic entry's peers negotiated while their
// SAs are up.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "common/log.h"
#include "daemon/crypto_map_steering.h"
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

// No reverse-path filtering (rp_filter) on an entry's device: the
// decrypted packets it delivers come from the peer's networks, which the
// main table routes out of the map's interface (only marked packets are
// steered into the device), and the device has no address, for which the
// kernel drops what fails the check in loose mode (2) as in strict (1). A
// device takes net.ipv4.conf.default.rp_filter when it is created (2 with
// systemd's sysctl defaults), so it is set to 0. The kernel checks with
// the larger of `all` and the device's value: a non-zero `all` still drops
// them, which the log says.
void no_rp_filter(const std::string& dev) {
  std::ofstream("/proc/sys/net/ipv4/conf/" + dev + "/rp_filter") << "0\n";
  std::string all;
  if (std::ifstream in("/proc/sys/net/ipv4/conf/all/rp_filter"); !(in >> all) || all == "0") return;
  log::warn("keygated: net.ipv4.conf.all.rp_filter is " + all + ": the kernel drops what " + dev +
            " decrypts (reverse-path filter); set it to 0 (keygated sets 0 on its cm- devices)");
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
      // per permit line): each packet takes the SA whose selectors hold it,
      // its own line's (destination_index.h).
      datapath_->select_by_destination(p.device);
      no_ipv6(p.device);
      no_rp_filter(p.device);
      (void)netlink_->set_mtu(p.device, kCryptoMapMtu);
      if (auto r = netlink_->set_link_up(p.device, true); !r) log::warn("keygated: " + p.device + ": " + r.error().message);
      log::info("keygated: crypto map " + p.map + " " + std::to_string(p.seq) + " on " + p.interface + " uses " + p.device);
    }
  }
  crypto_plans_ = std::move(next);
  apply_crypto_steering();
}

// The static entries' steering (crypto_map_steering.h): each map's nft
// table, replaced when its entries or ACLs change; each entry's policy rule
// and table holding the default route into its device.
void Daemon::apply_crypto_steering() {
  std::map<std::string, std::vector<SteeredEntry>> want;
  std::set<std::string> devices;
  for (auto& p : crypto_plans_) {
    if (p.dynamic) continue;
    devices.insert(p.device);
    uint32_t& mark = crypto_marks_[p.device];
    for (uint32_t m = kSteerMarkBase + 1; !mark && m <= kSteerMarkLast; ++m)
      if (std::none_of(crypto_marks_.begin(), crypto_marks_.end(), [&](auto& x) { return x.second == m; })) mark = m;
    want[p.map].push_back({p.seq, p.device, mark, p.child.acl, p.peers});
  }
  for (auto it = crypto_marks_.begin(); it != crypto_marks_.end();) {
    if (devices.contains(it->first)) { ++it; continue; }
    (void)netlink_->del_rule({IpAddress::Family::kV4, kSteerRulePriority, it->second, it->second});
    it = crypto_marks_.erase(it);  // the table's route went with the device
  }
  if (!nft_) return;
  for (auto it = crypto_nft_.begin(); it != crypto_nft_.end();) {
    if (want.contains(it->first)) { ++it; continue; }
    if (auto r = nft_->run("delete table ip " + steering_table(it->first) + "\n"); !r) log::warn("keygated: " + r.error().message);
    else log::info("keygated: crypto map " + it->first + ": steering table removed");
    it = crypto_nft_.erase(it);
  }
  for (auto& [map, entries] : want) {
    for (auto& e : entries) {
      if (auto r = netlink_->add_route(Prefix{*IpAddress::parse("0.0.0.0"), 0}, e.device, std::nullopt, {.table = e.mark}); !r)
        log::warn("keygated: crypto map " + map + " " + std::to_string(e.seq) + ": " + r.error().message);
      if (auto r = netlink_->add_rule({IpAddress::Family::kV4, kSteerRulePriority, e.mark, e.mark}); !r)
        log::warn("keygated: crypto map " + map + " " + std::to_string(e.seq) + ": " + r.error().message);
    }
    std::string text = steering_ruleset(map, entries);
    if (crypto_nft_[map] == text) continue;
    if (auto r = nft_->run(steering_replace(map, entries)); !r) {
      log::error("keygated: crypto map " + map + ": steering table: " + r.error().message);
      crypto_nft_.erase(map);
      continue;
    }
    crypto_nft_[map] = text;
    log::info("keygated: crypto map " + map + ": traffic steered by its ACLs (nft table ip " + steering_table(map) + ")");
  }
}

// keygated exits: nothing of the steering stays behind (the devices, and
// their routes, go with the process).
void Daemon::remove_crypto_steering() {
  if (nft_)
    for (auto& [map, text] : crypto_nft_) (void)nft_->run("delete table ip " + steering_table(map) + "\n");
  crypto_nft_.clear();
  if (netlink_)
    for (auto& [dev, mark] : crypto_marks_) (void)netlink_->del_rule({IpAddress::Family::kV4, kSteerRulePriority, mark, mark});
  crypto_marks_.clear();
}

// What a keygated that did not exit cleanly (SIGKILL, crash) left: its
// tables by their prefix, its rules by priority and mark range.
void Daemon::sweep_stale_crypto_steering() {
  if (auto tables = nft_->list("list tables ip\n")) {
    std::istringstream in(*tables);
    for (std::string line; std::getline(in, line);)
      if (line.starts_with(std::string("table ip ") + kSteerTablePrefix)) (void)nft_->run("delete " + line + "\n");
  }
  if (auto rules = netlink_->mark_rules(IpAddress::Family::kV4))
    for (auto& r : *rules)
      if (r.priority == kSteerRulePriority && r.mark > kSteerMarkBase && r.mark <= kSteerMarkLast) (void)netlink_->del_rule(r);
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
    if (!policy_.model().isakmp.enabled) return true;  // no crypto isakmp enable
    isakmp_actions(ikev1_->initiate(
        {{*src, 500}, {peer, 500}, p.child, p.peers.size() > 1 ? kTriesBeforeNextPeer : 0, p.isakmp_profile, p.aggressive}));
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
