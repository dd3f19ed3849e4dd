// A bound UDP socket with batched receive/send (recvmmsg/sendmmsg). Each
// received datagram reports the local address it arrived on (IP_PKTINFO), so
// the daemon can bind to the wildcard address and still answer from the right one.
//
// Segmentation offloads (Linux UDP GSO/GRO): send_batch hands the kernel
// each run of consecutive datagrams to one destination, of one size (the
// last may be shorter), as one message with UDP_SEGMENT, so the run crosses
// the stack (and a veth) as one packet; it is cut into datagrams only where
// it must be. With enable_gro(), the kernel may do the reverse on receive.
// The datagrams on the wire are the same either way.
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
  // out: with UDP_GRO, the kernel may coalesce consecutive datagrams of one
  // flow: buf[0, len) then holds datagrams of `segment` bytes each, the last
  // possibly shorter. 0: one datagram.
  size_t segment = 0;
};

struct SendSlot {
  ByteView data;
  Endpoint remote;
  // Source address to send from (IP_PKTINFO / IPV6_PKTINFO), for a socket
  // bound to the wildcard address; unspecified = let the kernel choose.
  IpAddress local{};
  // False: never merged with its neighbours into one UDP GSO send (IKE
  // messages and fragments stay separate datagrams of their own size).
  bool gso = true;
};

class UdpSocket {
 public:
  static Result<UdpSocket> bind(const Endpoint& local);
  UdpSocket(UdpSocket&& o) noexcept : fd_(o.fd_), local_(o.local_), gso_(o.gso_) { o.fd_ = -1; }
  UdpSocket& operator=(UdpSocket&& o) noexcept;
  ~UdpSocket();
  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] const Endpoint& local() const { return local_; }
  // Receives up to slots.size() datagrams without blocking; 0 when none.
  size_t recv_batch(std::span<RecvSlot> slots);
  // Sends as many as the kernel takes; returns the count sent.
  size_t send_batch(std::span<const SendSlot> slots);
  Result<void> send(ByteView data, const Endpoint& remote);
  // Lets the kernel coalesce received datagrams (RecvSlot::segment); false
  // if it cannot. Callers must then read every slot as segments.
  bool enable_gro();
  // A receive buffer of `bytes` past net.core.rmem_max (SO_RCVBUFFORCE,
  // CAP_NET_ADMIN); false if the kernel refuses it (the 4 MiB asked at bind
  // stays).
  bool force_receive_buffer(int bytes);
  // GSO is on by default and turns itself off if the kernel refuses it.
  void set_gso(bool on) { gso_ = on; }
  [[nodiscard]] bool gso() const { return gso_; }

 private:
  UdpSocket(int fd, Endpoint l) : fd_(fd), local_(l) {}
  size_t send_plain(std::span<const SendSlot> slots);
  int fd_ = -1;
  Endpoint local_;
  bool gso_ = true;
};

}  // namespace kg::io
