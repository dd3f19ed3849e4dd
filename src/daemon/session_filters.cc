#include "daemon/session_filters.h"

#include "common/log.h"

namespace kg::daemon {
namespace {

constexpr const char* kTable = "inet keygate";

std::string prefix_text(const Prefix& p) {
  return p.len == 32 ? p.addr.str() : p.first().str() + "/" + std::to_string(p.len);
}

// ip saddr|daddr condition of an extended entry's address (none for any).
std::string address_match(const char* field, const Prefix& p) {
  if (p.len == 0) return "";
  return std::string(" ip ") + field + " " + prefix_text(p);
}

std::string ports_match(const std::string& proto, const char* field, const std::optional<config::AclPorts>& p) {
  if (!p) return "";
  std::string v = p->op == "range" ? std::to_string(p->lo) + "-" + std::to_string(p->hi)
                  : p->op == "gt"  ? "> " + std::to_string(p->lo)
                  : p->op == "lt"  ? "< " + std::to_string(p->lo)
                                   : std::to_string(p->lo);
  return " " + proto + " " + field + " " + v;
}

std::string extended_rule(const config::AclExtEntry& e) {
  std::string r;
  uint8_t proto = config::acl_protocol_number(e.protocol);
  bool ports = (proto == 6 || proto == 17) && (e.src_ports || e.dst_ports);
  if (proto != 0 && !ports) r += " ip protocol " + std::to_string(proto);
  r += address_match("saddr", e.src) + address_match("daddr", e.dst);
  if (ports) {
    std::string p = proto == 6 ? "tcp" : "udp";
    r += ports_match(p, "sport", e.src_ports) + ports_match(p, "dport", e.dst_ports);
  }
  r += e.permit ? " accept" : " drop";
  return r.substr(1);
}

// A standard entry: address and wildcard, which need not be contiguous.
std::optional<std::string> standard_rule(const config::AclEntry& e) {
  auto a = IpAddress::parse(e.addr);
  auto w = IpAddress::parse(e.wildcard);
  if (!a || !w || !a->is_v4() || !w->is_v4()) return std::nullopt;
  std::string verdict = e.permit ? "accept" : "drop";
  uint32_t mask = ~w->v4_host_order();
  if (mask == 0) return verdict;
  if (auto len = mask_to_len(IpAddress::v4(mask)))
    return "ip saddr " + prefix_text(Prefix{*a, *len}) + " " + verdict;
  return "ip saddr & " + IpAddress::v4(mask).str() + " == " + IpAddress::v4(a->v4_host_order() & mask).str() + " " +
         verdict;
}

std::string chain(uint32_t session, bool in) { return "va" + std::to_string(session) + (in ? "_in" : "_out"); }

// The map elements of a session: "Vt1" . 198.18.1.10 (: jump CHAIN).
std::string elements(const std::string& dev, const std::vector<Prefix>& peer, const std::string& jump) {
  std::string s;
  for (const auto& p : peer) {
    if (!p.addr.is_v4()) continue;
    s += (s.empty() ? "" : ", ") + ("\"" + dev + "\" . " + prefix_text(p)) + (jump.empty() ? "" : " : jump " + jump);
  }
  return s;
}

}  // namespace

std::optional<std::vector<std::string>> acl_nft_rules(const AccessLists& m, const std::string& name) {
  std::vector<std::string> rules;
  if (auto x = m.extended.find(name); x != m.extended.end()) {
    for (const auto& e : x->second.entries) rules.push_back(extended_rule(e));
  } else if (auto s = m.standard.find(name); s != m.standard.end()) {
    for (const auto& e : s->second.entries)
      if (auto r = standard_rule(e)) rules.push_back(*r);
  } else {
    return std::nullopt;
  }
  rules.push_back("drop");  // IOS's implicit deny
  return rules;
}

SessionFilters::~SessionFilters() {
  if (table_) (void)run(std::string("delete table ") + kTable + "\n");
}

Result<void> SessionFilters::run(const std::string& script) {
  if (!nft_) {
    auto n = io::Nftables::open();
    if (!n) return std::unexpected(n.error());
    nft_ = std::move(*n);
  }
  return nft_->run(script);
}

std::string SessionFilters::removal(uint32_t session, const Attached& a, bool chains) {
  std::string s;
  for (bool in : {true, false}) {
    if (!(in ? a.in : a.out)) continue;
    if (auto e = elements(a.dev, a.peer, ""); !e.empty())
      s += std::string("delete element ") + kTable + (in ? " va_in" : " va_out") + " { " + e + " }\n";
    if (chains) s += std::string("delete chain ") + kTable + " " + chain(session, in) + "\n";
  }
  return s;
}

Result<void> SessionFilters::attach(uint32_t session, const std::string& dev, const std::vector<Prefix>& peer,
                                    const std::vector<std::string>* in, const std::vector<std::string>* out) {
  if (!in && !out) {
    detach(session);
    return {};
  }
  std::string s;
  if (!table_) {
    // Ours alone: a table a crashed run left is replaced.
    s += std::string("add table ") + kTable + "\ndelete table " + kTable + "\n";
    s += std::string("table ") + kTable + " {\n" +
         "  map va_in { type ifname . ipv4_addr : verdict; flags interval; }\n"
         "  map va_out { type ifname . ipv4_addr : verdict; flags interval; }\n"
         "  chain in { type filter hook prerouting priority filter; policy accept; iifname . ip saddr vmap @va_in; }\n"
         "  chain out { type filter hook postrouting priority filter; policy accept; oifname . ip daddr vmap @va_out; }\n"
         "}\n";
  }
  Attached now{dev, peer, in != nullptr, out != nullptr};
  auto old = attached_.find(session);
  if (old != attached_.end()) {
    // Its elements go first; a chain no longer wanted goes after them.
    s += removal(session, old->second, false);
    for (bool d : {true, false})
      if ((d ? old->second.in : old->second.out) && !(d ? now.in : now.out))
        s += std::string("delete chain ") + kTable + " " + chain(session, d) + "\n";
  }
  for (bool d : {true, false}) {
    const std::vector<std::string>* rules = d ? in : out;
    if (!rules) continue;
    std::string c = std::string(kTable) + " " + chain(session, d);
    s += "add chain " + c + "\nflush chain " + c + "\n";
    for (const auto& r : *rules) s += "add rule " + c + " " + r + "\n";
    if (auto e = elements(dev, peer, chain(session, d)); !e.empty())
      s += std::string("add element ") + kTable + (d ? " va_in" : " va_out") + " { " + e + " }\n";
  }
  if (auto r = run(s); !r) return r;
  table_ = true;
  attached_[session] = std::move(now);
  return {};
}

void SessionFilters::detach(uint32_t session) {
  auto it = attached_.find(session);
  if (it == attached_.end()) return;
  if (auto r = run(removal(session, it->second, true)); !r)
    log::warn("access-group: session " + std::to_string(session) + ": " + r.error().message);
  attached_.erase(it);
}

}  // namespace kg::daemon
