#include "daemon/radius_service.h"

#include <sys/epoll.h>

#include "common/log.h"

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
  client_.configure(std::move(servers), st);
}

uint64_t RadiusService::submit(const std::string& group, aaa::radius::Port port, kg::radius::Packet request,
                               aaa::radius::Client::Done done) {
  auto it = groups_.find(group);
  std::vector<std::string> names = it == groups_.end() ? std::vector<std::string>{} : it->second;
  auto inside = std::make_shared<bool>(true);
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
  if (auto r = sock_.send(datagram, to); !r) log::warn("RADIUS: send to " + to.str() + ": " + r.error().message);
}

void RadiusService::on_readable() {
  uint8_t buf[kg::radius::kMaxPacket];
  for (;;) {
    io::RecvSlot slot{std::span<uint8_t>(buf, sizeof buf)};
    if (sock_.recv_batch(std::span<io::RecvSlot>(&slot, 1)) == 0) break;
    client_.on_datagram(slot.remote, ByteView(buf, slot.len));
  }
  if (activity_) activity_();
}

}  // namespace kg::daemon
