#include "esp/destination_index.h"

#include <algorithm>
#include <array>

namespace kg::esp {
namespace {

// Range width as a comparable value: v4 ranges sort before v6 ones of the
// same numeric width, which never compete (different families).
std::array<uint8_t, 16> width(const IpAddress& lo, const IpAddress& hi) {
  std::array<uint8_t, 16> w{};
  int borrow = 0;
  for (int i = int(lo.size()) - 1; i >= 0; --i) {
    int d = int(hi.b[size_t(i)]) - int(lo.b[size_t(i)]) - borrow;
    borrow = d < 0;
    w[size_t(16 - lo.size() + size_t(i))] = uint8_t(d + (borrow ? 256 : 0));
  }
  return w;
}

bool inside(const IpAddress& a, const IpAddress& lo, const IpAddress& hi) {
  return a.family == lo.family && !(a < lo) && !(hi < a);
}

}  // namespace

size_t DestinationIndex::AddrHash::operator()(const IpAddress& a) const noexcept {
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (size_t i = 0; i < a.size(); ++i) h = (h ^ a.b[i]) * 1099511628211ull;
  return size_t(h);
}

void DestinationIndex::rebuild(const std::vector<std::unique_ptr<ChildSa>>& all, uint32_t tunnel) {
  hosts_.clear();
  ranges_.clear();
  for (auto& p : all)
    if (p->tunnel == tunnel) add(p.get());
}

void DestinationIndex::add(ChildSa* sa) {
  for (auto& ts : sa->remote_ts) {
    if (ts.start == ts.end) {
      hosts_[ts.start].push_back(sa);
      continue;
    }
    auto r = std::find_if(ranges_.begin(), ranges_.end(),
                          [&](const Range& x) { return x.lo == ts.start && x.hi == ts.end; });
    if (r != ranges_.end()) {
      r->sas.push_back(sa);
      continue;
    }
    // Narrowest first; after ranges of the same width (as a stable sort would).
    auto w = width(ts.start, ts.end);
    auto at = std::find_if(ranges_.begin(), ranges_.end(), [&](const Range& x) { return w < width(x.lo, x.hi); });
    ranges_.insert(at, Range{ts.start, ts.end, {sa}});
  }
}

void DestinationIndex::remove(const ChildSa* sa) {
  for (auto& ts : sa->remote_ts) {
    if (ts.start == ts.end) {
      auto h = hosts_.find(ts.start);
      if (h == hosts_.end()) continue;
      std::erase(h->second, sa);
      if (h->second.empty()) hosts_.erase(h);
      continue;
    }
    auto r = std::find_if(ranges_.begin(), ranges_.end(),
                          [&](const Range& x) { return x.lo == ts.start && x.hi == ts.end; });
    if (r == ranges_.end()) continue;
    std::erase(r->sas, sa);
    if (r->sas.empty()) ranges_.erase(r);
  }
}

ChildSa* DestinationIndex::prefer(const std::vector<ChildSa*>& sas) {
  ChildSa* best = nullptr;
  for (auto it = sas.rbegin(); it != sas.rend(); ++it) {
    ChildSa* sa = *it;
    if (sa->outbound == ChildSa::Outbound::kActive) return sa;
    if (!best || (sa->outbound == ChildSa::Outbound::kPending && best->outbound == ChildSa::Outbound::kRetired))
      best = sa;
  }
  return best;
}

ChildSa* DestinationIndex::find(const IpAddress& dst) const {
  if (auto h = hosts_.find(dst); h != hosts_.end())
    if (ChildSa* sa = prefer(h->second)) return sa;
  for (const Range& r : ranges_)
    if (inside(dst, r.lo, r.hi))
      if (ChildSa* sa = prefer(r.sas)) return sa;
  return nullptr;
}

ChildSa* DestinationIndex::find(ByteView p) const {
  IpAddress dst;
  if (p.size() >= 20 && (p[0] >> 4) == 4) {
    dst.family = IpAddress::Family::kV4;
    std::copy_n(p.begin() + 16, 4, dst.b.begin());
  } else if (p.size() >= 40 && (p[0] >> 4) == 6) {
    dst.family = IpAddress::Family::kV6;
    std::copy_n(p.begin() + 24, 16, dst.b.begin());
  } else {
    return nullptr;
  }
  return find(dst);
}

}  // namespace kg::esp
