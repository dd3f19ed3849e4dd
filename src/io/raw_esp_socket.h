// ESP straight over IP (protocol 50, RFC 4303) through a raw socket: the
// kernel here has no ESP, so a raw socket sees every ESP packet addressed to
// this host (the kernel then sends no "protocol unreachable") and sends ours.
// IPv4 packets leave with an IP header written here (IP_HDRINCL: the kernel
// fills in length, identification and checksum), which skips the kernel's
// append-and-checksum path; a packet over the route's MTU, which the kernel
// refuses with our header, goes with the kernel's (fragmented). IPv6 always
// with the kernel's header. Used when no NAT lies between the peers; with
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
  // own_header (IPv4): send with IP_HDRINCL, the header written here.
  static Result<RawEspSocket> open(IpAddress::Family family, bool own_header = true);
  RawEspSocket(RawEspSocket&& o) noexcept : fd_(o.fd_), family_(o.family_), hdrincl_(o.hdrincl_) { o.fd_ = -1; }
  RawEspSocket& operator=(RawEspSocket&& o) noexcept;
  ~RawEspSocket();
  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] IpAddress::Family family() const { return family_; }
  // Receives up to slots.size() ESP packets without blocking; 0 when none.
  size_t recv_batch(std::span<RecvSlot> slots);
  // Sends each slot's ESP packet to slot.remote.addr from slot.local (if set).
  size_t send_batch(std::span<const SendSlot> slots);

 private:
  RawEspSocket(int fd, IpAddress::Family f, bool hdrincl) : fd_(fd), family_(f), hdrincl_(hdrincl) {}
  bool send_without_header(const SendSlot& s);
  int fd_ = -1;
  IpAddress::Family family_ = IpAddress::Family::kV4;
  // IPv4: IP_HDRINCL, send_batch writes the IP header (the kernel's own
  // append path cost about a tenth of a sender's time per packet).
  bool hdrincl_ = false;
};

}  // namespace kg::io
