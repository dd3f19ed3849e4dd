#include "esp/dual_stack.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "common/log.h"

namespace kg::esp {
namespace {

class DualStackSocket final : public DatagramSocket {
 public:
  DualStackSocket(std::unique_ptr<DatagramSocket> v4, std::unique_ptr<DatagramSocket> v6)
      : v4_(std::move(v4)), v6_(std::move(v6)) {
    bool pollable = (!v4_ || v4_->fd() >= 0) && (!v6_ || v6_->fd() >= 0);
    if (!pollable) return;  // test sockets driven by hand
    epfd_ = epoll_create1(EPOLL_CLOEXEC);
    for (auto* s : {v4_.get(), v6_.get()}) {
      if (!s || epfd_ < 0) continue;
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.fd = s->fd();
      epoll_ctl(epfd_, EPOLL_CTL_ADD, s->fd(), &ev);
    }
  }
  ~DualStackSocket() override {
    if (epfd_ >= 0) ::close(epfd_);
  }

  size_t recv_batch(std::span<io::RecvSlot> slots) override {
    DatagramSocket* first = v6_first_ ? v6_.get() : v4_.get();
    DatagramSocket* second = v6_first_ ? v4_.get() : v6_.get();
    v6_first_ = !v6_first_;
    size_t n = first ? first->recv_batch(slots) : 0;
    if (second && n < slots.size()) n += second->recv_batch(slots.subspan(n));
    return n;
  }

  // Runs of one family go to that family's socket in one batch each.
  size_t send_batch(std::span<const io::SendSlot> slots) override {
    size_t sent = 0;
    for (size_t i = 0; i < slots.size();) {
      bool v4 = slots[i].remote.addr.is_v4();
      size_t j = i + 1;
      while (j < slots.size() && slots[j].remote.addr.is_v4() == v4) ++j;
      DatagramSocket* s = v4 ? v4_.get() : v6_.get();
      if (s) sent += s->send_batch(slots.subspan(i, j - i));
      i = j;
    }
    return sent;
  }

  [[nodiscard]] int fd() const override { return epfd_; }

 private:
  std::unique_ptr<DatagramSocket> v4_, v6_;
  int epfd_ = -1;
  bool v6_first_ = false;
};

}  // namespace

std::unique_ptr<DatagramSocket> dual_stack(std::unique_ptr<DatagramSocket> v4, std::unique_ptr<DatagramSocket> v6) {
  return std::make_unique<DualStackSocket>(std::move(v4), std::move(v6));
}

Result<std::unique_ptr<Datapath>> open_dual_stack(Datapath::IkeHandler on_ike, uint16_t ike_port,
                                                  uint16_t natt_port, DatapathOptions opts) {
  auto open_pair = [&](const IpAddress& any) -> Result<std::pair<io::UdpSocket, io::UdpSocket>> {
    auto s500 = io::UdpSocket::bind({any, ike_port});
    if (!s500) return std::unexpected(s500.error());
    auto s4500 = io::UdpSocket::bind({any, natt_port});
    if (!s4500) return std::unexpected(s4500.error());
    opts.apply(*s500, *s4500);
    return std::pair{std::move(*s500), std::move(*s4500)};
  };
  auto v4 = open_pair(*IpAddress::parse("0.0.0.0"));
  if (!v4) return std::unexpected(v4.error());
  std::unique_ptr<DatagramSocket> ike6, natt6;
  if (auto v6 = open_pair(*IpAddress::parse("::"))) {
    ike6 = wrap(std::move(v6->first));
    natt6 = wrap(std::move(v6->second));
  } else {
    log::warn("keygated: no IPv6 transport (" + v6.error().message + ")");
  }
  return std::make_unique<Datapath>(dual_stack(wrap(std::move(v4->first)), std::move(ike6)),
                                    dual_stack(wrap(std::move(v4->second)), std::move(natt6)), std::move(on_ike),
                                    opts);
}

Result<std::unique_ptr<DatagramSocket>> open_raw_esp_dual_stack() {
  auto r4 = io::RawEspSocket::open(IpAddress::Family::kV4, DatapathOptions::from_env().raw_ip_header);
  auto r6 = io::RawEspSocket::open(IpAddress::Family::kV6);
  if (!r4 && !r6) return std::unexpected(r4.error());
  return dual_stack(r4 ? wrap(std::move(*r4)) : nullptr, r6 ? wrap(std::move(*r6)) : nullptr);
}

}  // namespace kg::esp
