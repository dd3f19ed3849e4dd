#include "daemon/crypto_maps.h"

#include <algorithm>

#include "daemon/config_policy.h"

namespace kg::daemon {
namespace {

// The entry's CHILD_SA policy; nullopt without a usable transform set.
std::optional<ike::ChildConfig> child_of(const config::Model& m, const std::string& device, const config::CryptoMapEntry& e) {
  ike::ChildConfig c;
  c.interface = device;
  for (auto& name : e.transform_sets)
    if (auto ts = m.transform_sets.find(name); ts != m.transform_sets.end())
      for (auto& t : transforms_of(name, ts->second)) c.transforms.push_back(t);
  if (c.transforms.empty()) return std::nullopt;
  if (e.lifetime_seconds) c.lifetime_s = uint32_t(*e.lifetime_seconds);
  if (e.lifetime_kilobytes) c.lifetime_kb = *e.lifetime_kilobytes;
  if (e.pfs_group) c.pfs = static_cast<ike::DhGroup>(*e.pfs_group);
  if (auto acl = m.extended_acls.find(e.match_address); acl != m.extended_acls.end())
    for (auto& x : acl->second.entries) {
      c.acl.push_back({x.permit, config::acl_src_selector(x), config::acl_dst_selector(x)});
      if (!x.permit) continue;
      c.local_ts.push_back(config::acl_src_selector(x));
      c.remote_ts.push_back(config::acl_dst_selector(x));
    }
  return c;
}

std::string negotiation_key(const CryptoMapPlan& p) {
  std::string k;
  for (auto& a : p.peers) k += a.str() + ",";
  k += "|" + p.local_address + "|" + p.interface + "|" +
                  std::to_string(int(p.child.pfs)) + "|" + std::to_string(p.child.lifetime_s) + "|" +
                  std::to_string(p.child.lifetime_kb) + "|" + p.isakmp_profile + "|";
  for (auto& t : p.child.transforms)
    k += t.name + ":" + std::to_string(int(t.encr)) + ":" + std::to_string(t.key_bits) + ":" + std::to_string(int(t.integ)) + ",";
  for (auto& r : p.child.acl) k += r.permit ? "p" : "d";
  for (auto* v : {&p.child.local_ts, &p.child.remote_ts}) {
    k += "|";
    for (auto& t : *v)
      k += t.start.str() + "-" + t.end.str() + "/" + std::to_string(t.ip_protocol) + ":" + std::to_string(t.start_port) + "-" +
           std::to_string(t.end_port) + ",";
  }
  return k;
}

}  // namespace

std::string crypto_map_device(const std::string& map, int seq) {
  std::string s = "-" + std::to_string(seq);
  return "cm-" + map.substr(0, 15 - 3 - s.size()) + s;  // IFNAMSIZ - 1
}

bool same_negotiation(const CryptoMapPlan& a, const CryptoMapPlan& b) { return negotiation_key(a) == negotiation_key(b); }

std::vector<CryptoMapPlan> crypto_map_plans(const config::Model& m) {
  std::vector<CryptoMapPlan> out;
  for (auto& [iname, itf] : m.interfaces) {
    if (itf.crypto_map.empty() || itf.shutdown) continue;
    auto map = m.crypto_maps.find(itf.crypto_map);
    if (map == m.crypto_maps.end()) continue;
    for (auto& [seq, e] : map->second.entries) {
      CryptoMapPlan p;
      p.device = crypto_map_device(map->first, seq);
      if (std::any_of(out.begin(), out.end(), [&](auto& x) { return x.device == p.device; })) continue;  // one map on two interfaces
      p.map = map->first;
      p.seq = seq;
      p.interface = iname;
      p.local_address = map->second.local_address;
      const config::CryptoMapEntry* entry = &e;
      if (!e.dynamic_map.empty()) {
        // The dynamic map's first entry with a transform set is the template.
        auto dm = m.dynamic_maps.find(e.dynamic_map);
        if (dm == m.dynamic_maps.end()) continue;
        entry = nullptr;
        for (auto& [dseq, de] : dm->second)
          if (child_of(m, p.device, de)) { entry = &de; break; }
        if (!entry) continue;
        p.dynamic = true;
      } else {
        if (e.peers.empty() || e.match_address.empty()) continue;  // IOS: an incomplete entry is ignored
        p.peers = e.peers;
        if (auto pr = m.ezvpn.profiles.find(e.isakmp_profile); pr != m.ezvpn.profiles.end())
          p.aggressive = pr->second.initiate_aggressive;
      }
      p.isakmp_profile = entry->isakmp_profile;
      auto child = child_of(m, p.device, *entry);
      if (!child) continue;
      p.child = std::move(*child);
      if (!p.dynamic && p.child.remote_ts.empty()) continue;  // no permit entry: nothing to protect
      out.push_back(std::move(p));
    }
  }
  return out;
}

const CryptoMapPlan* crypto_map_for_peer(const std::vector<CryptoMapPlan>& plans, const IpAddress& remote) {
  for (auto& p : plans)
    if (std::find(p.peers.begin(), p.peers.end(), remote) != p.peers.end()) return &p;
  for (auto& p : plans)
    if (p.dynamic) return &p;
  return nullptr;
}

}  // namespace kg::daemon
