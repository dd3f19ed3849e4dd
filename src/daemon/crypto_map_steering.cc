#include "daemon/crypto_map_steering.h"

#include <cstdio>

namespace kg::daemon {
namespace {

// An address range as nft writes it: a prefix when it is one, else a-b;
// empty for every IPv4 address.
std::string range_text(const TrafficSelector& t) {
  if (t.start.str() == "0.0.0.0" && t.end.str() == "255.255.255.255") return "";
  for (uint8_t len = 0; len <= 32; ++len)
    if (Prefix q{t.start, len}; q.first() == t.start && q.last() == t.end)
      return len == 32 ? t.start.str() : q.str();
  return t.start.str() + "-" + t.end.str();
}

std::string port_text(const TrafficSelector& t) {
  if (t.start_port == 0 && t.end_port == 65535) return "";
  if (t.start_port == t.end_port) return std::to_string(t.start_port);
  return std::to_string(t.start_port) + "-" + std::to_string(t.end_port);
}

// Protocols whose ports nft's transport-header match (th) reads.
bool has_ports(uint8_t proto) { return proto == 6 || proto == 17 || proto == 132 || proto == 33; }

std::string hex(uint32_t v) {
  char b[16];
  std::snprintf(b, sizeof b, "0x%08x", v);
  return b;
}

std::string peer_set(const std::vector<IpAddress>& peers) {
  std::string s;
  for (auto& p : peers)
    if (p.is_v4()) s += (s.empty() ? "" : ", ") + p.str();
  return s.empty() ? "" : "{ " + s + " }";
}

}  // namespace

std::string steering_table(const std::string& map) {
  std::string s = kSteerTablePrefix;
  for (char c : map) s += (isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
  return s;
}

std::string steering_match(const ike::SelectorRule& r) {
  std::string m;
  auto add = [&](const std::string& w) { m += (m.empty() ? "" : " ") + w; };
  if (auto s = range_text(r.local); !s.empty()) add("ip saddr " + s);
  if (auto d = range_text(r.remote); !d.empty()) add("ip daddr " + d);
  uint8_t proto = r.local.ip_protocol ? r.local.ip_protocol : r.remote.ip_protocol;
  if (proto) add("meta l4proto " + std::to_string(proto));
  if (has_ports(proto)) {
    if (auto p = port_text(r.local); !p.empty()) add("th sport " + p);
    if (auto p = port_text(r.remote); !p.empty()) add("th dport " + p);
  }
  return m;
}

std::string steering_ruleset(const std::string& map, const std::vector<SteeredEntry>& entries) {
  std::string t = steering_table(map);
  std::string out = "table ip " + t + " {\n";
  std::vector<IpAddress> peers;
  for (auto& e : entries) {
    out += "  chain entry-" + std::to_string(e.seq) + " {\n";
    for (auto& r : e.acl) {
      std::string m = steering_match(r);
      out += "    " + (m.empty() ? "" : m + " ") + "counter " +
             (r.permit ? "meta mark set " + hex(e.mark) + " accept" : "return") + "\n";
    }
    out += "  }\n";
    peers.insert(peers.end(), e.peers.begin(), e.peers.end());
  }
  std::string tunnel;  // the tunnel's own packets: IKE and ESP to the peers
  if (auto set = peer_set(peers); !set.empty())
    tunnel = "    ip daddr " + set + " udp dport { 500, 4500 } return\n"
             "    ip daddr " + set + " meta l4proto 50 return\n";
  std::string jumps;
  for (auto& e : entries) jumps += "    jump entry-" + std::to_string(e.seq) + "\n";
  out += "  chain prerouting {\n    type filter hook prerouting priority mangle; policy accept;\n"
         "    iifname \"cm-*\" return\n" + tunnel + jumps + "  }\n";
  out += "  chain output {\n    type route hook output priority mangle; policy accept;\n" + tunnel + jumps + "  }\n";
  return out + "}\n";
}

std::string steering_replace(const std::string& map, const std::vector<SteeredEntry>& entries) {
  std::string t = steering_table(map);
  // `add` then `delete`: deletes an old table, and is no error without one.
  return "add table ip " + t + "\ndelete table ip " + t + "\n" + steering_ruleset(map, entries);
}

}  // namespace kg::daemon
