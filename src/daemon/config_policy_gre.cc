// Traffic selectors of `tunnel mode gre ip|ipv6`: IOS protects the GRE
// packets between tunnel source and destination (RFC 7296 §3.13.1 selectors
// with IP protocol 47, one address each side), not the traffic inside.
#include "config/interface_names.h"
#include "daemon/config_policy.h"

namespace kg::daemon {

namespace {
ike::TrafficSelector gre_host(const IpAddress& a) {
  ike::TrafficSelector t;
  t.type = a.is_v4() ? ike::TsType::kIpv4AddrRange : ike::TsType::kIpv6AddrRange;
  t.ip_protocol = 47;
  t.start = t.end = a;
  return t;
}
ike::TrafficSelector gre_any(bool v4) {
  auto t = gre_host(*IpAddress::parse(v4 ? "0.0.0.0" : "::"));
  t.end = *IpAddress::parse(v4 ? "255.255.255.255" : "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
  return t;
}
}  // namespace

// No tunnel mode line: GRE on a TunnelN, as on IOS. A Virtual-Template keeps
// IPsec (keygate runs no GRE on templates; `tunnel mode gre` is refused there).
bool is_gre(const std::string& name, const config::Interface& itf) {
  if (itf.tunnel_mode == config::TunnelMode::kGreIp) return config::is_tunnel(name);
  return config::is_gre_mode(itf.tunnel_mode);
}

void set_gre_local(ike::ChildConfig& c, const IpAddress& local) { c.local_ts = {gre_host(local)}; }

void ConfigPolicy::add_gre_selectors(ike::ChildConfig& c, const config::Interface& itf) const {
  auto& dst = itf.tunnel_destination.address;
  bool v4 = itf.tunnel_mode != config::TunnelMode::kGreIpv6;
  c.remote_ts = {dst ? gre_host(*dst) : gre_any(v4)};
  // The source: an address, or an interface with one in the model; else any
  // (the daemon sets the real one before initiating).
  std::optional<IpAddress> src = itf.tunnel_source.address;
  auto it = model_.interfaces.find(itf.tunnel_source.word);
  if (!src && it != model_.interfaces.end()) {
    if (v4) {
      if (auto& p = it->second.ip_address.address) src = p->addr;
    } else if (!it->second.ipv6_addresses.empty()) {
      src = it->second.ipv6_addresses.front().addr;
    }
  }
  c.local_ts = {src ? gre_host(*src) : gre_any(v4)};
}

}  // namespace kg::daemon
