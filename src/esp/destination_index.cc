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

// By the whole packet when an SA names a protocol, or the SAs differ in
// their selectors (old and new SA of one rekey share theirs). Kept without
// a scan where it can be: a hub's Virtual-Template may hold thousands of
// SAs behind one wide destination.
void DestinationIndex::Candidates::add(ChildSa* sa) {
  by_selectors = by_selectors || sa->out_selectors.narrow() ||
                 (!sas.empty() && (sa->local_ts != sas.front()->local_ts || sa->remote_ts != sas.front()->remote_ts));
  sas.push_back(sa);
}

void DestinationIndex::Candidates::remove(const ChildSa* sa) {
  std::erase(sas, sa);
  if (!by_selectors) return;  // removing cannot make the rest differ
  by_selectors = false;
  for (ChildSa* x : sas)
    by_selectors = by_selectors || x->out_selectors.narrow() || x->local_ts != sas.front()->local_ts ||
                   x->remote_ts != sas.front()->remote_ts;
}

void DestinationIndex::add(ChildSa* sa) {
  for (auto& ts : sa->remote_ts) {
    if (ts.start == ts.end) {
      hosts_[ts.start].add(sa);
      continue;
    }
    auto r = std::find_if(ranges_.begin(), ranges_.end(),
                          [&](const Range& x) { return x.lo == ts.start && x.hi == ts.end; });
    if (r != ranges_.end()) {
      r->c.add(sa);
      continue;
    }
    // Narrowest first; after ranges of the same width (as a stable sort would).
    auto w = width(ts.start, ts.end);
    auto at = std::find_if(ranges_.begin(), ranges_.end(), [&](const Range& x) { return w < width(x.lo, x.hi); });
    ranges_.insert(at, Range{ts.start, ts.end, {}})->c.add(sa);
  }
}

void DestinationIndex::remove(const ChildSa* sa) {
  for (auto& ts : sa->remote_ts) {
    if (ts.start == ts.end) {
      auto h = hosts_.find(ts.start);
      if (h == hosts_.end()) continue;
      h->second.remove(sa);
      if (h->second.sas.empty()) hosts_.erase(h);
      continue;
    }
    auto r = std::find_if(ranges_.begin(), ranges_.end(),
                          [&](const Range& x) { return x.lo == ts.start && x.hi == ts.end; });
    if (r == ranges_.end()) continue;
    r->c.remove(sa);
    if (r->c.sas.empty()) ranges_.erase(r);
  }
}

template <typename Admits>
ChildSa* DestinationIndex::prefer(const std::vector<ChildSa*>& sas, Admits admits) {
  ChildSa* best = nullptr;
  for (auto it = sas.rbegin(); it != sas.rend(); ++it) {
    ChildSa* sa = *it;
    if (!admits(sa)) continue;
    if (sa->outbound == ChildSa::Outbound::kActive) return sa;
    if (!best || (sa->outbound == ChildSa::Outbound::kPending && best->outbound == ChildSa::Outbound::kRetired))
      best = sa;
  }
  return best;
}

ChildSa* DestinationIndex::prefer(const std::vector<ChildSa*>& sas) {
  return prefer(sas, [](const ChildSa*) { return true; });
}

ChildSa* DestinationIndex::find(const IpAddress& dst) const {
  if (auto h = hosts_.find(dst); h != hosts_.end())
    if (ChildSa* sa = prefer(h->second.sas)) return sa;
  for (const Range& r : ranges_)
    if (inside(dst, r.lo, r.hi))
      if (ChildSa* sa = prefer(r.c.sas)) return sa;
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
  auto choose = [&](const Candidates& c) -> ChildSa* {
    if (!c.by_selectors) return prefer(c.sas);
    return prefer(c.sas, [&](const ChildSa* sa) { return sa->out_selectors.admits(p); });
  };
  if (auto h = hosts_.find(dst); h != hosts_.end())
    if (ChildSa* sa = choose(h->second)) return sa;
  for (const Range& r : ranges_)
    if (inside(dst, r.lo, r.hi))
      if (ChildSa* sa = choose(r.c)) return sa;
  return nullptr;
}

}  // namespace kg::esp
