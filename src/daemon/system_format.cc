#include "daemon/system_format.h"

#include <linux/rtnetlink.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>

#include "config/logging.h"

namespace kg::daemon {
namespace {

std::string plural(long n, const char* unit) {
  return std::to_string(n) + " " + unit + (n == 1 ? "" : "s");
}

// `s` in a column of w characters and the space after it.
std::string pad(std::string s, size_t w) {
  if (s.size() < w) s.append(w - s.size(), ' ');
  return s + " ";
}

// IOS prints IPv6 addresses in upper case.
std::string upper(std::string s) {
  for (auto& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string ios_uptime(std::chrono::seconds up) {
  long s = std::max<long>(0, long(up.count()));
  const std::pair<long, const char*> units[] = {
      {365L * 86400, "year"}, {7L * 86400, "week"}, {86400, "day"}, {3600, "hour"}};
  std::string out;
  for (auto [len, name] : units) {
    if (s < len) continue;
    out += plural(s / len, name) + ", ";
    s %= len;
  }
  return out + plural(s / 60, "minute");
}

std::string ios_clock(std::chrono::system_clock::time_point t, bool authoritative) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char hms[16], wd_mon[16], year[8];
  std::strftime(hms, sizeof hms, "%H:%M:%S", &tm);
  std::strftime(wd_mon, sizeof wd_mon, "%a %b", &tm);
  std::strftime(year, sizeof year, "%Y", &tm);
  char out[80];
  std::snprintf(out, sizeof out, "%s%s.%03d UTC %s %d %s", authoritative ? "" : "*", hms, int(ms), wd_mon,
                tm.tm_mday, year);
  return out;
}

std::string format_show_version(const VersionFacts& f) {
  std::string o;
  o += "keygate Software (keygated), Version " + f.version + ", RELEASE SOFTWARE\n";
  o += "Linux kernel " + f.kernel_release + " " + f.kernel_version + " (" + f.machine + "), host " + f.nodename +
       "\n\n";
  o += "ROM: Not applicable (runs as a Linux process)\n\n";
  o += f.hostname + " uptime is " + ios_uptime(f.uptime) + "\n";
  o += "System started at " + f.started + "\n";
  o += "System image file is \"" + f.image + "\"\n\n";
  o += "keygate (" + f.machine + ") processor with " + std::to_string(f.memory_kb) + "K bytes of memory.\n";
  o += plural(f.cpus, "CPU") + "\n";
  o += plural(f.interfaces, "configured interface") + "\n\n";
  o += "Configuration register is 0x2102\n";
  return o;
}

std::string format_show_logging(const log::BufferState& s) {
  std::string o =
      "Syslog logging: enabled (0 messages dropped, 0 messages rate-limited, 0 flushes, 0 overruns, xml disabled, "
      "filtering disabled)\n\n";
  o += "    Console logging: level " + config::level_name(s.console_level) + ", " +
       std::to_string(s.console_logged) + " messages logged, xml disabled,\n";
  o += "                     filtering disabled\n";
  if (s.bytes == 0) {
    o += "    Buffer logging:  disabled, xml disabled,\n";
    o += "                     filtering disabled\n";
    return o;
  }
  o += "    Buffer logging:  level " + config::level_name(s.level) + ", " + std::to_string(s.buffer_logged) +
       " messages logged, xml disabled,\n";
  o += "                    filtering disabled\n";
  o += "\nLog Buffer (" + std::to_string(s.bytes) + " bytes):\n\n";
  for (auto& l : s.lines) o += l + "\n";
  return o;
}

std::vector<RouteLine> classify_routes(const std::vector<io::KernelRoute>& routes,
                                       const std::function<std::string(int, const Prefix&)>& name) {
  std::vector<RouteLine> out;
  for (auto& r : routes) {
    const IpAddress& a = r.dst.addr;
    if (a.is_v4() && a.b[0] == 127) continue;
    if (!a.is_v4() && (a.b[0] == 0xff || (a.b[0] == 0xfe && (a.b[1] & 0xc0) == 0x80) ||
                       (r.dst.len == 128 && a == *IpAddress::parse("::1"))))
      continue;
    if (r.table == RT_TABLE_LOCAL) {
      if (r.type != RTN_LOCAL) continue;
      int idx = r.nexthops.empty() ? 0 : r.nexthops[0].index;
      // On lo the kernel makes the whole subnet local: IOS shows a
      // loopback's subnet as connected, its address as local.
      bool host = r.dst.len == r.dst.addr.size() * 8;
      out.push_back({host ? "L" : "C", r.dst, std::nullopt, name(idx, r.dst), 0, 0, host});
      continue;
    }
    if (r.table != RT_TABLE_MAIN) continue;
    if (r.type == RTN_BLACKHOLE || r.type == RTN_UNREACHABLE || r.type == RTN_PROHIBIT) {
      out.push_back({r.dst.len == 0 ? "S*" : "S", r.dst, std::nullopt, "Null0", 1, 0, false});
      continue;
    }
    if (r.type != RTN_UNICAST) continue;
    for (auto& nh : r.nexthops) {
      RouteLine l{"S", r.dst, nh.gateway, nh.index ? name(nh.index, r.dst) : "", 1, 0, false};
      if (r.protocol == RTPROT_KERNEL && !nh.gateway) l.code = "C", l.distance = 0;
      if (r.dst.len == 0) l.code += "*";
      out.push_back(std::move(l));
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const RouteLine& x, const RouteLine& y) {
    return std::tie(x.dst.addr, x.dst.len) < std::tie(y.dst.addr, y.dst.len);
  });
  return out;
}

namespace {

const char* kIpv4Codes =
    "Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP\n"
    "       D - EIGRP, EX - EIGRP external, O - OSPF, IA - OSPF inter area \n"
    "       N1 - OSPF NSSA external type 1, N2 - OSPF NSSA external type 2\n"
    "       E1 - OSPF external type 1, E2 - OSPF external type 2\n"
    "       i - IS-IS, su - IS-IS summary, L1 - IS-IS level-1, L2 - IS-IS level-2\n"
    "       ia - IS-IS inter area, * - candidate default, U - per-user static route\n"
    "       o - ODR, P - periodic downloaded static route, H - NHRP, l - LISP\n"
    "       a - application route\n"
    "       + - replicated route, % - next hop override, p - overrides from PfR\n";

// Length of the classful network an IPv4 address belongs to; 0 for class D/E.
int classful_len(const IpAddress& a) {
  if (a.b[0] < 128) return 8;
  if (a.b[0] < 192) return 16;
  if (a.b[0] < 224) return 24;
  return 0;
}

// The route's text after its code column.
std::string ipv4_body(const RouteLine& l) {
  if (l.via) return l.dst.str() + " [" + std::to_string(l.distance) + "/" + std::to_string(l.metric) + "] via " +
                    l.via->str();
  return l.dst.str() + " is directly connected, " + l.interface;
}

// Lines of one destination (several next hops: IOS repeats only "[d/m] via").
void print_ipv4(std::string& o, const std::vector<const RouteLine*>& v, size_t code_width) {
  for (size_t i = 0; i < v.size(); ++i) {
    const RouteLine& l = *v[i];
    bool same = i > 0 && v[i - 1]->dst == l.dst && v[i - 1]->code == l.code && l.via;
    if (same)
      o += std::string(code_width + l.dst.str().size() + 1, ' ') + "[" + std::to_string(l.distance) + "/" +
           std::to_string(l.metric) + "] via " + l.via->str() + "\n";
    else
      o += pad(l.code, code_width - 1) + ipv4_body(l) + "\n";
  }
}

}  // namespace

std::string format_ip_route(const std::vector<RouteLine>& lines) {
  std::string o = kIpv4Codes;
  o += "\n";
  std::string gw = "Gateway of last resort is not set";
  for (auto& l : lines)
    if (l.dst.len == 0 && l.dst.addr.is_v4()) {
      gw = "Gateway of last resort is " + (l.via ? l.via->str() : std::string("0.0.0.0")) + " to network 0.0.0.0";
      break;
    }
  o += gw + "\n\n";
  // IOS groups subnets under their classful network ("10.0.0.0/8 is
  // variably subnetted, ..."); supernets and lone classful networks stand alone.
  std::map<std::pair<IpAddress, int>, std::vector<const RouteLine*>> items;  // sorted by address
  for (auto& l : lines) {
    if (!l.dst.addr.is_v4()) continue;
    int cl = classful_len(l.dst.addr);
    if (cl == 0 || l.dst.len < cl) {
      items[{l.dst.addr, l.dst.len}].push_back(&l);
      continue;
    }
    Prefix major{l.dst.addr, uint8_t(cl)};
    items[{major.first(), cl}].push_back(&l);
  }
  for (auto& [key, v] : items) {
    int cl = classful_len(key.first);
    std::set<Prefix> subnets;
    std::set<int> masks;
    for (auto* l : v) subnets.insert(l->dst), masks.insert(l->dst.len);
    bool group = cl != 0 && key.second == cl && !(subnets.size() == 1 && v[0]->dst.len == cl);
    if (!group) {
      print_ipv4(o, v, 6);
      continue;
    }
    if (masks.size() == 1)
      o += "      " + key.first.str() + "/" + std::to_string(*masks.begin()) + " is subnetted, " +
           std::to_string(subnets.size()) + " subnets\n";
    else
      o += "      " + key.first.str() + "/" + std::to_string(cl) + " is variably subnetted, " +
           std::to_string(subnets.size()) + " subnets, " + std::to_string(masks.size()) + " masks\n";
    print_ipv4(o, v, 9);
  }
  return o;
}

std::string format_ipv6_route(const std::vector<RouteLine>& lines) {
  std::vector<const RouteLine*> v6;
  std::set<Prefix> entries;
  for (auto& l : lines)
    if (!l.dst.addr.is_v4()) v6.push_back(&l), entries.insert(l.dst);
  std::string o = "IPv6 Routing Table - default - " + std::to_string(entries.size()) + " entries\n";
  o += "Codes: C - Connected, L - Local, S - Static, U - Per-user Static route\n"
       "       B - BGP, R - RIP, H - NHRP, I1 - ISIS L1\n"
       "       I2 - ISIS L2, IA - ISIS interarea, IS - ISIS summary, D - EIGRP\n"
       "       EX - EIGRP external, ND - ND Default, NDp - ND Prefix, DCE - Destination\n"
       "       NDr - Redirect, O - OSPF Intra, OI - OSPF Inter, OE1 - OSPF ext 1\n"
       "       OE2 - OSPF ext 2, ON1 - OSPF NSSA ext 1, ON2 - OSPF NSSA ext 2\n";
  for (size_t i = 0; i < v6.size(); ++i) {
    const RouteLine& l = *v6[i];
    bool same = i > 0 && v6[i - 1]->dst == l.dst && v6[i - 1]->code == l.code;
    if (!same)
      o += pad(l.code.substr(0, l.code.find('*')), 3) + upper(l.dst.addr.str()) + "/" + std::to_string(l.dst.len) +
           " [" + std::to_string(l.distance) + "/" + std::to_string(l.metric) + "]\n";
    if (l.via)
      o += "     via " + upper(l.via->str()) + (l.interface.empty() ? "" : ", " + l.interface) + "\n";
    else
      o += "     via " + l.interface + (l.receive ? ", receive" : ", directly connected") + "\n";
  }
  return o;
}

std::string format_ip_interface_brief(const std::vector<BriefRow>& rows) {
  std::string o = "Interface                  IP-Address      OK? Method Status                Protocol\n";
  for (auto& r : rows) {
    std::string line = pad(r.interface, 26) + pad(r.address, 15) + "YES " + pad(r.method, 6) + pad(r.status, 21) +
                       r.protocol;
    o += line + "\n";
  }
  return o;
}

std::string ping_header(const io::PingRequest& r, const std::string& source_text) {
  std::string to = r.dst.is_v4() ? r.dst.str() : upper(r.dst.str());
  std::string o = "Type escape sequence to abort.\n";
  o += "Sending " + std::to_string(r.repeat) + ", " + std::to_string(r.size) + "-byte ICMP Echos to " + to +
       ", timeout is " + std::to_string(r.timeout.count() / 1000) + " seconds:\n";
  if (!source_text.empty()) o += "Packet sent with a source address of " + upper(source_text) + "\n";
  return o;
}

std::string ping_result(const std::vector<io::PingEcho>& echoes) {
  std::string o;
  size_t ok = 0;
  uint64_t min = UINT64_MAX, max = 0, sum = 0;
  for (size_t i = 0; i < echoes.size(); ++i) {
    o += echoes[i].mark;
    if ((i + 1) % 70 == 0 && i + 1 < echoes.size()) o += "\n";
    if (echoes[i].mark != '!') continue;
    ++ok;
    uint64_t ms = (uint64_t(echoes[i].rtt_us) + 999) / 1000;  // IOS's millisecond timer: a reply takes >= 1
    min = std::min(min, ms), max = std::max(max, ms), sum += ms;
  }
  o += "\nSuccess rate is " + std::to_string(echoes.empty() ? 0 : ok * 100 / echoes.size()) + " percent (" +
       std::to_string(ok) + "/" + std::to_string(echoes.size()) + ")";
  if (ok)
    o += ", round-trip min/avg/max = " + std::to_string(min) + "/" + std::to_string((sum + ok / 2) / ok) + "/" +
         std::to_string(max) + " ms";
  return o + "\n";
}

}  // namespace kg::daemon
