#include "daemon/radius_service.h"

#include <sys/epoll.h>

#include "aaa/radius/debug_categories.h"
#include "common/log.h"
#include "config/interface_names.h"
#include "daemon/radius_debug.h"

namespace kg::daemon {

Result<std::shared_ptr<RadiusService>> RadiusService::create(io::EventLoop& loop, const Clock& clock, Random& rng) {
  auto sock = io::UdpSocket::bind(Endpoint{IpAddress::v4(0), 0});
  if (!sock) return std::unexpected(sock.error());
  std::shared_ptr<RadiusService> s(new RadiusService(loop, std::move(*sock), clock, rng));
  RadiusService* raw = s.get();
  auto added = loop.add_fd(raw->sock_.fd(), EPOLLIN, [raw](uint32_t) { raw->on_readable(); });
  if (!added) return std::unexpected(added.error());
  return s;
}

RadiusService::~RadiusService() { loop_.remove_fd(sock_.fd()); }

// Server names: `radius server NAME` blocks keep theirs; a group's
// server-private is known by its address (IOS shows it so), with the group
// added when two groups name the same address with their own keys.
void RadiusService::configure(const config::Model& m) {
  hostname_ = m.hostname;
  std::vector<aaa::radius::ServerConfig> servers;
  auto add = [&](const std::string& name, const config::RadiusServer& s) {
    if (!s.address) return false;
    servers.push_back({name, *s.address, uint16_t(s.auth_port), uint16_t(s.acct_port), s.key});
    return true;
  };
  for (const auto& [name, s] : m.radius_servers) add(name, s);
  groups_.clear();
  for (const auto& [gname, g] : m.radius_groups) {
    auto& names = groups_[gname];
    for (const auto& p : g.private_servers) {
      std::string name = p.address->str();
      bool taken = std::any_of(servers.begin(), servers.end(), [&](const auto& x) { return x.name == name; });
      if (taken) name += "/" + gname;
      if (add(name, p)) names.push_back(name);
    }
    for (const auto& n : g.server_names) names.push_back(n);  // radius server NAME (may come later)
  }
  aaa::radius::ClientSettings st;
  st.timeout = Millis(int64_t(m.radius.timeout) * 1000);
  st.retransmit = unsigned(m.radius.retransmit);
  st.deadtime = Millis(int64_t(m.radius.deadtime) * 60'000);
  widest_ = 0;
  for (const auto& [g, names] : groups_) widest_ = std::max(widest_, names.size());
  longest_ = aaa::radius::longest_request(st, widest_);
  client_.configure(std::move(servers), st);
  std::optional<IpAddress> src;
  if (const auto& name = m.accounting.source_interface; !name.empty()) {
    auto it = m.interfaces.find(config::canonical_interface_name(name));
    if (it != m.interfaces.end() && it->second.ip_address.address) src = it->second.ip_address.address->addr;
    else log::warn("RADIUS: ip radius source-interface " + name + " has no IPv4 address; the kernel picks the source");
  }
  if (src != source_) bind_source(src);
}

void RadiusService::bind_source(std::optional<IpAddress> source) {
  auto sock = io::UdpSocket::bind(Endpoint{source.value_or(IpAddress::v4(0)), 0});
  if (!sock) {
    log::error("RADIUS: cannot send from " + (source ? source->str() : std::string("any address")) + ": " +
               sock.error().message);
    return;
  }
  loop_.remove_fd(sock_.fd());
  sock_ = std::move(*sock);
  source_ = source;
  (void)loop_.add_fd(sock_.fd(), EPOLLIN, [this](uint32_t) { on_readable(); });
  log::info("RADIUS: packets leave from " + (source ? source->str() : std::string("the kernel's choice")));
}

uint64_t RadiusService::submit(const std::string& group, aaa::radius::Port port, kg::radius::Packet request,
                               aaa::radius::Client::Done done) {
  auto it = groups_.find(group);
  std::vector<std::string> names = it == groups_.end() ? std::vector<std::string>{} : it->second;
  auto inside = std::make_shared<bool>(true);
  // debug aaa authentication: one line per request and per outcome, with
  // the group and server, never the packet's contents.
  if (port == aaa::radius::Port::kAuth && log::debugging(aaa::kDebugAaaAuthentication)) {
    uint64_t n = ++debug_seq_;
    log::debug(aaa::kDebugAaaAuthentication,
               "AAA/AUTHEN(" + std::to_string(n) + "): Method=RADIUS group " + group + ", Access-Request");
    done = [n, inner = std::move(done)](Result<aaa::radius::Reply> r) {
      std::string what = !r ? "ERROR (" + r.error().message + ")"
                         : r->packet.code == uint8_t(kg::radius::Code::kAccessAccept)   ? "PASS"
                         : r->packet.code == uint8_t(kg::radius::Code::kAccessReject)   ? "FAIL"
                         : r->packet.code == uint8_t(kg::radius::Code::kAccessChallenge) ? "CHALLENGE"
                                                                                          : kg::radius::code_name(r->packet.code);
      log::debug(aaa::kDebugAaaAuthentication, "AAA/AUTHEN(" + std::to_string(n) + "): status = " + what +
                                                    (r ? " from server " + r->server : std::string()));
      inner(std::move(r));
    };
  }
  auto answer = std::make_shared<aaa::radius::Client::Done>(std::move(done));
  uint64_t h = client_.submit(names, port, std::move(request), [this, inside, answer](Result<aaa::radius::Reply> r) {
    if (!*inside) return (*answer)(std::move(r));
    auto boxed = std::make_shared<Result<aaa::radius::Reply>>(std::move(r));
    deferred_.push_back([answer, boxed] { (*answer)(std::move(*boxed)); });
  });
  *inside = false;
  return h;
}

void RadiusService::on_timer() {
  while (!deferred_.empty()) {
    auto f = std::move(deferred_.front());
    deferred_.pop_front();
    f();
  }
  client_.on_timer();
}

std::optional<TimePoint> RadiusService::next_deadline() const {
  if (!deferred_.empty()) return clock_.now();
  return client_.next_deadline();
}

void RadiusService::send(const Endpoint& to, ByteView datagram) {
  debug_radius_packet("Send to", to, datagram);
  if (auto r = sock_.send(datagram, to); !r) log::warn("RADIUS: send to " + to.str() + ": " + r.error().message);
}

void RadiusService::on_readable() {
  uint8_t buf[kg::radius::kMaxPacket];
  for (;;) {
    io::RecvSlot slot{std::span<uint8_t>(buf, sizeof buf)};
    if (sock_.recv_batch(std::span<io::RecvSlot>(&slot, 1)) == 0) break;
    debug_radius_packet("Received from", slot.remote, ByteView(buf, slot.len));
    client_.on_datagram(slot.remote, ByteView(buf, slot.len));
  }
  if (activity_) activity_();
}

}  // namespace kg::daemon
