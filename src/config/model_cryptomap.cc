#include "config/model_cryptomap.h"

#include <charconv>

namespace kg::config {
namespace {

// IOS's names for the ports a site-to-site ACL most often names.
const std::map<std::string, int, std::less<>> kPortNames = {
    {"ftp", 21}, {"ssh", 22}, {"telnet", 23}, {"smtp", 25}, {"domain", 53}, {"www", 80}, {"bgp", 179},
    {"https", 443}, {"isakmp", 500}, {"syslog", 514}, {"non500-isakmp", 4500}, {"ntp", 123}, {"snmp", 161}};

std::optional<int> number(std::string_view w, int lo, int hi) {
  int v = 0;
  auto [p, ec] = std::from_chars(w.data(), w.data() + w.size(), v);
  if (ec != std::errc() || p != w.data() + w.size() || v < lo || v > hi) return std::nullopt;
  return v;
}

std::optional<int> port(std::string_view w) {
  if (auto it = kPortNames.find(w); it != kPortNames.end()) return it->second;
  return number(w, 0, 65535);
}

// any | host A | A WILDCARD, from words[i]; advances i.
std::optional<Prefix> address(const std::vector<std::string>& w, size_t& i, std::string& error) {
  if (i >= w.size()) { error = "% Incomplete command."; return std::nullopt; }
  if (w[i] == "any") { ++i; return Prefix{IpAddress::v4(0), 0}; }
  if (w[i] == "host") {
    auto a = i + 1 < w.size() ? IpAddress::parse(w[i + 1]) : std::nullopt;
    if (!a || !a->is_v4()) { error = "% Invalid host address"; return std::nullopt; }
    i += 2;
    return Prefix{*a, 32};
  }
  auto a = IpAddress::parse(w[i]);
  auto wc = i + 1 < w.size() ? IpAddress::parse(w[i + 1]) : std::nullopt;
  if (!a || !a->is_v4() || !wc || !wc->is_v4()) { error = "% Invalid address or wildcard: " + w[i]; return std::nullopt; }
  auto len = mask_to_len(IpAddress::v4(~wc->v4_host_order()));
  if (!len) { error = "% Only contiguous wildcard masks (subnets) are supported: " + w[i + 1]; return std::nullopt; }
  i += 2;
  return Prefix{*a, *len};
}

std::optional<AclPorts> ports(const std::vector<std::string>& w, size_t& i, std::string& error) {
  if (i >= w.size()) return std::nullopt;
  const std::string& op = w[i];
  if (op != "eq" && op != "gt" && op != "lt" && op != "range") {
    if (op == "neq") error = "% neq is not supported (a traffic selector is one port range)";
    return std::nullopt;
  }
  AclPorts p{op};
  auto a = i + 1 < w.size() ? port(w[i + 1]) : std::nullopt;
  if (!a) { error = "% Invalid port"; return std::nullopt; }
  p.lo = p.hi = *a;
  i += 2;
  if (op == "range") {
    auto b = i < w.size() ? port(w[i]) : std::nullopt;
    if (!b || *b < *a) { error = "% Invalid port range"; return std::nullopt; }
    p.hi = *b;
    ++i;
  }
  return p;
}

std::string address_text(const Prefix& p) {
  if (p.len == 0) return "any";
  if (p.len == 32) return "host " + p.addr.str();
  return p.addr.str() + " " + IpAddress::v4(~p.mask().v4_host_order()).str();
}

std::string ports_text(const std::optional<AclPorts>& p) {
  if (!p) return "";
  if (p->op == "range") return " range " + std::to_string(p->lo) + " " + std::to_string(p->hi);
  return " " + p->op + " " + std::to_string(p->lo);
}

TrafficSelector selector(const AclExtEntry& e, const Prefix& p, const std::optional<AclPorts>& ports) {
  TrafficSelector t;
  t.ip_protocol = acl_protocol_number(e.protocol);
  t.start = p.first();
  t.end = p.last();
  if (ports) {
    t.start_port = uint16_t(ports->op == "gt" ? ports->lo + 1 : ports->op == "lt" ? 0 : ports->lo);
    t.end_port = uint16_t(ports->op == "gt" ? 65535 : ports->op == "lt" ? ports->lo - 1 : ports->hi);
  }
  return t;
}

}  // namespace

uint8_t acl_protocol_number(const std::string& word) {
  if (word == "ip") return 0;
  if (word == "tcp") return 6;
  if (word == "udp") return 17;
  if (word == "icmp") return 1;
  return uint8_t(number(word, 0, 255).value_or(0));
}

std::string acl_ext_text(const AclExtEntry& e) {
  return std::string(e.permit ? "permit " : "deny ") + e.protocol + " " + address_text(e.src) + ports_text(e.src_ports) +
         " " + address_text(e.dst) + ports_text(e.dst_ports);
}

std::optional<AclExtEntry> parse_acl_ext(bool permit, const std::vector<std::string>& w, std::string& error) {
  AclExtEntry e;
  e.permit = permit;
  if (w.empty()) { error = "% Incomplete command."; return std::nullopt; }
  e.protocol = w[0];
  if (e.protocol != "ip" && e.protocol != "tcp" && e.protocol != "udp" && e.protocol != "icmp" && !number(e.protocol, 0, 255)) {
    error = "% Unsupported protocol " + e.protocol + " (ip, tcp, udp, icmp or 0-255)";
    return std::nullopt;
  }
  bool has_ports = e.protocol == "tcp" || e.protocol == "udp";
  size_t i = 1;
  auto src = address(w, i, error);
  if (!src) return std::nullopt;
  e.src = Prefix{src->first(), src->len};
  if (has_ports) e.src_ports = ports(w, i, error);
  if (!error.empty()) return std::nullopt;
  auto dst = address(w, i, error);
  if (!dst) return std::nullopt;
  e.dst = Prefix{dst->first(), dst->len};
  if (has_ports) e.dst_ports = ports(w, i, error);
  if (!error.empty()) return std::nullopt;
  if (i < w.size() && w[i] == "log") ++i;  // accepted; keygate logs no ACL hits
  if (i != w.size()) {
    error = "% Invalid input at \"" + w[i] + "\"";
    return std::nullopt;
  }
  return e;
}

TrafficSelector acl_src_selector(const AclExtEntry& e) { return selector(e, e.src, e.src_ports); }
TrafficSelector acl_dst_selector(const AclExtEntry& e) { return selector(e, e.dst, e.dst_ports); }

}  // namespace kg::config
