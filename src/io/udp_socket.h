// A bound UDP socket with batched receive/send (recvmmsg/sendmmsg). Each
// received datagram reports the local address it arrived on (IP_PKTINFO), so
// the daemon can bind to the wildcard address and still answer from the right one.
#pragma once
#include <span>

#include "common/bytes.h"
#include "common/ip.h"
#include "common/result.h"

namespace kg::io {

struct RecvSlot {
  std::span<uint8_t> buf;  // caller-owned
  size_t len = 0;          // out
  Endpoint remote;         // out
  Endpoint local;          // out
};

struct SendSlot {
  ByteView data;
  Endpoint remote;
  // Source address to send from (IP_PKTINFO / IPV6_PKTINFO), for a socket
  // bound to the wildcard address; unspecified = let the kernel choose.
  IpAddress local{};
};

class UdpSocket {
 public:
  static Result<UdpSocket> bind(const Endpoint& local);
  UdpSocket(UdpSocket&& o) noexcept : fd_(o.fd_), local_(o.local_) { o.fd_ = -1; }
  UdpSocket& operator=(UdpSocket&& o) noexcept;
  ~UdpSocket();
  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] const Endpoint& local() const { return local_; }
  // Receives up to slots.size() datagrams without blocking; 0 when none.
  size_t recv_batch(std::span<RecvSlot> slots);
  // Sends as many as the kernel takes; returns the count sent.
  size_t send_batch(std::span<const SendSlot> slots);
  Result<void> send(ByteView data, const Endpoint& remote);

 private:
  UdpSocket(int fd, Endpoint l) : fd_(fd), local_(l) {}
  int fd_ = -1;
  Endpoint local_;
};

}  // namespace kg::io
