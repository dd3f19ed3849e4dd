#include "io/netlink.h"

#include <linux/if.h>
#include <netinet/in.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>

#include <cstring>

namespace kg::io {
namespace {

std::string nlerr(const std::string& what, int e) { return what + ": " + nl_geterror(e); }

nl_addr* to_nl(const IpAddress& a, int prefixlen) {
  nl_addr* n = nl_addr_build(a.is_v4() ? AF_INET : AF_INET6, a.b.data(), a.size());
  nl_addr_set_prefixlen(n, prefixlen);
  return n;
}

}  // namespace

Result<std::unique_ptr<Netlink>> Netlink::open() {
  std::unique_ptr<Netlink> n(new Netlink());
  n->sk_ = nl_socket_alloc();
  if (!n->sk_) return fail(Errc::kIo, "nl_socket_alloc");
  int e = nl_connect(n->sk_, NETLINK_ROUTE);
  if (e < 0) return fail(Errc::kIo, nlerr("nl_connect", e));
  return n;
}

Netlink::~Netlink() {
  if (sk_) nl_socket_free(sk_);
}

Result<int> Netlink::ifindex(const std::string& name) {
  rtnl_link* link = nullptr;
  int e = rtnl_link_get_kernel(sk_, 0, name.c_str(), &link);
  if (e < 0) return fail(Errc::kNotFound, nlerr("link " + name, e));
  int idx = rtnl_link_get_ifindex(link);
  rtnl_link_put(link);
  return idx;
}

Result<void> Netlink::set_link_up(const std::string& name, bool up) {
  rtnl_link* link = nullptr;
  int e = rtnl_link_get_kernel(sk_, 0, name.c_str(), &link);
  if (e < 0) return fail(Errc::kNotFound, nlerr("link " + name, e));
  rtnl_link* change = rtnl_link_alloc();
  if (up) rtnl_link_set_flags(change, IFF_UP);
  else rtnl_link_unset_flags(change, IFF_UP);
  e = rtnl_link_change(sk_, link, change, 0);
  rtnl_link_put(change);
  rtnl_link_put(link);
  if (e < 0) return fail(Errc::kIo, nlerr("link up/down " + name, e));
  return {};
}

Result<void> Netlink::set_mtu(const std::string& name, uint32_t mtu) {
  rtnl_link* link = nullptr;
  int e = rtnl_link_get_kernel(sk_, 0, name.c_str(), &link);
  if (e < 0) return fail(Errc::kNotFound, nlerr("link " + name, e));
  rtnl_link* change = rtnl_link_alloc();
  rtnl_link_set_mtu(change, mtu);
  e = rtnl_link_change(sk_, link, change, 0);
  rtnl_link_put(change);
  rtnl_link_put(link);
  if (e < 0) return fail(Errc::kIo, nlerr("mtu " + name, e));
  return {};
}

// Adding an address that is there, or deleting one that is not, is no error.
Result<void> Netlink::change_address(const std::string& name, const Prefix& p, bool add) {
  auto idx = ifindex(name);
  if (!idx) return std::unexpected(idx.error());
  rtnl_addr* a = rtnl_addr_alloc();
  rtnl_addr_set_ifindex(a, *idx);
  nl_addr* local = to_nl(p.addr, p.len);
  rtnl_addr_set_local(a, local);
  int e = add ? rtnl_addr_add(sk_, a, 0) : rtnl_addr_delete(sk_, a, 0);
  nl_addr_put(local);
  rtnl_addr_put(a);
  if (e >= 0 || (add && e == -NLE_EXIST) || (!add && (e == -NLE_NOADDR || e == -NLE_OBJ_NOTFOUND))) return {};
  return fail(Errc::kIo, nlerr((add ? "address " : "delete address ") + p.str() + (add ? " on " + name : ""), e));
}

static rtnl_route* build_route(const Prefix& dst, int idx, std::optional<IpAddress> via, uint32_t table) {
  rtnl_route* r = rtnl_route_alloc();
  rtnl_route_set_family(r, dst.addr.is_v4() ? AF_INET : AF_INET6);
  nl_addr* d = to_nl(dst.first(), dst.len);
  rtnl_route_set_dst(r, d);
  nl_addr_put(d);
  rtnl_route_set_table(r, table);
  rtnl_route_set_protocol(r, RTPROT_STATIC);
  rtnl_route_set_scope(r, via ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
  rtnl_nexthop* nh = rtnl_route_nh_alloc();
  rtnl_route_nh_set_ifindex(nh, idx);
  if (via) {
    nl_addr* g = to_nl(*via, int(via->size() * 8));
    rtnl_route_nh_set_gateway(nh, g);
    nl_addr_put(g);
  }
  rtnl_route_add_nexthop(r, nh);
  return r;
}

Result<void> Netlink::add_route(const Prefix& dst, const std::string& dev, std::optional<IpAddress> via,
                               const RouteExtras& extras) {
  auto idx = ifindex(dev);
  if (!idx) return std::unexpected(idx.error());
  rtnl_route* r = build_route(dst, *idx, via, extras.table);
  if (extras.mtu) {
    rtnl_route_set_metric(r, RTAX_MTU, *extras.mtu);
    rtnl_route_set_metric(r, RTAX_LOCK, 1u << RTAX_MTU);  // as `ip route ... mtu lock N`: not raised by PMTU
  }
  if (extras.src && extras.src->is_v4() == dst.addr.is_v4()) {
    nl_addr* a = to_nl(*extras.src, int(extras.src->size() * 8));
    rtnl_route_set_pref_src(r, a);
    nl_addr_put(a);
  }
  int e = rtnl_route_add(sk_, r, NLM_F_CREATE | NLM_F_REPLACE);
  rtnl_route_put(r);
  if (e < 0 && e != -NLE_EXIST) return fail(Errc::kIo, nlerr("route " + dst.str() + " dev " + dev, e));
  return {};
}

Result<void> Netlink::del_route(const Prefix& dst, const std::string& dev, uint32_t table) {
  auto idx = ifindex(dev);
  if (!idx) return std::unexpected(idx.error());
  rtnl_route* r = build_route(dst, *idx, std::nullopt, table);
  int e = rtnl_route_delete(sk_, r, 0);
  rtnl_route_put(r);
  if (e < 0 && e != -NLE_OBJ_NOTFOUND) return fail(Errc::kIo, nlerr("delete route " + dst.str(), e));
  return {};
}

static int family_of(IpAddress::Family f) { return f == IpAddress::Family::kV4 ? AF_INET : AF_INET6; }

Result<void> Netlink::change_rule(const MarkRule& m, bool add) {
  rtnl_rule* r = rtnl_rule_alloc();
  rtnl_rule_set_family(r, family_of(m.family));
  rtnl_rule_set_prio(r, m.priority);
  rtnl_rule_set_mark(r, m.mark);
  rtnl_rule_set_mask(r, 0xffffffff);
  rtnl_rule_set_table(r, m.table);
  rtnl_rule_set_action(r, FR_ACT_TO_TBL);
  int e = add ? rtnl_rule_add(sk_, r, NLM_F_CREATE | NLM_F_EXCL) : rtnl_rule_delete(sk_, r, 0);
  rtnl_rule_put(r);
  if (e >= 0 || (add && e == -NLE_EXIST) || (!add && (e == -NLE_OBJ_NOTFOUND || e == -NLE_NOADDR))) return {};
  return fail(Errc::kIo, nlerr(std::string(add ? "rule" : "delete rule") + " fwmark " + std::to_string(m.mark), e));
}

Result<std::vector<MarkRule>> Netlink::mark_rules(IpAddress::Family fam) {
  nl_cache* cache = nullptr;
  int e = rtnl_rule_alloc_cache(sk_, family_of(fam), &cache);
  if (e < 0) return fail(Errc::kIo, nlerr("rule cache", e));
  std::vector<MarkRule> out;
  for (nl_object* o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
    auto* r = reinterpret_cast<rtnl_rule*>(o);
    uint32_t mark = rtnl_rule_get_mark(r);
    if (mark == 0 || mark == 0xffffffff || rtnl_rule_get_action(r) != FR_ACT_TO_TBL) continue;
    out.push_back({fam, rtnl_rule_get_prio(r), mark, rtnl_rule_get_table(r)});
  }
  nl_cache_free(cache);
  return out;
}

Result<IpAddress> Netlink::first_address(const std::string& name, IpAddress::Family fam) {
  auto idx = ifindex(name);
  if (!idx) return std::unexpected(idx.error());
  nl_cache* cache = nullptr;
  int e = rtnl_addr_alloc_cache(sk_, &cache);
  if (e < 0) return fail(Errc::kIo, nlerr("address cache", e));
  std::optional<IpAddress> found;
  for (nl_object* o = nl_cache_get_first(cache); o && !found; o = nl_cache_get_next(o)) {
    auto* a = reinterpret_cast<rtnl_addr*>(o);
    if (rtnl_addr_get_ifindex(a) != *idx) continue;
    nl_addr* l = rtnl_addr_get_local(a);
    if (!l) continue;
    auto ip = IpAddress::from_bytes({static_cast<uint8_t*>(nl_addr_get_binary_addr(l)), nl_addr_get_len(l)});
    // IPv6: a global address, never the link-local one (fe80::/10).
    bool link_local = ip && !ip->is_v4() && ip->b[0] == 0xfe && (ip->b[1] & 0xc0) == 0x80;
    if (ip && ip->family == fam && !link_local) found = ip;
  }
  nl_cache_free(cache);
  if (!found) return fail(Errc::kNotFound, "no address on " + name);
  return *found;
}

}  // namespace kg::io
