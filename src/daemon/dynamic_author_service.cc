#include "daemon/dynamic_author_service.h"

#include <sys/epoll.h>

#include "common/log.h"
#include "daemon/radius_debug.h"

namespace kg::daemon {

void DynamicAuthorService::configure(const config::Model& m) {
  const auto& d = m.dynamic_author;
  server_.configure(d.clients);
  hostname_ = m.hostname;
  nas_addresses_.clear();
  for (const auto& [name, itf] : m.interfaces)
    if (auto& p = itf.ip_address.address) nas_addresses_.push_back(p->addr);
  if (!d.enabled) { close(); return; }
  if (sock_ && port_ == d.port) return;
  close();
  auto s = io::UdpSocket::bind(Endpoint{IpAddress::v4(0), uint16_t(d.port)});
  if (!s) {
    log::error("RADIUS: dynamic-author: cannot listen on UDP port " + std::to_string(d.port) + ": " + s.error().message);
    return;
  }
  sock_ = std::move(*s);
  port_ = d.port;
  if (auto r = loop_.add_fd(sock_->fd(), EPOLLIN, [this](uint32_t) { on_readable(); }); !r) {
    log::error("RADIUS: dynamic-author: " + r.error().message);
    sock_.reset();
    return;
  }
  log::info("RADIUS: dynamic-author listening on UDP port " + std::to_string(port_));
}

void DynamicAuthorService::close() {
  if (!sock_) return;
  loop_.remove_fd(sock_->fd());
  sock_.reset();
}

void DynamicAuthorService::on_readable() {
  uint8_t buf[kg::radius::kMaxPacket];
  for (int n = 0; sock_ && n < 64; ++n) {
    io::RecvSlot slot{std::span<uint8_t>(buf, sizeof buf)};
    if (sock_->recv_batch(std::span<io::RecvSlot>(&slot, 1)) == 0) break;
    ByteView d(buf, slot.len);
    debug_radius_packet("Received from", slot.remote, d);
    auto reply = server_.on_datagram(slot.remote.addr, d);
    log::info("RADIUS: dynamic-author: " + server_.last_outcome());
    if (!reply) continue;
    debug_radius_packet("Send to", slot.remote, *reply);
    if (auto r = sock_->send(*reply, slot.remote); !r) log::warn("RADIUS: dynamic-author: send: " + r.error().message);
  }
  if (activity_) activity_();
}

}  // namespace kg::daemon
