#include "esp/esp_socket.h"

#include <sys/epoll.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "common/log.h"
#include "esp/dual_stack.h"
#include "io/xdp_esp_socket.h"

namespace kg::esp {
namespace {

class XdpWithRawSocket final : public DatagramSocket {
 public:
  XdpWithRawSocket(std::unique_ptr<io::XdpEspSocket> xdp, std::unique_ptr<DatagramSocket> raw)
      : xdp_(std::move(xdp)), raw_(std::move(raw)) {
    epfd_ = epoll_create1(EPOLL_CLOEXEC);
    std::vector<int> fds = xdp_->fds();
    if (raw_ && raw_->fd() >= 0) fds.push_back(raw_->fd());
    for (int fd : fds) {
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.fd = fd;
      if (epfd_ >= 0) epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev);
    }
  }
  ~XdpWithRawSocket() override {
    if (epfd_ >= 0) ::close(epfd_);
  }

  size_t recv_batch(std::span<io::RecvSlot> slots) override {
    size_t n = xdp_->recv_batch(slots);
    if (raw_ && n < slots.size()) n += raw_->recv_batch(slots.subspan(n));
    return n;
  }

  // What AF_XDP does not take goes through the raw sockets, in one batch.
  size_t send_batch(std::span<const io::SendSlot> slots) override {
    size_t sent = 0;
    for (size_t at = 0; at < slots.size(); at += kTxBatch) {
      auto part = slots.subspan(at, std::min(kTxBatch, slots.size() - at));
      sent += xdp_->send_batch(part, taken_);
      size_t m = 0;
      for (size_t i = 0; i < part.size(); ++i)
        if (!taken_[i]) rest_[m++] = part[i];
      if (m && raw_) sent += raw_->send_batch(std::span<const io::SendSlot>(rest_.data(), m));
    }
    return sent;
  }

  [[nodiscard]] int fd() const override { return epfd_; }
  void plain_sa_installed() override { xdp_->attach(); }
  [[nodiscard]] std::string describe() const override {
    const io::XdpEspCounters& c = xdp_->counters();
    return xdp_->describe() + ", raw socket for the rest; packets in " + std::to_string(c.rx) + ", out " +
           std::to_string(c.tx) + ", out through the raw socket " + std::to_string(c.tx_other);
  }

 private:
  std::unique_ptr<io::XdpEspSocket> xdp_;
  std::unique_ptr<DatagramSocket> raw_;
  int epfd_ = -1;
  std::array<bool, kTxBatch> taken_{};
  std::array<io::SendSlot, kTxBatch> rest_{};
};

// The raw sockets alone, saying why.
class RawOnly final : public DatagramSocket {
 public:
  RawOnly(std::unique_ptr<DatagramSocket> raw, std::string why) : raw_(std::move(raw)), why_(std::move(why)) {}
  size_t recv_batch(std::span<io::RecvSlot> slots) override { return raw_->recv_batch(slots); }
  size_t send_batch(std::span<const io::SendSlot> slots) override { return raw_->send_batch(slots); }
  [[nodiscard]] int fd() const override { return raw_->fd(); }
  [[nodiscard]] std::string describe() const override { return "raw socket (" + why_ + ")"; }

 private:
  std::unique_ptr<DatagramSocket> raw_;
  std::string why_;
};

}  // namespace

bool esp_socket_forced_raw() {
  const char* v = std::getenv("KEYGATE_ESP_SOCKET");
  return !v || std::strcmp(v, "xdp") != 0;
}

Result<std::unique_ptr<DatagramSocket>> open_esp_socket() {
  auto raw = open_raw_esp_dual_stack();
  if (!raw) return std::unexpected(raw.error());
  if (esp_socket_forced_raw())
    return std::unique_ptr<DatagramSocket>(std::make_unique<RawOnly>(std::move(*raw), "the default; KEYGATE_ESP_SOCKET=xdp for AF_XDP"));
  auto xdp = io::XdpEspSocket::open();
  if (!xdp) {
    log::info("keygated: plain ESP through the raw socket: no AF_XDP (" + xdp.error().message + ")");
    return std::unique_ptr<DatagramSocket>(
        std::make_unique<RawOnly>(std::move(*raw), "no AF_XDP: " + xdp.error().message));
  }
  auto s = std::make_unique<XdpWithRawSocket>(std::move(*xdp), std::move(*raw));
  log::info("keygated: plain ESP through " + s->describe());
  return std::unique_ptr<DatagramSocket>(std::move(s));
}

}  // namespace kg::esp
