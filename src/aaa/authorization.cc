#include "aaa/authorization.h"

#include <algorithm>

#include "aaa/name_mangler.h"

namespace kg::aaa {
namespace {

// One `aaa authorization group|user` line to its policy, or an error.
std::optional<config::AuthorizationPolicy> lookup(const config::Model& m, const config::AaaAuthorization& a,
                                                  const std::string& identity, std::string& error,
                                                  std::string& used_name) {
  if (!m.aaa_new_model) {
    error = "aaa new-model is not configured";
    return std::nullopt;
  }
  auto list = m.aaa_authorization_network.find(a.list);
  if (list == m.aaa_authorization_network.end()) {
    error = "no method list 'aaa authorization network " + a.list + "'";
    return std::nullopt;
  }
  if (list->second != "local") {
    error = "method list " + a.list + " is not local";
    return std::nullopt;
  }
  used_name = a.name.empty() ? identity : a.name;
  auto p = m.authorization_policies.find(used_name);
  if (p == m.authorization_policies.end()) {
    error = "no crypto ikev2 authorization policy " + used_name;
    return std::nullopt;
  }
  return p->second;
}

void take(std::string& into, const std::string& other) {
  if (into.empty()) into = other;
}
template <class T>
void take(std::vector<T>& into, const std::vector<T>& other) {
  if (into.empty()) into = other;
}
template <class T>
void unite(std::vector<T>& into, const std::vector<T>& other) {
  for (auto& x : other)
    if (std::find(into.begin(), into.end(), x) == into.end()) into.push_back(x);
}

std::optional<Prefix> addr_mask(const std::string& s) {
  auto sp = s.find(' ');
  if (sp == std::string::npos) return std::nullopt;
  auto a = IpAddress::parse(s.substr(0, sp)), m = IpAddress::parse(s.substr(sp + 1));
  if (!a || !m) return std::nullopt;
  return Prefix::from_mask(*a, *m);
}

// The address `route set interface` advertises for a tunnel or template: its
// own, else its unnumbered interface's; a host route.
std::optional<Prefix> interface_host(const config::Model& m, const std::string& name, const InterfacePrefix& iface) {
  auto it = m.interfaces.find(name);
  if (it == m.interfaces.end()) return std::nullopt;
  std::optional<Prefix> p = it->second.ip_address.address;
  if (!p && !it->second.ip_unnumbered.empty()) {
    auto u = m.interfaces.find(it->second.ip_unnumbered);
    if (u != m.interfaces.end()) p = u->second.ip_address.address;
    if (!p && iface) p = iface(it->second.ip_unnumbered);
  }
  if (!p) return std::nullopt;
  return Prefix{p->addr, uint8_t(p->addr.size() * 8)};
}

}  // namespace

config::AuthorizationPolicy merge(const config::AuthorizationPolicy& preferred, const config::AuthorizationPolicy& other) {
  config::AuthorizationPolicy r = preferred;
  take(r.pool, other.pool);
  take(r.ipv6_pool, other.ipv6_pool);
  take(r.dns, other.dns);
  take(r.ipv6_dns, other.ipv6_dns);
  take(r.netmask, other.netmask);
  take(r.def_domain, other.def_domain);
  r.route_set_interface = preferred.route_set_interface || other.route_set_interface;
  unite(r.route_set_interfaces, other.route_set_interfaces);
  unite(r.route_set_remote, other.route_set_remote);
  take(r.route_set_acl, other.route_set_acl);
  take(r.route_set_acl6, other.route_set_acl6);
  if (!preferred.route_accept_any && other.route_accept_any) {
    r.route_accept_any = true;
    r.route_accept_tag = other.route_accept_tag;
    r.route_accept_distance = other.route_accept_distance;
  }
  return r;
}

Authorization authorize(const config::Model& m, const config::Ikev2Profile& profile, const std::string& method,
                        const std::string& identity) {
  Authorization out;
  auto g = profile.aaa_group.find(method);
  auto u = profile.aaa_user.find(method);
  bool has_g = g != profile.aaa_group.end() && !g->second.list.empty();
  bool has_u = u != profile.aaa_user.end() && !u->second.list.empty();
  if (!has_g && !has_u) return out;
  out.configured = true;
  std::optional<config::AuthorizationPolicy> group, user;
  if (has_g && !(group = lookup(m, g->second, identity, out.error, out.group_policy))) return out;
  if (has_u && !(user = lookup(m, u->second, identity, out.error, out.user_policy))) return out;
  if (group && user) out.attrs = g->second.override ? merge(*group, *user) : merge(*user, *group);
  else out.attrs = group ? *group : *user;
  return out;
}

std::vector<Prefix> route_set_prefixes(const config::Model& m, const config::AuthorizationPolicy& p,
                                       const std::string& tunnel, const InterfacePrefix& iface) {
  std::vector<Prefix> v;
  auto add = [&v](std::optional<Prefix> x) {
    if (!x) return;
    Prefix n{x->first(), x->len};
    if (std::find(v.begin(), v.end(), n) == v.end()) v.push_back(n);
  };
  if (p.route_set_interface) add(interface_host(m, tunnel, iface));
  for (auto& name : p.route_set_interfaces) {
    auto it = m.interfaces.find(name);
    std::optional<Prefix> x = it != m.interfaces.end() ? it->second.ip_address.address : std::nullopt;
    add(x ? x : iface ? iface(name) : std::nullopt);
  }
  for (auto& r : p.route_set_remote) {
    if (r.rfind("ipv4 ", 0) == 0) add(addr_mask(r.substr(5)));
    else if (r.rfind("ipv6 ", 0) == 0) add(Prefix::parse(r.substr(5)));
  }
  if (auto acl = m.access_lists.find(p.route_set_acl); !p.route_set_acl.empty() && acl != m.access_lists.end())
    for (auto& e : acl->second.entries) {
      auto a = IpAddress::parse(e.addr), w = IpAddress::parse(e.wildcard);
      if (e.permit && a && w) add(Prefix::from_mask(*a, IpAddress::v4(~w->v4_host_order())));
    }
  return v;
}

AuthorizationPlan plan_authorization(const config::Model& m, const config::Ikev2Profile& profile,
                                     const std::string& method, const std::string& kind,
                                     const std::string& identity, const std::string& eap_identity) {
  AuthorizationPlan plan;
  auto g = profile.aaa_group.find(method);
  auto u = profile.aaa_user.find(method);
  if (g == profile.aaa_group.end() && u == profile.aaa_user.end()) return plan;
  plan.configured = true;
  if (!m.aaa_new_model) {
    plan.error = "aaa new-model is not configured";
    return plan;
  }
  bool eap = method == "eap" && !eap_identity.empty();
  auto step = [&](const config::AaaAuthorization& a) -> std::optional<AuthorizationStep> {
    auto list = m.aaa_authorization_network.find(a.list);
    if (list == m.aaa_authorization_network.end()) {
      plan.error = "no method list 'aaa authorization network " + a.list + "'";
      return std::nullopt;
    }
    AuthorizationStep s;
    if (list->second.starts_with("group ")) s.radius_group = list->second.substr(6);
    if (!a.name.empty()) {
      s.name = a.name;
    } else if (!a.mangler.empty()) {
      auto nm = m.name_manglers.find(a.mangler);
      if (nm == m.name_manglers.end()) {
        plan.error = "no crypto ikev2 name-mangler " + a.mangler;
        return std::nullopt;
      }
      auto r = eap ? mangle(nm->second, "eap", eap_identity) : mangle(nm->second, kind, identity);
      if (!r) {
        plan.error = "name-mangler " + a.mangler + ": " + r.error().message;
        return std::nullopt;
      }
      s.name = *r;
    } else {
      s.name = eap ? eap_identity : identity;
    }
    return s;
  };
  if (u != profile.aaa_user.end()) {
    plan.cached = u->second.cached;
    if (!u->second.list.empty() && !(plan.user = step(u->second))) return plan;
  }
  if (g != profile.aaa_group.end() && !g->second.list.empty()) {
    plan.group_override = g->second.override;
    if (!(plan.group = step(g->second))) return plan;
  }
  return plan;
}

AttributeSet policy_attributes(const config::Model& m, const config::AuthorizationPolicy& p,
                               const std::string& tunnel, const InterfacePrefix& iface, const std::string& source) {
  AttributeSet a;
  auto words = [](const std::vector<std::string>& v) {
    std::string s;
    for (auto& x : v) s += (s.empty() ? "" : " ") + x;
    return s;
  };
  if (!p.pool.empty()) a.set("ipsec:addr-pool", p.pool, source);
  if (!p.ipv6_pool.empty()) a.set("ipv6:addrv6-pool", p.ipv6_pool, source);
  if (!p.dns.empty()) a.set("ipsec:dns-servers", words(p.dns), source);
  if (!p.ipv6_dns.empty()) a.set("ipv6:dns-servers", words(p.ipv6_dns), source);
  if (!p.netmask.empty()) a.set("Framed-IP-Netmask", p.netmask, source);
  if (!p.def_domain.empty()) a.set("ipsec:default-domain", p.def_domain, source);
  for (const auto& r : route_set_prefixes(m, p, tunnel, iface)) a.add("ipsec:route-set", "prefix " + r.str(), source);
  if (p.route_accept_any)
    a.set("ipsec:route-accept", "any tag " + std::to_string(p.route_accept_tag) + " distance " +
                                    std::to_string(p.route_accept_distance), source);
  if (auto l = m.aaa_attribute_lists.find(p.aaa_attribute_list); !p.aaa_attribute_list.empty() && l != m.aaa_attribute_lists.end())
    for (const auto& x : l->second) {
      std::string name = x.name.find(':') != std::string::npos ? x.name
                         : x.name == "interface-config"          ? "ip:interface-config"
                                                                 : "ipsec:" + x.name;
      a.add(name, x.value, source + ", attribute list " + p.aaa_attribute_list);
    }
  return a;
}

}  // namespace kg::aaa
