#include "daemon/datapath.h"

#include <sys/epoll.h>

#include <cstring>

#include "common/log.h"

namespace kg::daemon {

Result<std::unique_ptr<Datapath>> Datapath::create(io::EventLoop& loop, IkeHandler on_ike) {
  std::unique_ptr<Datapath> d(new Datapath(loop));
  d->on_ike_ = std::move(on_ike);
  auto any = *IpAddress::parse("0.0.0.0");
  auto s500 = io::UdpSocket::bind({any, 500});
  if (!s500) return std::unexpected(s500.error());
  auto s4500 = io::UdpSocket::bind({any, 4500});
  if (!s4500) return std::unexpected(s4500.error());
  d->ike_ = std::make_unique<io::UdpSocket>(std::move(*s500));
  d->natt_ = std::make_unique<io::UdpSocket>(std::move(*s4500));
  d->bufs_.assign(kBatch, std::vector<uint8_t>(kBufSize));
  Datapath* self = d.get();
  auto r = loop.add_fd(d->ike_->fd(), EPOLLIN, [self](uint32_t) { self->on_udp(*self->ike_, false); });
  if (!r) return std::unexpected(r.error());
  r = loop.add_fd(d->natt_->fd(), EPOLLIN, [self](uint32_t) { self->on_udp(*self->natt_, true); });
  if (!r) return std::unexpected(r.error());
  return d;
}

Result<void> Datapath::add_tunnel(const std::string& name) {
  if (tunnels_.count(name)) return {};
  auto t = io::TunDevice::open(name);
  if (!t) return std::unexpected(t.error());
  Tunnel tun;
  tun.tun = std::make_unique<io::TunDevice>(std::move(*t));
  int fd = tun.tun->fd();
  tunnels_.emplace(name, std::move(tun));
  return loop_.add_fd(fd, EPOLLIN, [this, name](uint32_t) { on_tun(name); });
}

void Datapath::remove_tunnel(const std::string& name) {
  auto it = tunnels_.find(name);
  if (it == tunnels_.end()) return;
  for (auto& sa : it->second.sas) by_spi_.erase(sa->params.spi_in);
  loop_.remove_fd(it->second.tun->fd());
  tunnels_.erase(it);
}

Result<void> Datapath::install(ike::InstallChildSa p) {
  auto it = tunnels_.find(p.interface);
  if (it == tunnels_.end()) return fail(Errc::kNotFound, "no tunnel interface " + p.interface);
  auto st = std::make_unique<ChildSaState>();
  auto in = esp::InboundSa::create(p.spi_in, p.suite, p.encr_in, p.integ_in, p.replay_window);
  if (!in) return std::unexpected(in.error());
  auto out = esp::OutboundSa::create(p.spi_out, p.suite, p.encr_out, p.integ_out);
  if (!out) return std::unexpected(out.error());
  // Inbound packets must come from behind the peer (remote TS) and go to us (local TS).
  auto ranges = [](const std::vector<ike::TrafficSelector>& v) {
    std::vector<esp::AddrRange> r;
    for (auto& t : v) r.push_back({t.start, t.end});
    return r;
  };
  (*in)->set_selectors(ranges(p.remote_ts), ranges(p.local_ts));
  st->in = std::move(*in);
  st->out = std::move(*out);
  // The keys now live only inside the cipher contexts.
  p.encr_in = Secret();
  p.integ_in = Secret();
  p.encr_out = Secret();
  p.integ_out = Secret();
  st->params = std::move(p);
  st->installed = SteadyClock().now();
  by_spi_[st->params.spi_in] = {st->params.interface, st.get()};
  it->second.sas.push_back(std::move(st));
  return {};
}

void Datapath::remove(const std::string& tunnel, uint32_t spi_in, uint32_t spi_out) {
  auto it = tunnels_.find(tunnel);
  if (it == tunnels_.end()) return;
  by_spi_.erase(spi_in);
  auto& v = it->second.sas;
  std::erase_if(v, [&](const std::unique_ptr<ChildSaState>& s) {
    return s->params.spi_in == spi_in && s->params.spi_out == spi_out;
  });
}

void Datapath::send_ike(const Endpoint& local, const Endpoint& remote, ByteView msg) {
  bool natt = local.port == 4500 || remote.port == 4500;
  Result<void> r;
  if (natt) {
    // RFC 3948 §2.2: IKE on UDP 4500 carries a 4-byte zero non-ESP marker.
    std::vector<uint8_t> b(4 + msg.size(), 0);
    std::memcpy(b.data() + 4, msg.data(), msg.size());
    r = natt_->send(b, remote);
  } else {
    r = ike_->send(msg, remote);
  }
  if (!r) log::warn("IKE send to " + remote.str() + " failed: " + r.error().message);
}

void Datapath::on_udp(io::UdpSocket& s, bool natt) {
  std::array<io::RecvSlot, kBatch> slots;
  for (size_t i = 0; i < kBatch; ++i) slots[i].buf = std::span<uint8_t>(bufs_[i]).subspan(esp::kHeadroom);
  for (int rounds = 0; rounds < 8; ++rounds) {
    size_t n = s.recv_batch(slots);
    if (n == 0) return;
    for (size_t i = 0; i < n; ++i) {
      auto pkt = slots[i].buf.first(slots[i].len);
      if (!natt) {
        on_ike_(slots[i].local, slots[i].remote, pkt);
        continue;
      }
      if (pkt.size() == 1 && pkt[0] == 0xff) continue;  // NAT keepalive (RFC 3948 §2.3)
      if (pkt.size() < 8) {
        ++malformed_;
        continue;
      }
      if (pkt[0] == 0 && pkt[1] == 0 && pkt[2] == 0 && pkt[3] == 0) {
        on_ike_(slots[i].local, slots[i].remote, pkt.subspan(4));
        continue;
      }
      auto hit = by_spi_.find(esp::peek_spi(pkt));
      if (hit == by_spi_.end()) {
        ++unknown_spi_;
        continue;
      }
      auto inner = hit->second.second->in->open(pkt);
      if (!inner || inner->empty()) continue;  // counted by the SA
      auto& t = tunnels_.at(hit->second.first);
      if (t.tun->write(*inner)) {
        ++t.counters.in_packets;
        t.counters.in_bytes += inner->size();
      }
    }
    if (n < kBatch) return;
  }
}

void Datapath::on_tun(const std::string& name) {
  auto it = tunnels_.find(name);
  if (it == tunnels_.end()) return;
  Tunnel& t = it->second;
  std::array<std::span<uint8_t>, kBatch> views;
  std::array<size_t, kBatch> lens{};
  for (size_t i = 0; i < kBatch; ++i)
    views[i] = std::span<uint8_t>(bufs_[i]).subspan(esp::kHeadroom, 65535);
  for (int rounds = 0; rounds < 8; ++rounds) {
    size_t n = t.tun->read_batch(views, lens);
    if (n == 0) return;
    if (t.sas.empty()) {
      t.counters.no_sa_drops += n;
      if (no_sa_) no_sa_(name);
      return;
    }
    ChildSaState& sa = *t.sas.back();
    std::array<io::SendSlot, kBatch> out;
    size_t m = 0;
    for (size_t i = 0; i < n; ++i) {
      auto esp = sa.out->seal(bufs_[i], lens[i]);
      if (!esp) continue;
      out[m++] = {*esp, sa.params.remote};
      t.counters.out_bytes += lens[i];
    }
    size_t sent = natt_->send_batch(std::span(out).first(m));
    t.counters.out_packets += sent;
    t.counters.send_errors += m - sent;
    if (n < kBatch) return;
  }
}

}  // namespace kg::daemon
