// Netlink dumps for the show commands: links, addresses, routes.
#include <linux/if.h>
#include <netinet/in.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/route.h>

#include "io/netlink.h"

namespace kg::io {
namespace {

std::string nlerr(const std::string& what, int e) { return what + ": " + nl_geterror(e); }

// An nl_addr as a prefix; an empty one (the default route's dst) is the
// family's zero address with length 0.
std::optional<Prefix> to_prefix(nl_addr* a, IpAddress::Family fam) {
  if (!a) return std::nullopt;
  IpAddress ip{};
  ip.family = fam;
  if (nl_addr_get_len(a) > 0) {
    auto p = IpAddress::from_bytes({static_cast<uint8_t*>(nl_addr_get_binary_addr(a)), nl_addr_get_len(a)});
    if (!p) return std::nullopt;
    ip = *p;
  }
  return Prefix{ip, uint8_t(nl_addr_get_prefixlen(a))};
}

// Frees a libnl cache when it goes out of scope.
struct Cache {
  nl_cache* c = nullptr;
  ~Cache() {
    if (c) nl_cache_free(c);
  }
};

}  // namespace

Result<std::vector<KernelLink>> Netlink::links() {
  Cache cache;
  int e = rtnl_link_alloc_cache(sk_, AF_UNSPEC, &cache.c);
  if (e < 0) return fail(Errc::kIo, nlerr("link cache", e));
  std::vector<KernelLink> out;
  for (nl_object* o = nl_cache_get_first(cache.c); o; o = nl_cache_get_next(o)) {
    auto* l = reinterpret_cast<rtnl_link*>(o);
    unsigned flags = rtnl_link_get_flags(l);
    const char* name = rtnl_link_get_name(l);
    out.push_back({rtnl_link_get_ifindex(l), name ? name : "", (flags & IFF_UP) != 0, (flags & IFF_RUNNING) != 0});
  }
  return out;
}

Result<std::vector<KernelAddress>> Netlink::addresses() {
  Cache cache;
  int e = rtnl_addr_alloc_cache(sk_, &cache.c);
  if (e < 0) return fail(Errc::kIo, nlerr("address cache", e));
  std::vector<KernelAddress> out;
  for (nl_object* o = nl_cache_get_first(cache.c); o; o = nl_cache_get_next(o)) {
    auto* a = reinterpret_cast<rtnl_addr*>(o);
    int fam = rtnl_addr_get_family(a);
    if (fam != AF_INET && fam != AF_INET6) continue;
    auto p = to_prefix(rtnl_addr_get_local(a), fam == AF_INET ? IpAddress::Family::kV4 : IpAddress::Family::kV6);
    if (!p) continue;
    p->len = uint8_t(rtnl_addr_get_prefixlen(a));
    out.push_back({rtnl_addr_get_ifindex(a), *p});
  }
  return out;
}

Result<std::vector<KernelRoute>> Netlink::routes(IpAddress::Family fam) {
  Cache cache;
  int af = fam == IpAddress::Family::kV4 ? AF_INET : AF_INET6;
  int e = rtnl_route_alloc_cache(sk_, af, 0, &cache.c);
  if (e < 0) return fail(Errc::kIo, nlerr("route cache", e));
  std::vector<KernelRoute> out;
  for (nl_object* o = nl_cache_get_first(cache.c); o; o = nl_cache_get_next(o)) {
    auto* r = reinterpret_cast<rtnl_route*>(o);
    if (rtnl_route_get_family(r) != af) continue;
    auto dst = to_prefix(rtnl_route_get_dst(r), fam);
    if (!dst) continue;
    KernelRoute kr{*dst, rtnl_route_get_table(r), rtnl_route_get_type(r), rtnl_route_get_protocol(r),
                   rtnl_route_get_priority(r), {}};
    for (int i = 0; i < rtnl_route_get_nnexthops(r); ++i) {
      rtnl_nexthop* nh = rtnl_route_nexthop_n(r, i);
      KernelNexthop k;
      k.index = rtnl_route_nh_get_ifindex(nh);
      if (nl_addr* g = rtnl_route_nh_get_gateway(nh); g && nl_addr_get_len(g) > 0)
        k.gateway = IpAddress::from_bytes({static_cast<uint8_t*>(nl_addr_get_binary_addr(g)), nl_addr_get_len(g)});
      kr.nexthops.push_back(k);
    }
    out.push_back(std::move(kr));
  }
  return out;
}

}  // namespace kg::io
