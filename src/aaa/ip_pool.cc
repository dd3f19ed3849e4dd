#include "aaa/ip_pool.h"

#include <algorithm>
#include <array>
#include <tuple>

namespace kg::aaa {
namespace {

// The index-th block of `assigned` bits under `base` (index < 2^20): the
// 128-bit big-endian sum base + (index << (128 - assigned)).
IpAddress block(const Prefix& base, int assigned, uint64_t index) {
  IpAddress a = base.first();
  std::array<uint8_t, 16> add{};
  for (int bit = 0; bit < 64; ++bit) {
    int pos = 128 - assigned + bit;  // bit position counted from the least significant
    if ((index >> bit & 1) && pos < 128) add[size_t(15 - pos / 8)] |= uint8_t(1u << (pos % 8));
  }
  unsigned carry = 0;
  for (int i = 15; i >= 0; --i) {
    unsigned sum = a.b[size_t(i)] + add[size_t(i)] + carry;
    a.b[size_t(i)] = uint8_t(sum);
    carry = sum >> 8;
  }
  return a;
}

}  // namespace

void AddressPools::configure(const config::Model& m) {
  pools_.clear();
  for (auto& [name, p] : m.pools)
    for (auto& r : p.ranges) {
      auto lo = IpAddress::parse(r.start), hi = IpAddress::parse(r.end);
      if (lo && hi && lo->is_v4() && hi->is_v4()) pools_[name].push_back({lo->v4_host_order(), hi->v4_host_order()});
    }
  std::map<std::string, Pool6> next6;
  for (auto& [name, p] : m.ipv6_pools) {
    auto pre = Prefix::parse(p.prefix);
    if (!pre) continue;
    Pool6 n{*pre, p.assigned_len, {}};
    if (auto old = pools6_.find(name); old != pools6_.end() && old->second.prefix == n.prefix &&
                                       old->second.assigned_len == n.assigned_len)
      n.used = old->second.used;
    next6[name] = std::move(n);
  }
  pools6_ = std::move(next6);
}

bool AddressPools::has_pool(const std::string& pool) const { return pools_.contains(pool) || pools6_.contains(pool); }

Lease& AddressPools::make_lease(uint64_t id, const std::string& user) {
  if (id && leases_.contains(id)) return leases_[id];
  Lease l;
  l.id = next_id_++;
  l.user = user;
  return leases_[l.id] = l;
}

Result<uint64_t> AddressPools::allocate(const std::string& pool, const std::string& user, uint64_t lease) {
  auto it = pools_.find(pool);
  if (it == pools_.end()) return fail(Errc::kNotFound, "no ip local pool " + pool);
  auto& used = used_[pool];
  for (const Range& r : it->second) {
    // The lowest address of the range not in `used` (which is sorted).
    uint64_t cand = r.lo;
    for (auto u = used.lower_bound(r.lo); u != used.end() && *u == cand && cand <= r.hi; ++u) ++cand;
    if (cand > r.hi) continue;
    used.insert(uint32_t(cand));
    Lease& l = make_lease(lease, user);
    l.pool = pool;
    l.addr = IpAddress::v4(uint32_t(cand));
    return l.id;
  }
  return fail(Errc::kLimit, "ip local pool " + pool + " is exhausted");
}

Result<uint64_t> AddressPools::allocate6(const std::string& pool, const std::string& user, uint64_t lease) {
  auto it = pools6_.find(pool);
  if (it == pools6_.end()) return fail(Errc::kNotFound, "no ipv6 local pool " + pool);
  Pool6& p = it->second;
  uint64_t blocks = uint64_t(1) << std::min(20, p.assigned_len - p.prefix.len);
  uint64_t idx = 1;  // block 0 holds the prefix's own (router) address
  for (auto u = p.used.lower_bound(1); u != p.used.end() && *u == idx; ++u) ++idx;
  if (idx >= blocks) return fail(Errc::kLimit, "ipv6 local pool " + pool + " is exhausted");
  p.used.insert(idx);
  Lease& l = make_lease(lease, user);
  l.pool6 = pool;
  IpAddress a = block(p.prefix, p.assigned_len, idx);
  if (p.assigned_len < 128) a.b[15] |= 1;  // an address inside the delegated block
  l.prefix6 = Prefix{a, uint8_t(p.assigned_len)};
  l.block6 = idx;
  return l.id;
}

void AddressPools::release(uint64_t id) {
  auto it = leases_.find(id);
  if (it == leases_.end()) return;
  const Lease& l = it->second;
  if (l.addr) used_[l.pool].erase(l.addr->v4_host_order());
  if (l.prefix6)
    if (auto p = pools6_.find(l.pool6); p != pools6_.end() && p->second.prefix.contains(l.prefix6->addr))
      p->second.used.erase(l.block6);
  leases_.erase(it);
}

void AddressPools::set_interface(uint64_t id, const std::string& interface) {
  if (auto it = leases_.find(id); it != leases_.end()) it->second.interface = interface;
}

const Lease* AddressPools::lease(uint64_t id) const {
  auto it = leases_.find(id);
  return it == leases_.end() ? nullptr : &it->second;
}

std::vector<PoolRangeStats> AddressPools::stats(const std::string& pool) const {
  std::vector<PoolRangeStats> v;
  for (auto& [name, ranges] : pools_) {
    if (!pool.empty() && name != pool) continue;
    auto u = used_.find(name);
    for (const Range& r : ranges) {
      PoolRangeStats s{name, IpAddress::v4(r.lo), IpAddress::v4(r.hi), 0, 0};
      uint64_t size = uint64_t(r.hi) - r.lo + 1;
      if (u != used_.end())
        for (auto x = u->second.lower_bound(r.lo); x != u->second.end() && *x <= r.hi; ++x) ++s.in_use;
      s.free = size - s.in_use;
      v.push_back(s);
    }
  }
  return v;
}

std::vector<const Lease*> AddressPools::leases(const std::string& pool) const {
  std::vector<const Lease*> v;
  for (auto& [id, l] : leases_)
    if (pool.empty() || l.pool == pool || l.pool6 == pool) v.push_back(&l);
  std::sort(v.begin(), v.end(), [](const Lease* a, const Lease* b) {
    return std::tie(a->addr, a->prefix6, a->id) < std::tie(b->addr, b->prefix6, b->id);
  });
  return v;
}

std::vector<IpAddress> AddressPools::free_addresses(const std::string& pool, size_t limit) const {
  std::vector<IpAddress> v;
  auto it = pools_.find(pool);
  if (it == pools_.end()) return v;
  auto u = used_.find(pool);
  for (const Range& r : it->second)
    for (uint64_t a = r.lo; a <= r.hi && v.size() < limit; ++a)
      if (u == used_.end() || !u->second.contains(uint32_t(a))) v.push_back(IpAddress::v4(uint32_t(a)));
  return v;
}

}  // namespace kg::aaa
