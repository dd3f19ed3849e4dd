#include "daemon/show_system.h"

#include <sys/epoll.h>
#include <sys/sysinfo.h>
#include <sys/timerfd.h>
#include <sys/timex.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include <nlohmann/json.hpp>

#include "common/log.h"
#include "config/interface_names.h"
#include "daemon/config_policy.h"
#include "daemon/daemon.h"
#include "daemon/system_format.h"
#include "io/icmp_ping.h"

#include "kg_version.h"  // KG_VERSION, made at build time (version.cmake)

namespace kg::daemon {
namespace {

using config::ParsedArgs;
using std::chrono::system_clock;


// adjtimex: is the kernel clock synchronised (NTP)? IOS marks an
// unsynchronised clock with '*'.
bool clock_synchronised() {
  timex tx{};
  return ::adjtimex(&tx) != TIME_ERROR;
}

std::string show_version(Daemon& d, system_clock::time_point started, std::chrono::steady_clock::time_point t0,
                         bool json) {
  VersionFacts f;
  f.version = KG_VERSION;
  f.hostname = d.model().hostname;
  f.uptime = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - t0);
  f.started = ios_clock(started, true);  // no '*' inside a sentence
  utsname u{};
  if (::uname(&u) == 0) f.kernel_release = u.release, f.kernel_version = u.version, f.machine = u.machine, f.nodename = u.nodename;
  std::error_code ec;
  f.image = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  struct sysinfo si{};
  if (::sysinfo(&si) == 0) f.memory_kb = uint64_t(si.totalram) * si.mem_unit / 1024;
  f.cpus = int(::sysconf(_SC_NPROCESSORS_ONLN));
  f.interfaces = int(d.model().interfaces.size());
  if (json)
    return nlohmann::json{{"version", f.version}, {"hostname", f.hostname}, {"uptime_s", f.uptime.count()},
                          {"started", f.started}, {"kernel_release", f.kernel_release},
                          {"kernel_version", f.kernel_version}, {"machine", f.machine}, {"image", f.image},
                          {"memory_kb", f.memory_kb}, {"cpus", f.cpus}, {"interfaces", f.interfaces},
                          {"config_register", "0x2102"}}
               .dump() + "\n";
  return format_show_version(f);
}

nlohmann::json routes_json(const std::vector<RouteLine>& lines) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& l : lines) {
    nlohmann::json r{{"code", l.code}, {"prefix", l.dst.str()}, {"distance", l.distance}, {"metric", l.metric}};
    if (l.via) r["via"] = l.via->str();
    if (!l.interface.empty()) r["interface"] = l.interface;
    if (l.receive) r["receive"] = true;
    a.push_back(std::move(r));
  }
  return nlohmann::json{{"routes", std::move(a)}};
}

// The IOS name of the link a route uses: TunnelN as configured, lo as the
// LoopbackN whose subnet holds the route, a template's device as the
// Virtual-Access whose session the route is for.
struct LinkNames {
  std::map<int, std::string> by_index;
  const Daemon& d;
  std::map<Prefix, std::string> va_routes;
  std::map<std::string, std::string> template_of_device;

  explicit LinkNames(Daemon& dm, const std::vector<io::KernelLink>& links) : d(dm) {
    for (auto& l : links) by_index[l.index] = l.name;
    for (auto& [n, va] : d.remote_access().virtual_access().all())
      for (auto& p : va.routes) va_routes[p] = va.name;
    for (auto& [n, itf] : d.model().interfaces)
      if (config::is_virtual_template(n)) template_of_device[config::template_device(n)] = n;
  }
  std::string operator()(int index, const Prefix& dst) const {
    auto it = by_index.find(index);
    if (it == by_index.end()) return "if" + std::to_string(index);
    const std::string& dev = it->second;
    if (dev == "lo") {
      for (auto& [n, itf] : d.model().interfaces) {
        if (!config::is_loopback(n)) continue;
        if (auto& p = itf.ip_address.address; p && p->contains(dst.addr)) return n;
        for (auto& a : itf.ipv6_addresses)
          if (a.contains(dst.addr)) return n;
      }
      return dev;
    }
    for (auto& [ios, mapped] : d.model().interface_map)  // platform interface-map: the IOS name
      if (mapped == dev) return ios;
    if (auto t = template_of_device.find(dev); t != template_of_device.end()) {
      auto va = va_routes.find(dst);
      return va != va_routes.end() ? va->second : t->second;
    }
    return dev;
  }
};

Result<std::string> show_route(Daemon& d, bool v6, bool json) {
  auto links = d.netlink().links();
  if (!links) return std::unexpected(links.error());
  auto routes = d.netlink().routes(v6 ? IpAddress::Family::kV6 : IpAddress::Family::kV4);
  if (!routes) return std::unexpected(routes.error());
  LinkNames names(d, *links);
  auto lines = classify_routes(*routes, [&](int i, const Prefix& p) { return names(i, p); });
  if (json) return routes_json(lines).dump() + "\n";
  return v6 ? format_ipv6_route(lines) : format_ip_route(lines);
}

Result<std::string> show_ip_interface_brief(Daemon& d, bool json) {
  auto links = d.netlink().links();
  if (!links) return std::unexpected(links.error());
  auto addrs = d.netlink().addresses();
  if (!addrs) return std::unexpected(addrs.error());
  auto link = [&](const std::string& dev) -> const io::KernelLink* {
    for (auto& l : *links)
      if (l.name == dev) return &l;
    return nullptr;
  };
  auto first_v4 = [&](int index) -> std::optional<IpAddress> {
    for (auto& a : *addrs)
      if (a.index == index && a.prefix.addr.is_v4()) return a.prefix.addr;
    return std::nullopt;
  };
  std::vector<BriefRow> rows;
  std::set<std::string> shown;  // devices that have a configured row
  bool loopback = false;
  for (auto& [name, itf] : d.model().interfaces) {
    std::string dev = config::linux_device(d.model().interface_map, name);
    shown.insert(dev);
    loopback = loopback || dev == "lo";
    const io::KernelLink* l = link(dev);
    BriefRow r{name, "unassigned", "unset", "down", "down"};
    if (auto& p = itf.ip_address.address) {
      r.address = p->addr.str(), r.method = "NVRAM";
    } else if (itf.ip_address.negotiated) {
      r.method = "IPCP";
      if (l)
        if (auto a = first_v4(l->index)) r.address = a->str();
    }
    // A device the kernel does not have is down, whatever the configuration.
    if (l) {
      if (itf.shutdown || !l->admin_up) {
        r.status = "administratively down";
      } else {
        r.status = "up";
        bool proto = config::is_tunnel(name)             ? d.tunnel_up(name)
                     : config::is_virtual_template(name) ? false  // IOS: a template's protocol is down
                                                         : l->running;
        r.protocol = proto ? "up" : "down";
      }
    }
    rows.push_back(r);
  }
  for (auto& [n, va] : d.remote_access().virtual_access().all())
    rows.push_back({va.name, "unassigned", "unset", "up", "up"});
  // The kernel's other links, by their Linux names.
  for (auto& l : *links) {
    if (shown.count(l.name) || (loopback && l.name == "lo")) continue;
    BriefRow r{l.name, "unassigned", "unset", "administratively down", "down"};
    if (auto a = first_v4(l.index)) r.address = a->str(), r.method = "other";
    if (l.admin_up) r.status = "up", r.protocol = l.running ? "up" : "down";
    rows.push_back(r);
  }
  if (json) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& r : rows)
      a.push_back({{"interface", r.interface}, {"ip_address", r.address}, {"ok", "YES"}, {"method", r.method},
                   {"status", r.status}, {"protocol", r.protocol}});
    return nlohmann::json{{"interfaces", std::move(a)}}.dump() + "\n";
  }
  return format_ip_interface_brief(rows);
}

// One ping on the event loop: the ICMP socket and a timer for the echo in
// flight; replies when every echo has its mark. Owned by its own callbacks
// in the loop until it finishes.
struct PingRun : std::enable_shared_from_this<PingRun> {
  io::EventLoop& loop;
  std::unique_ptr<io::PingSession> s;
  std::string header;  // "Type escape sequence to abort." ...
  config::Reply reply;
  int tfd = -1;
  PingRun(io::EventLoop& l, std::unique_ptr<io::PingSession> ps, std::string h)
      : loop(l), s(std::move(ps)), header(std::move(h)) {}
  ~PingRun() {
    if (tfd >= 0) ::close(tfd);
  }
  // Arms the timer at `when` (now: fires at once).
  void arm(std::optional<io::PingSession::Clock::time_point> when) {
    itimerspec its{};
    auto ns = when ? std::chrono::duration_cast<std::chrono::nanoseconds>(*when - io::PingSession::Clock::now()).count()
                   : 0;
    if (ns < 1) ns = 1;
    its.it_value.tv_sec = ns / 1'000'000'000;
    its.it_value.tv_nsec = ns % 1'000'000'000;
    ::timerfd_settime(tfd, 0, &its, nullptr);
  }
  Result<void> start() {
    tfd = ::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (tfd < 0) return fail(Errc::kIo, "timerfd");
    auto self = shared_from_this();
    if (auto r = loop.add_fd(s->fd(), EPOLLIN, [self](uint32_t) {
          if (self->s->on_readable()) self->arm(self->s->send_next());
        }); !r)
      return r;
    if (auto r = loop.add_fd(tfd, EPOLLIN, [self](uint32_t) { self->on_timer(); }); !r) {
      loop.remove_fd(s->fd());
      return r;
    }
    arm(s->send_next());  // nothing sent: the timer finishes at once
    return {};
  }
  void on_timer() {
    uint64_t n;
    // Re-armed after this expiry was queued (a reply came first): stale.
    if (::read(tfd, &n, sizeof n) != sizeof n) return;
    if (!s->done()) {
      s->on_timeout();
      if (!s->done()) {
        arm(s->send_next());
        return;
      }
    }
    loop.remove_fd(s->fd());
    loop.remove_fd(tfd);  // drops the last references but the caller's copy
    reply({true, header + ping_result(s->echoes()), {}});
  }
};

// Grammar variants of `ping ADDR` with any of its options, each at most
// once, in any order (IOS accepts them so).
struct PingOption {
  std::string keyword, arg, help, arg_help;
};
const std::vector<PingOption> kPingOptions = {
    {"repeat", "<1-2147483647>", "specify repeat count", "Repeat count"},
    {"size", "<36-18024>", "specify datagram size", "Datagram size"},
    {"source", "WORD", "specify source address or name", "Source address or interface"},
    {"timeout", "<0-3600>", "specify timeout interval", "Timeout in seconds"},
};
void add_ping_variants(std::vector<std::pair<std::string, std::vector<std::string>>>& out, std::string grammar,
                       std::vector<std::string> help, std::vector<bool> used) {
  out.emplace_back(grammar, help);
  for (size_t i = 0; i < kPingOptions.size(); ++i) {
    if (used[i]) continue;
    auto u = used;
    u[i] = true;
    auto h = help;
    h.push_back(kPingOptions[i].help);
    h.push_back(kPingOptions[i].arg_help);
    add_ping_variants(out, grammar + " " + kPingOptions[i].keyword + " " + kPingOptions[i].arg, h, u);
  }
}

constexpr int kMaxPingRepeat = 100000;  // no escape sequence over the control socket

Result<config::Deferred> ping_command(Daemon& d, const ParsedArgs& a) {
  io::PingRequest req;
  auto dst = IpAddress::parse(a.at(1));
  if (!dst) return fail(Errc::kInvalidArgument, "Unrecognized host or address, or protocol not running.");
  req.dst = *dst;
  std::string source_text;
  for (size_t i = 2; i + 1 < a.size(); i += 2) {
    const std::string &k = a.at(i), &v = a.at(i + 1);
    if (k == "repeat") req.repeat = std::stoi(v);
    else if (k == "size") req.size = std::stoi(v);
    else if (k == "timeout") req.timeout = std::chrono::seconds(std::stoi(v));
    else if (k == "source") {
      if (auto ip = IpAddress::parse(v)) {
        if (ip->family != dst->family) return fail(Errc::kInvalidArgument, "Invalid source address- " + v);
        req.source = ip;
      } else {
        std::string name = config::canonical_interface_name(v);
        auto fam = dst->family;
        auto src = d.netlink().first_address(config::linux_device(d.model().interface_map, name), fam);
        // lo holds every LoopbackN's addresses (and ::1): take the one configured.
        if (auto it = d.model().interfaces.find(name); it != d.model().interfaces.end()) {
          if (fam == IpAddress::Family::kV4) {
            if (auto& p = it->second.ip_address.address) src = p->addr;
          } else if (!it->second.ipv6_addresses.empty()) {
            src = it->second.ipv6_addresses.front().addr;
          }
        }
        if (!src) return fail(Errc::kInvalidArgument, "Invalid source interface - IP not enabled or interface is down");
        req.source = *src;
      }
      source_text = req.source->str();
    }
  }
  if (req.repeat > kMaxPingRepeat)
    return fail(Errc::kInvalidArgument, "keygate: repeat count up to " + std::to_string(kMaxPingRepeat) +
                                            " (no escape sequence over the control socket)");
  auto s = io::PingSession::open(req);
  if (!s) return fail(Errc::kInvalidArgument, s.error().message);
  auto run = std::make_shared<PingRun>(d.loop(), std::move(*s), ping_header(req, source_text));
  return config::Deferred([run](config::Reply reply) {
    run->reply = std::move(reply);
    if (auto r = run->start(); !r) run->reply({false, "% " + r.error().message + "\n", {}});
  });
}

}  // namespace

void apply_logging(const config::Model& m) {
  if (!m.logging_buffered) {
    log::set_buffer(0, config::LoggingBuffered::kDefaultLevel);
    return;
  }
  auto& lb = *m.logging_buffered;
  log::set_buffer(size_t(lb.size.value_or(config::LoggingBuffered::kDefaultSize)),
                  lb.level.value_or(config::LoggingBuffered::kDefaultLevel));
}

void register_system_commands(config::Config& cfg, Daemon& d) {
  const std::string sh = "Show running system information";
  auto started = system_clock::now();
  auto t0 = std::chrono::steady_clock::now();
  cfg.register_exec("show version", {sh, "System hardware and software status"},
                    [&d, started, t0](const ParsedArgs& a) -> Result<std::string> {
                      return show_version(d, started, t0, a.json);
                    }, true);
  cfg.register_exec("show clock", {sh, "Display the system clock"}, [](const ParsedArgs& a) -> Result<std::string> {
    auto now = system_clock::now();
    std::string text = ios_clock(now, clock_synchronised());
    if (a.json)
      return nlohmann::json{{"clock", text}, {"synchronised", clock_synchronised()},
                            {"unix_ms", std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count()}}
                 .dump() + "\n";
    return text + "\n";
  }, true);
  cfg.register_exec("show logging", {sh, "Show the contents of logging buffers"},
                    [](const ParsedArgs& a) -> Result<std::string> {
                      auto st = log::buffer_state();
                      if (a.json)
                        return nlohmann::json{{"buffer_bytes", st.bytes}, {"buffer_level", st.level},
                                              {"buffer_logged", st.buffer_logged}, {"lines", st.lines}}
                                   .dump() + "\n";
                      return format_show_logging(st);
                    }, true);
  cfg.register_exec("clear logging", {"Reset functions", "Clear logging buffer"},
                    [](const ParsedArgs&) -> Result<std::string> {
                      // IOS asks "Clear logging buffer [confirm]"; a control
                      // socket command cannot be confirmed: it clears and says so.
                      log::clear_buffer();
                      return std::string("Clear logging buffer: cleared\n");
                    });
  cfg.register_exec("show ip route", {sh, "IP information", "IP routing table"},
                    [&d](const ParsedArgs& a) { return show_route(d, false, a.json); }, true);
  cfg.register_exec("show ipv6 route", {sh, "IPv6 information", "Show IPv6 route table entries"},
                    [&d](const ParsedArgs& a) { return show_route(d, true, a.json); }, true);
  cfg.register_exec("show ip interface brief", {sh, "IP information", "IP interface status and configuration",
                                                "Brief summary of IP status and configuration"},
                    [&d](const ParsedArgs& a) { return show_ip_interface_brief(d, a.json); }, true);
  std::vector<std::pair<std::string, std::vector<std::string>>> pings;
  add_ping_variants(pings, "ping WORD", {"Send echo messages", "Ping destination address or hostname"},
                    std::vector<bool>(kPingOptions.size(), false));
  for (auto& [g, h] : pings)
    cfg.register_exec_deferred(g, h, [&d](const ParsedArgs& a) { return ping_command(d, a); });
}

}  // namespace kg::daemon
