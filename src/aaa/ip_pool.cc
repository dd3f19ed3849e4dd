#include "aaa/ip_pool.h"

#include <algorithm>
#include <array>
#include <charconv>
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
    // The blocks in use are those of the leases (held ones included) that
    // still lie in the pool as configured now.
    for (auto& [id, l] : leases_)
      if (l.pool6 == name && l.prefix6 && l.prefix6->len == n.assigned_len && n.prefix.contains(l.prefix6->addr))
        n.used.insert(l.block6);
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

Lease* AddressPools::held_of(const std::string& user, const std::string& pool, bool v6) {
  auto [b, e] = held_.equal_range(user);
  for (auto it = b; it != e; ++it) {
    Lease& l = leases_.at(it->second);
    if (v6 ? l.prefix6 && l.pool6 == pool : l.addr && l.pool == pool) return &l;
  }
  return nullptr;
}

void AddressPools::unhold(Lease& l) {
  if (!l.held) return;
  l.held = false;
  auto [b, e] = held_.equal_range(l.user);
  for (auto it = b; it != e; ++it)
    if (it->second == l.id) {
      held_.erase(it);
      break;
    }
}

Result<uint64_t> AddressPools::allocate(const std::string& pool, const std::string& user, uint64_t lease) {
  auto it = pools_.find(pool);
  if (it == pools_.end()) return fail(Errc::kNotFound, "no ip local pool " + pool);
  if (Lease* h = lease ? nullptr : held_of(user, pool, false)) {
    // The user's address from before the restart (and its IPv6 block, if
    // any: allocate6 then finds it in this lease).
    unhold(*h);
    changed(*h);
    return h->id;
  }
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
    changed(l);
    return l.id;
  }
  return fail(Errc::kLimit, "ip local pool " + pool + " is exhausted");
}

Result<uint64_t> AddressPools::allocate6(const std::string& pool, const std::string& user, uint64_t lease) {
  auto it = pools6_.find(pool);
  if (it == pools6_.end()) return fail(Errc::kNotFound, "no ipv6 local pool " + pool);
  Pool6& p = it->second;
  if (auto cur = leases_.find(lease); cur != leases_.end() && cur->second.prefix6 && cur->second.pool6 == pool)
    return lease;  // taken over with its IPv4 address (allocate)
  if (Lease* h = held_of(user, pool, true)) {
    if (!lease || !leases_.contains(lease)) {
      unhold(*h);
      changed(*h);
      return h->id;
    }
    // Move the held block into the session's lease.
    Lease& l = leases_[lease];
    l.pool6 = h->pool6;
    l.prefix6 = h->prefix6;
    l.block6 = h->block6;
    h->pool6.clear();
    h->prefix6.reset();
    h->block6 = 0;
    uint64_t hid = h->id;
    if (!h->addr) {
      unhold(*h);
      leases_.erase(hid);
      changed(Lease{.id = hid}, true);
    } else {
      changed(*h);
    }
    changed(l);
    return l.id;
  }
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
  changed(l);
  return l.id;
}

void AddressPools::release(uint64_t id) {
  auto it = leases_.find(id);
  if (it == leases_.end()) return;
  Lease& l = it->second;
  unhold(l);
  if (l.addr) used_[l.pool].erase(l.addr->v4_host_order());
  if (l.prefix6)
    if (auto p = pools6_.find(l.pool6); p != pools6_.end() && p->second.prefix.contains(l.prefix6->addr))
      p->second.used.erase(l.block6);
  Lease gone{.id = id};
  leases_.erase(it);
  changed(gone, true);
}

size_t AddressPools::restore(const std::vector<Lease>& leases) {
  size_t n = 0;
  for (Lease l : leases) {
    if (!l.id || leases_.contains(l.id)) continue;
    if (l.addr && (!l.addr->is_v4() || used_[l.pool].contains(l.addr->v4_host_order()))) continue;
    auto p6 = pools6_.find(l.pool6);
    if (l.prefix6 && p6 != pools6_.end() && p6->second.used.contains(l.block6)) continue;
    if (!l.addr && !l.prefix6) continue;
    if (l.addr) used_[l.pool].insert(l.addr->v4_host_order());
    if (l.prefix6 && p6 != pools6_.end() && l.prefix6->len == p6->second.assigned_len &&
        p6->second.prefix.contains(l.prefix6->addr))
      p6->second.used.insert(l.block6);
    l.held = true;
    held_.emplace(l.user, l.id);
    l.interface.clear();
    next_id_ = std::max(next_id_, l.id + 1);
    leases_[l.id] = std::move(l);
    ++n;
  }
  return n;
}

size_t AddressPools::release_held() {
  std::vector<uint64_t> ids;
  for (auto& [user, id] : held_) ids.push_back(id);
  for (uint64_t id : ids) release(id);
  return ids.size();
}

namespace {

std::string escape(std::string_view s) {
  std::string o;
  for (char c : s) {
    if (c == '\\') o += "\\\\";
    else if (c == '\t') o += "\\t";
    else if (c == '\n') o += "\\n";
    else if (c == '\r') o += "\\r";
    else o += c;
  }
  return o;
}

std::optional<std::string> unescape(std::string_view s) {
  std::string o;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      o += s[i];
      continue;
    }
    if (++i == s.size()) return std::nullopt;
    switch (s[i]) {
      case '\\': o += '\\'; break;
      case 't': o += '\t'; break;
      case 'n': o += '\n'; break;
      case 'r': o += '\r'; break;
      default: return std::nullopt;
    }
  }
  return o;
}

std::optional<uint64_t> number(std::string_view s) {
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

bool pool_word(std::string_view s) {
  return !s.empty() && std::none_of(s.begin(), s.end(), [](char c) { return c <= ' ' || c == 0x7f; });
}

}  // namespace

std::string Lease::encode() const {
  auto or_dash = [](const std::string& s) { return s.empty() ? std::string("-") : s; };
  return std::to_string(id) + "\t" + or_dash(pool) + "\t" + (addr ? addr->str() : "-") + "\t" + or_dash(pool6) +
         "\t" + (prefix6 ? prefix6->str() : "-") + "\t" + std::to_string(block6) + "\t" + escape(user);
}

std::optional<Lease> Lease::decode(std::string_view line) {
  std::vector<std::string_view> f;
  for (size_t at = 0;;) {
    size_t tab = line.find('\t', at);
    if (f.size() == 6) tab = std::string_view::npos;  // the user: the rest
    f.push_back(line.substr(at, tab == std::string_view::npos ? tab : tab - at));
    if (tab == std::string_view::npos) break;
    at = tab + 1;
  }
  if (f.size() != 7) return std::nullopt;
  Lease l;
  auto id = number(f[0]), blk = number(f[5]);
  auto user = unescape(f[6]);
  if (!id || !*id || !blk || !user || !pool_word(f[1]) || !pool_word(f[3])) return std::nullopt;
  l.id = *id;
  l.block6 = *blk;
  l.user = *user;
  if (f[1] != "-") l.pool = f[1];
  if (f[3] != "-") l.pool6 = f[3];
  if (f[2] != "-") {
    auto a = IpAddress::parse(f[2]);
    if (!a || !a->is_v4() || l.pool.empty()) return std::nullopt;
    l.addr = *a;
  }
  if (f[4] != "-") {
    auto p = Prefix::parse(f[4]);
    if (!p || l.pool6.empty()) return std::nullopt;
    l.prefix6 = *p;
  }
  if (!l.addr && !l.prefix6) return std::nullopt;
  return l;
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
