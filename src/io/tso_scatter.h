// Predictive scatter read of large TUN packets (TSO/USO), so that cutting
// them copies no payload.
//
// The large packets of a connection keep one shape: the same header length
// and the same gso_size (its MSS). Knowing the shape of the last one, the
// next read(2) of the TUN is laid out with readv(2) straight into the
// caller's packet buffers as if the packet were already cut:
//
//   iov[0]  virtio_net_hdr                     -> stage[0, 10)
//   iov[1]  headers + first gso bytes          -> buf[0][0, hdr + gso)
//   iov[k]  next gso bytes, behind a hole      -> buf[k-1][hdr, hdr + gso)
//   last    anything longer (never, for this shape)
//                                              -> stage[10 + capacity, end)
//
// scatter_cut then fills each hole with a copy of the headers and fixes
// them up (gso_fix_segment): a 64 KiB packet costs about 46 header copies
// instead of a 64 KiB payload copy. A packet of another shape, or a single
// packet longer than the first buffer, is gathered back into the stage
// (scatter_gather), exactly where a plain read would have put it, and cut
// from there as before; its shape becomes the new guess.
//
// Pure arithmetic over caller buffers: TunDevice does the reading.
#pragma once
#include <sys/uio.h>

#include <cstddef>
#include <optional>
#include <span>

#include "io/offload.h"

namespace kg::io {

// The largest packet a TUN hands over (its gso_max_size).
inline constexpr size_t kMaxTunPacket = 65536;

struct GsoShape {
  // A smaller gso_size, which would need more buffers, is not laid out.
  static constexpr size_t kMaxBuffers = 256;
  size_t hdr_len = 0, gso_size = 0;  // 0: no guess yet
  [[nodiscard]] bool known() const { return gso_size != 0; }
  // Buffers the layout takes: enough for the largest TUN packet (64 KiB).
  [[nodiscard]] size_t buffers() const;
  friend bool operator==(const GsoShape&, const GsoShape&) = default;
};

// The shape of a GSO packet `pkt` read with header `h` (unknown if not GSO).
GsoShape shape_of(const VnetHdr& h, ByteView pkt);

// The readv layout over `bufs` (shape.buffers() of them, each at least
// hdr_len + gso_size bytes) and `stage` (at least the virtio_net_hdr plus
// hdr_len + buffers() * gso_size bytes, where a gathered packet goes):
// returns the number of iovecs written to `iov` (bufs.size() + 2 at most),
// 0 if the buffers or the stage cannot take the layout.
size_t scatter_layout(const GsoShape& shape, std::span<const std::span<uint8_t>> bufs, std::span<uint8_t> stage,
                      std::span<iovec> iov);

// After a read of `len` packet bytes (after the virtio_net_hdr `h`) into
// that layout: a packet of this shape, or a single packet within the first
// buffer, is cut in place: lens[i] gets wire packet i's length and the
// count is returned (0: malformed, drop it). nullopt: another shape; gather.
std::optional<size_t> scatter_cut(const GsoShape& shape, const VnetHdr& h, size_t len,
                                  std::span<const std::span<uint8_t>> bufs, std::span<size_t> lens);

// Copies the scattered parts of the `len` packet bytes into the stage after
// its virtio_net_hdr, where read(2) would have put them.
void scatter_gather(const GsoShape& shape, size_t len, std::span<const std::span<uint8_t>> bufs,
                    std::span<uint8_t> stage);

}  // namespace kg::io
