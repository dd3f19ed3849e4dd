#include "ike/ts.h"

#include <algorithm>

namespace kg::ike {
namespace {

std::optional<TrafficSelector> intersect(const TrafficSelector& a, const TrafficSelector& b) {
  if (a.type != b.type || a.start.family != b.start.family) return std::nullopt;
  TrafficSelector r = a;
  if (a.ip_protocol != 0 && b.ip_protocol != 0 && a.ip_protocol != b.ip_protocol) return std::nullopt;
  r.ip_protocol = a.ip_protocol ? a.ip_protocol : b.ip_protocol;
  r.start_port = std::max(a.start_port, b.start_port);
  r.end_port = std::min(a.end_port, b.end_port);
  r.start = std::max(a.start, b.start);
  r.end = std::min(a.end, b.end);
  if (r.start_port > r.end_port || r.end < r.start) return std::nullopt;
  return r;
}

bool contains(const TrafficSelector& outer, const TrafficSelector& in) {
  auto x = intersect(outer, in);
  return x && *x == in;
}

}  // namespace

std::vector<TrafficSelector> narrow(const std::vector<TrafficSelector>& proposed,
                                    const std::vector<TrafficSelector>& configured) {
  std::vector<TrafficSelector> out;
  for (auto& p : proposed)
    for (auto& c : configured)
      if (auto x = intersect(p, c); x && std::find(out.begin(), out.end(), *x) == out.end())
        out.push_back(*x);
  return out;
}

bool within(const std::vector<TrafficSelector>& answer, const std::vector<TrafficSelector>& proposed) {
  if (answer.empty()) return false;
  for (auto& a : answer)
    if (std::none_of(proposed.begin(), proposed.end(), [&](auto& p) { return contains(p, a); })) return false;
  return true;
}

std::string describe(const std::vector<TrafficSelector>& ts) {
  std::string s;
  for (auto& t : ts) {
    if (!s.empty()) s += ", ";
    s += t.start.str() + "-" + t.end.str();
    if (t.ip_protocol) s += " proto " + std::to_string(t.ip_protocol);
    if (t.start_port != 0 || t.end_port != 65535)
      s += " ports " + std::to_string(t.start_port) + "-" + std::to_string(t.end_port);
  }
  return s.empty() ? "(none)" : s;
}

}  // namespace kg::ike
