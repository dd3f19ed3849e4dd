#include "daemon/remote_access.h"

#include "aaa/interface_config.h"
#include "common/log.h"
#include "config/interface_names.h"
#include "daemon/config_policy.h"

namespace kg::daemon {
namespace {

constexpr uint32_t kDefaultTunnelMtu = 1400;  // as daemon.cc: 1500 minus ESP-in-UDP overhead

std::string prefixes(const std::vector<Prefix>& v) {
  std::string s;
  for (auto& p : v) s += (s.empty() ? "" : " ") + p.str();
  return s.empty() ? "none" : s;
}

void updown(const std::string& name, bool up) {
  log::event("LINK", log::Level::kNotice, "UPDOWN",
             "Interface " + name + ", changed state to " + (up ? "up" : "down"));
  log::event("LINEPROTO", log::Level::kNotice, "UPDOWN",
             "Line protocol on Interface " + name + ", changed state to " + (up ? "up" : "down"));
}

// What a session's peer owns: its assigned addresses (host routes) and the
// subnets it advertised and we accepted.
uint32_t session_of(const ike::SessionEvent& ev) { return ev.config.session_id ? ev.config.session_id : ev.tunnel_id; }

std::vector<Prefix> peer_prefixes(const ike::SessionConfig& c) {
  std::vector<Prefix> v;
  if (c.address) v.push_back(Prefix{c.address->addr, uint8_t(c.address->addr.size() * 8)});
  if (c.address6) v.push_back(Prefix{c.address6->first(), c.address6->len});
  for (auto& r : c.routes) v.push_back(r);
  return v;
}

}  // namespace

VirtualAccess& VirtualAccessTable::add(VirtualAccess va) {
  int n;
  if (!free_.empty()) {
    n = *free_.begin();
    free_.erase(free_.begin());
  } else {
    n = next_++;
  }
  va.name = "Virtual-Access" + std::to_string(n);
  by_session_[va.session] = n;
  return by_number_[n] = std::move(va);
}

std::optional<VirtualAccess> VirtualAccessTable::remove(uint32_t session) {
  auto s = by_session_.find(session);
  if (s == by_session_.end()) return std::nullopt;
  auto it = by_number_.find(s->second);
  by_session_.erase(s);
  if (it == by_number_.end()) return std::nullopt;
  VirtualAccess va = std::move(it->second);
  free_.insert(it->first);
  by_number_.erase(it);
  return va;
}

const VirtualAccess* VirtualAccessTable::by_session(uint32_t session) const {
  auto s = by_session_.find(session);
  if (s == by_session_.end()) return nullptr;
  auto it = by_number_.find(s->second);
  return it == by_number_.end() ? nullptr : &it->second;
}

const VirtualAccess* VirtualAccessTable::by_name(const std::string& name) const {
  int n = config::interface_number(name);
  auto it = by_number_.find(n);
  return it != by_number_.end() && it->second.name == name ? &it->second : nullptr;
}

const VirtualAccess* VirtualAccessTable::by_remote(const std::string& templ, const Endpoint& remote) const {
  for (auto& [n, va] : by_number_)
    if (va.templ == templ && va.remote == remote) return &va;
  return nullptr;
}

void RemoteAccess::apply(const config::Model& before, const config::Model& after) {
  pools_.configure(after);
  interface_addresses_.clear();
  for (auto& [name, itf] : after.interfaces)
    if (auto& a = itf.ip_address.address; a && a->addr.is_v4()) interface_addresses_.emplace(name, a->addr);
  // An access list edited while sessions use it applies to them at once, as
  // on an IOS interface.
  if (AccessLists acls{after.access_lists, after.extended_acls}; acls != acls_) {
    acls_ = std::move(acls);
    for (auto& [n, va] : vas_.all())
      if (!va.access_group_in.empty() || !va.access_group_out.empty())
        if (auto r = filter(*vas_.by_session(va.session)); !r) log::warn(va.name + ": " + r.error().message);
  }
  for (auto& [name, itf] : before.interfaces) {
    if (!config::is_virtual_template(name) || after.interfaces.contains(name)) continue;
    delete_sessions_(name);
    remove_template(name);
  }
  for (auto& [name, itf] : after.interfaces) {
    if (!config::is_virtual_template(name)) continue;
    auto old = before.interfaces.find(name);
    bool is_new = old == before.interfaces.end();
    if (!is_new && old->second.mtu == itf.mtu && old->second.ip_unnumbered == itf.ip_unnumbered &&
        old->second.shutdown == itf.shutdown && old->second.tunnel_protection == itf.tunnel_protection)
      continue;
    if (!is_new && itf.shutdown && !old->second.shutdown) delete_sessions_(name);
    add_template(name, itf, after);
  }
}

void RemoteAccess::add_template(const std::string& name, const config::Interface& itf, const config::Model& m) {
  std::string dev = config::template_device(name);
  if (!dp_.has_tunnel(name)) {
    auto tun = dp_.open_tun(dev);
    if (!tun) {
      log::error("interface " + name + " (" + dev + "): " + tun.error().message);
      return;
    }
    if (auto r = dp_.add_tunnel(name, esp::wrap(std::move(*tun))); !r) {
      log::error("interface " + name + ": " + r.error().message);
      return;
    }
    dp_.select_by_destination(name);
  }
  (void)nl_.set_mtu(dev, itf.mtu ? uint32_t(*itf.mtu) : kDefaultTunnelMtu);
  (void)nl_.set_link_up(dev, !itf.shutdown);
  // ip unnumbered: the device borrows that interface's address, so that what
  // the hub itself sends to a client leaves from it (IOS behaviour).
  std::string src;
  if (auto u = m.interfaces.find(itf.ip_unnumbered); u != m.interfaces.end())
    if (auto& p = u->second.ip_address.address) src = Prefix{p->addr, uint8_t(p->addr.size() * 8)}.str();
  auto& cur = template_source_[name];
  if (cur != src) {
    if (auto p = Prefix::parse(cur)) (void)nl_.del_address(dev, *p);
    if (auto p = Prefix::parse(src))
      if (auto r = nl_.add_address(dev, *p); !r) log::warn("interface " + name + ": " + r.error().message);
    cur = src;
  }
}

void RemoteAccess::remove_template(const std::string& name) {
  dp_.remove_tunnel(name);  // closes VtN: its addresses and routes go with it
  template_source_.erase(name);
}

bool RemoteAccess::on_session(const ike::SessionEvent& ev) {
  if (config::is_virtual_template(ev.interface)) {
    if (ev.up) template_up(ev);
    else template_down(ev);
    return true;
  }
  if (config::is_tunnel(ev.interface)) {
    if (ev.up) tunnel_up(ev);
    else if (auto it = tunnels_.find(ev.interface); it != tunnels_.end() && it->second.session == session_of(ev))
      tunnel_down(ev.interface);
  }
  return false;
}

std::vector<Prefix> RemoteAccess::add_routes(const std::vector<Prefix>& v, const std::string& dev,
                                             const io::RouteExtras& x) {
  std::vector<Prefix> done;
  for (auto& p : v) {
    if (auto r = nl_.add_route(p, dev, std::nullopt, x); !r) log::warn("route " + p.str() + " dev " + dev + ": " + r.error().message);
    else done.push_back(p);
  }
  return done;
}

void RemoteAccess::del_routes(const std::vector<Prefix>& v, const std::string& dev) {
  for (auto& p : v) (void)nl_.del_route(p, dev);
}

// Clone the template into the next free Virtual-Access (IOS numbering) and
// route the client's address and accepted subnets to it.
void RemoteAccess::template_up(const ike::SessionEvent& ev) {
  if (vas_.by_session(session_of(ev))) template_down(ev);  // a stale twin: replace it
  VirtualAccess va;
  va.templ = ev.interface;
  va.session = session_of(ev);
  va.local = ev.local;
  va.remote = ev.remote;
  va.remote_id = ev.remote_id;
  va.config = ev.config;
  va.created = clock_.now();
  VirtualAccess& x = vas_.add(std::move(va));
  io::RouteExtras extras = interface_config(x, ev.config.interface_config);
  x.routes = add_routes(peer_prefixes(ev.config), config::template_device(ev.interface), extras);
  if (auto r = filter(x); !r)
    log::event("AAA", log::Level::kWarning, "INTERFACE_CONFIG", x.name + ": ip access-group not applied: " + r.error().message);
  if (ev.config.lease) pools_.set_interface(ev.config.lease, x.name);
  updown(x.name, true);
  log::info(x.name + ": peer " + ev.remote.addr.str() + " Id: " + ev.remote_id + ", routes " + prefixes(x.routes));
}

// ip:interface-config (RADIUS or an aaa attribute list): VtN is shared by all
// its sessions, so the session's own commands become properties of its
// routes (aaa/interface_config.h); what cannot be applied is logged by name
// and the session stays up.
io::RouteExtras RemoteAccess::interface_config(VirtualAccess& va, const std::vector<std::string>& commands) const {
  io::RouteExtras x;
  if (commands.empty()) return x;
  aaa::InterfaceConfig c = aaa::parse_interface_config(commands);
  for (const auto& r : c.refused)
    log::event("AAA", log::Level::kWarning, "INTERFACE_CONFIG", va.name + ": interface-config \"" + r + "\", not applied");
  va.access_group_in = c.access_group_in;
  va.access_group_out = c.access_group_out;
  if (c.mtu) {
    x.mtu = va.mtu = c.mtu;
    log::info(va.name + ": interface-config ip mtu " + std::to_string(*c.mtu));
  }
  if (!c.unnumbered.empty()) {
    if (auto a = interface_addresses_.find(c.unnumbered); a != interface_addresses_.end()) {
      x.src = a->second;
      va.unnumbered = c.unnumbered;
      log::info(va.name + ": interface-config ip unnumbered " + c.unnumbered + " (source " + a->second.str() + ")");
    } else {
      log::event("AAA", log::Level::kWarning, "INTERFACE_CONFIG",
                 va.name + ": interface-config \"ip unnumbered " + c.unnumbered + "\": " + c.unnumbered +
                     " has no IPv4 address, not applied");
    }
  }
  return x;
}

// ip access-group: each list's entries become the session's chain; a list
// that is not configured filters nothing (IOS permits all then) and says so.
Result<void> RemoteAccess::filter(VirtualAccess& va) {
  std::optional<std::vector<std::string>> rules[2];
  for (int d = 0; d < 2; ++d) {
    const std::string& name = d == 0 ? va.access_group_in : va.access_group_out;
    if (name.empty()) continue;
    rules[d] = acl_nft_rules(acls_, name);
    if (!rules[d])
      log::event("AAA", log::Level::kWarning, "INTERFACE_CONFIG",
                 va.name + ": ip access-group " + name + (d == 0 ? " in" : " out") +
                     ": no such access list, traffic not filtered");
  }
  if (!rules[0] && !rules[1] && !va.filtered) return {};
  auto r = filters_.attach(va.session, config::template_device(va.templ), va.routes, rules[0] ? &*rules[0] : nullptr,
                           rules[1] ? &*rules[1] : nullptr);
  if (!r) return r;
  va.filtered = rules[0] || rules[1];
  if (va.filtered)
    log::info(va.name + ": ip access-group" + (rules[0] ? " " + va.access_group_in + " in" : "") +
              (rules[1] ? " " + va.access_group_out + " out" : "") + " applied");
  return {};
}

Result<void> RemoteAccess::change_access_groups(uint32_t session, const std::vector<std::string>& commands) {
  VirtualAccess* va = vas_.by_session(session);
  if (!va) return fail(Errc::kNotFound, "no Virtual-Access for the session");
  aaa::InterfaceConfig c = aaa::parse_interface_config(commands);
  if (!c.refused.empty()) return fail(Errc::kUnsupported, c.refused.front());
  if (c.mtu || !c.unnumbered.empty()) return fail(Errc::kUnsupported, "only ip access-group can change live");
  // The directions named change; the other keeps its list.
  if (!c.access_group_in.empty()) va->access_group_in = c.access_group_in;
  if (!c.access_group_out.empty()) va->access_group_out = c.access_group_out;
  return filter(*va);
}

void RemoteAccess::template_down(const ike::SessionEvent& ev) {
  auto va = vas_.remove(session_of(ev));
  if (!va) return;
  filters_.detach(va->session);
  del_routes(va->routes, config::template_device(va->templ));
  updown(va->name, false);
}

// ip address negotiated: the address from the CFG_REPLY goes on the tunnel,
// with the routes the peer pushed (route accept any).
void RemoteAccess::tunnel_up(const ike::SessionEvent& ev) {
  if (tunnels_.contains(ev.interface)) tunnel_down(ev.interface);
  const ike::SessionConfig& c = ev.config;
  if (!c.address && !c.address6 && c.routes.empty()) return;
  Negotiated n{c, {}, session_of(ev)};
  for (auto& a : {c.address, c.address6})
    if (a)
      if (auto r = nl_.add_address(ev.interface, *a); !r) log::warn("interface " + ev.interface + ": " + r.error().message);
  n.routes = add_routes(c.routes, ev.interface);
  log::info(ev.interface + ": address " + (c.address ? c.address->str() : c.address6 ? c.address6->str() : "none") +
            " negotiated with " + ev.remote.addr.str() + ", routes " + prefixes(n.routes));
  tunnels_[ev.interface] = std::move(n);
}

void RemoteAccess::tunnel_down(const std::string& tunnel) {
  auto it = tunnels_.find(tunnel);
  if (it == tunnels_.end()) return;
  del_routes(it->second.routes, tunnel);
  for (auto& a : {it->second.config.address, it->second.config.address6})
    if (a) (void)nl_.del_address(tunnel, *a);
  tunnels_.erase(it);
}

std::optional<Prefix> RemoteAccess::negotiated_address(const std::string& tunnel) const {
  auto it = tunnels_.find(tunnel);
  if (it == tunnels_.end()) return std::nullopt;
  return it->second.config.address ? it->second.config.address : it->second.config.address6;
}

const ike::SessionConfig* RemoteAccess::tunnel_config(const std::string& tunnel) const {
  auto it = tunnels_.find(tunnel);
  return it == tunnels_.end() ? nullptr : &it->second.config;
}

std::string RemoteAccess::shown_interface(const std::string& itf, const Endpoint& remote) const {
  if (!config::is_virtual_template(itf)) return itf;
  const VirtualAccess* va = vas_.by_remote(itf, remote);
  return va ? va->name : itf;
}

}  // namespace kg::daemon
