// Segmentation offloads between a TUN device opened with IFF_VNET_HDR and
// the data path, in user space (what wireguard-go's tun/offload_linux.go and
// Linux's GSO/GRO do in the kernel):
//
//  - Read (TSO/USO): the kernel hands the TUN one large TCP or UDP packet of
//    up to 64 KiB with a virtio_net_hdr that says how to cut it (gso_size).
//    gso_segment() cuts it into the packets that would have gone on the wire,
//    with their own lengths, IPv4 IDs, TCP sequence numbers, flags and
//    checksums, so each is sealed into its own ESP packet (RFC 4303 protects
//    packets, not streams). complete_checksum() finishes a single packet whose
//    checksum the kernel left partial (VIRTIO_NET_HDR_F_NEEDS_CSUM).
//  - Write (GRO): TunCoalescer groups the decrypted packets of one write batch
//    by flow, and consecutive segments of a TCP connection (or equal-sized
//    datagrams of a UDP flow) become one GSO packet: one writev(2) and one
//    pass through the kernel's stack instead of dozens. It follows the rules
//    of Linux's tcp_gro_receive: same addresses, ports, IP header fields,
//    ACK number and TCP options; only ACK and PSH set; contiguous sequence
//    numbers; every segment as long as the first except the last; a segment
//    whose checksum does not verify is never merged (it is written as it
//    came, and the kernel drops it).
//
// Everything here is pure packet arithmetic over caller buffers (no I/O, no
// allocation once the scratch space has grown to the largest batch).
#pragma once
#include <sys/uio.h>

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "common/bytes.h"

namespace kg::io {

// struct virtio_net_hdr (linux/virtio_net.h), little-endian fields as the
// TUN device uses them on little-endian hosts (TUNSETVNETLE is not needed).
struct VnetHdr {
  static constexpr size_t kSize = 10;
  static constexpr uint8_t kNeedsCsum = 1;   // VIRTIO_NET_HDR_F_NEEDS_CSUM
  static constexpr uint8_t kGsoNone = 0;
  static constexpr uint8_t kGsoTcpV4 = 1;
  static constexpr uint8_t kGsoTcpV6 = 4;
  static constexpr uint8_t kGsoUdpL4 = 5;
  static constexpr uint8_t kGsoEcn = 0x80;
  uint8_t flags = 0;
  uint8_t gso_type = kGsoNone;
  uint16_t hdr_len = 0, gso_size = 0, csum_start = 0, csum_offset = 0;
  static VnetHdr parse(const uint8_t* p);
  void write(uint8_t* p) const;
};

// A packet as it will go on the wire, located: network and transport headers.
struct L4View {
  bool v6 = false;
  uint8_t proto = 0;      // 6 TCP, 17 UDP
  size_t l3_len = 0;      // IP header length = offset of the transport header
  size_t l4_hdr_len = 0;  // TCP header with options, or 8 for UDP
  [[nodiscard]] size_t hdr_len() const { return l3_len + l4_hdr_len; }
};

// Number of wire packets the TUN packet `pkt` with header `h` becomes (1
// without GSO); nullopt if the GSO packet is inconsistent (dropped, counted).
std::optional<size_t> gso_count(const VnetHdr& h, ByteView pkt);
// Writes wire packet `i` (< gso_count) of a GSO packet into `out`; returns its
// length, 0 if `out` is too small.
size_t gso_segment(const VnetHdr& h, ByteView pkt, size_t i, std::span<uint8_t> out);
// The headers of a GSO packet (nullopt if inconsistent, as gso_count).
std::optional<L4View> gso_headers(const VnetHdr& h, ByteView pkt);
// Makes `seg`, the large packet's headers followed by the payload of wire
// packet `i` of `n`, into that wire packet in place: lengths, IPv4 ID and
// header checksum, TCP sequence number and flags, transport checksum.
void gso_fix_segment(const VnetHdr& h, const L4View& v, std::span<uint8_t> seg, size_t i, size_t n);
// Completes a checksum the kernel left partial (NEEDS_CSUM) in place; false
// if csum_start/csum_offset point outside the packet.
bool complete_checksum(const VnetHdr& h, std::span<uint8_t> pkt);

class TunCoalescer {
 public:
  // A write batch the data path hands over at most (its rx batch times the
  // UDP GRO segment limit): scratch space for it is reserved at once, so
  // planning never allocates. Larger batches still work (the space grows).
  static constexpr size_t kReserved = 2048;
  // `udp`: also merge UDP datagrams (needs the kernel's USO on TUN writes).
  explicit TunCoalescer(bool udp, size_t reserve = kReserved);
  // Plans the writes for `packets` (which must stay valid until the writes
  // are done): each write is a virtio_net_hdr plus one or more packets.
  void plan(std::span<const ByteView> packets);
  [[nodiscard]] size_t writes() const { return writes_.size(); }
  // The iovecs of write `w` (header first) and how many packets it carries.
  [[nodiscard]] std::span<const iovec> iov(size_t w) const;
  [[nodiscard]] size_t packets(size_t w) const { return writes_[w].packets; }
  // Writes that merged at least two packets, since construction.
  [[nodiscard]] uint64_t merged_writes() const { return merged_; }

 private:
  struct Info {
    L4View l4;
    bool eligible = false;  // TCP with only ACK|PSH, or UDP, with payload
    uint32_t payload = 0;
    uint32_t seq = 0;
  };
  struct Group {
    uint32_t first = 0, last = 0, count = 0;
    uint32_t seg = 0;    // payload bytes of the first packet (gso_size)
    uint32_t bytes = 0;  // payload bytes of all packets
    uint32_t next_seq = 0;
    bool closed = false;
    bool push = false;
  };
  struct Write {
    size_t iov_first = 0, iov_count = 0, packets = 0;
  };
  bool can_join(const Group& g, uint32_t i, std::span<const ByteView> packets);
  void emit(const Group& g, uint32_t gi, std::span<const ByteView> packets);

  bool udp_;
  uint64_t merged_ = 0;
  std::vector<Info> info_;
  std::vector<uint32_t> next_;      // next packet of the same group
  std::vector<uint8_t> verified_;   // checksum verified
  std::vector<Group> groups_;
  std::vector<uint32_t> open_;      // per flow, its latest group
  std::vector<uint8_t> hdrs_;       // merged packets' headers, 256 bytes per group
  std::vector<iovec> iov_;
  std::vector<Write> writes_;
};

}  // namespace kg::io
