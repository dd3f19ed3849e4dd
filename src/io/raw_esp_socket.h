// ESP straight over IP (protocol 50, RFC 4303) through a raw socket: the
// kernel here has no ESP, so a raw socket sees every ESP packet addressed to
// this host (the kernel then sends no "protocol unreachable") and sends ours
// with the IP header it builds. Used when no NAT lies between the peers; with
// a NAT, ESP goes in UDP 4500 (RFC 3948) on the UdpSocket instead.
//
// Same batch interface as UdpSocket: a received slot holds the ESP packet
// (the IPv4 header is read into a side buffer, not into the slot), with the
// IP source and destination as its endpoints (port 0).
#pragma once
#include <span>

#include "common/ip.h"
#include "common/result.h"
#include "io/udp_socket.h"

namespace kg::io {

class RawEspSocket {
 public:
  // Needs CAP_NET_RAW. One per address family.
  static Result<RawEspSocket> open(IpAddress::Family family);
  RawEspSocket(RawEspSocket&& o) noexcept : fd_(o.fd_), family_(o.family_) { o.fd_ = -1; }
  RawEspSocket& operator=(RawEspSocket&& o) noexcept;
  ~RawEspSocket();
  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] IpAddress::Family family() const { return family_; }
  // Receives up to slots.size() ESP packets without blocking; 0 when none.
  size_t recv_batch(std::span<RecvSlot> slots);
  // Sends each slot's ESP packet to slot.remote.addr from slot.local (if set).
  size_t send_batch(std::span<const SendSlot> slots);

 private:
  RawEspSocket(int fd, IpAddress::Family f) : fd_(fd), family_(f) {}
  int fd_ = -1;
  IpAddress::Family family_ = IpAddress::Family::kV4;
};

}  // namespace kg::io
