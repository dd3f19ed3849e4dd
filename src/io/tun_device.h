// A layer-3 TUN device (IFF_TUN | IFF_NO_PI): one per tunnel interface.
//
// With offloads (the default), the device is opened with IFF_VNET_HDR and
// told it may hand us large TCP/UDP packets with partial checksums
// (TUNSETOFFLOAD: CSUM, TSO4/6, USO4/6). Reads then return the packets that
// would have gone on the wire (offload.h cuts them), and writes merge the
// segments of a connection into one GSO packet per writev(2). A kernel
// without some offload simply never uses it; the packets in and out of this
// class are the same either way.
//
// The kernel queues packets routed into the TUN in a ring of the device's
// txqueuelen (500 by default) until we read them, and drops what does not
// fit. Everything a tunnel sends waits there while keygated is not running,
// so the ring is made kTunTxQueueLen long: on this 2-core bench machine, at
// load 18, 500 slots overflowed in each scheduling gap and dropped 60% of a
// 64-byte UDP flood, and 8192 slots carried 2.2x the packets
// (bench/NOTES-datapath.md). The queued packets stay charged to their
// sending sockets, so TCP (TSQ) and local UDP senders are held back by their
// own buffers, not by drops.
#pragma once
#include <memory>
#include <span>
#include <string>

#include "common/bytes.h"
#include "common/result.h"

namespace kg::io {

inline constexpr unsigned kTunTxQueueLen = 8192;

struct TunCounters {
  uint64_t gso_packets_in = 0;   // large packets read and cut
  uint64_t segments_in = 0;      // wire packets they became
  uint64_t merged_writes = 0;    // writes that carried several packets
  uint64_t malformed_in = 0;     // inconsistent GSO packet or checksum offsets: dropped
  uint64_t too_big_in = 0;       // packet larger than the caller's buffer: dropped
  uint64_t gathered_in = 0;      // read laid out for another shape, copied back (tso_scatter.h)
  uint64_t scattered_in = 0;     // large packets read straight into their wire buffers (tso_scatter.h)
};

class TunDevice {
 public:
  // `tx_queue_len`: the device's txqueuelen (0: leave the kernel's); a
  // failure to set it is not an error (the TUN works with the kernel's).
  static Result<TunDevice> open(const std::string& name, bool offload = true,
                                unsigned tx_queue_len = kTunTxQueueLen);
  TunDevice(TunDevice&& o) noexcept;
  TunDevice& operator=(TunDevice&&) = delete;
  ~TunDevice();
  [[nodiscard]] int fd() const { return fd_; }
  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] bool offload() const { return st_ != nullptr; }
  // Reads packets into bufs until EAGAIN or all are filled; lens[i] gets
  // each size. Returns the number read. A large packet that does not fit in
  // the remaining bufs is kept and continued by the next call (pending()).
  // Large packets are read straight into bufs as their wire packets
  // (tso_scatter.h) when enough bufs are left for one; else the call stops
  // early (more()) unless it has read nothing yet.
  size_t read_batch(std::span<std::span<uint8_t>> bufs, std::span<size_t> lens);
  // True while segments of a large packet already read wait for read_batch
  // (the fd does not signal them).
  [[nodiscard]] bool pending() const;
  // True when the last read_batch stopped with bufs left but too few for a
  // large packet, before the TUN ran dry: call again with fresh bufs.
  [[nodiscard]] bool more() const;
  Result<void> write(ByteView packet);
  // Writes the packets, merged where possible; returns how many were
  // accepted.
  size_t write_batch(std::span<const ByteView> packets);
  [[nodiscard]] const TunCounters& counters() const;

 private:
  struct Offload;
  TunDevice(int fd, std::string n, std::unique_ptr<Offload> st);
  size_t read_plain(std::span<std::span<uint8_t>> bufs, std::span<size_t> lens);
  int fd_ = -1;
  std::string name_;
  std::unique_ptr<Offload> st_;  // null: plain TUN without virtio_net_hdr
  TunCounters plain_counters_;
};

}  // namespace kg::io
