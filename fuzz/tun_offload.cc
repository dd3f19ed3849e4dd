// Fuzz target: the TUN offloads (src/io/offload.h). The first byte picks
// the side:
//  - even: a packet read from a TUN with IFF_VNET_HDR: 10 bytes of
//    virtio_net_hdr, then the packet. gso_count/gso_segment cut it and
//    complete_checksum finishes it; every segment must fit the buffer and
//    never read or write outside the packet. The same bytes are also read
//    through a scatter layout (tso_scatter.h) of the shape the packet claims,
//    cut in place or gathered; gathered, they must come back unchanged.
//  - odd: decrypted packets about to be written (each preceded by a 2-byte
//    length), merged by TunCoalescer; every planned iovec must lie inside
//    one of the packets or the coalescer's own header.
// The corpus holds a TSO TCPv4 packet, a USO UDPv6 one, a batch of TCP
// segments of one connection, and the input that once divided by zero
// (gso_none_size0_v6tcp: a single packet's header, gso_size 0).
#include <cstdint>
#include <cstdlib>
#include <vector>

#include <cstring>

#include "io/offload.h"
#include "io/tso_scatter.h"

using namespace kg;
using namespace kg::io;

namespace {

// What readv(2) would do with the layout, then cut or gather.
void scatter_side(const VnetHdr& h, ByteView pkt) {
  GsoShape shape{h.hdr_len, h.gso_size};
  if (shape.buffers() == SIZE_MAX) return;
  std::vector<std::vector<uint8_t>> bufs(shape.buffers(), std::vector<uint8_t>(shape.hdr_len + shape.gso_size));
  std::vector<std::span<uint8_t>> views(bufs.begin(), bufs.end());
  std::vector<uint8_t> stage(VnetHdr::kSize + 65536 + 16384);
  std::vector<iovec> iov(views.size() + 2);
  size_t k = scatter_layout(shape, views, stage, iov);
  if (k == 0) return;
  std::vector<uint8_t> all(VnetHdr::kSize);
  h.write(all.data());
  all.insert(all.end(), pkt.begin(), pkt.end());
  size_t off = 0;
  for (size_t i = 0; i < k && off < all.size(); ++i) {
    size_t m = std::min(iov[i].iov_len, all.size() - off);
    std::memcpy(iov[i].iov_base, all.data() + off, m);
    off += m;
  }
  if (off <= VnetHdr::kSize) return;
  std::vector<size_t> lens(views.size());
  auto cut = scatter_cut(shape, h, off - VnetHdr::kSize, views, lens);
  if (cut) {
    for (size_t i = 0; i < *cut; ++i)
      if (lens[i] > bufs[i].size()) abort();
    return;
  }
  scatter_gather(shape, off - VnetHdr::kSize, views, stage);
  if (std::memcmp(stage.data() + VnetHdr::kSize, pkt.data(), off - VnetHdr::kSize) != 0) abort();
}

void read_side(const uint8_t* d, size_t n) {
  if (n < VnetHdr::kSize) return;
  VnetHdr h = VnetHdr::parse(d);
  ByteView pkt(d + VnetHdr::kSize, n - VnetHdr::kSize);
  if (auto count = gso_count(h, pkt)) {
    std::vector<uint8_t> out(2048);
    for (size_t i = 0; i < *count && i < 4096; ++i) {
      size_t l = gso_segment(h, pkt, i, out);
      if (l > out.size()) abort();
    }
  }
  std::vector<uint8_t> copy(pkt.begin(), pkt.end());
  (void)complete_checksum(h, copy);
  scatter_side(h, pkt);
}

void write_side(const uint8_t* d, size_t n) {
  std::vector<ByteView> pkts;
  while (n >= 2 && pkts.size() < 256) {
    size_t l = size_t(d[0] << 8 | d[1]) % 4096;
    d += 2;
    n -= 2;
    l = l < n ? l : n;
    pkts.push_back({d, l});
    d += l;
    n -= l;
  }
  static TunCoalescer c(true);
  c.plan(pkts);
  size_t seen = 0;
  for (size_t w = 0; w < c.writes(); ++w) {
    auto iov = c.iov(w);
    if (iov.empty() || iov[0].iov_len < VnetHdr::kSize) abort();
    volatile uint8_t sink = 0;
    for (auto& v : iov)
      for (size_t i = 0; i < v.iov_len; ++i) sink = sink ^ static_cast<const uint8_t*>(v.iov_base)[i];
    seen += c.packets(w);
  }
  if (seen != pkts.size()) abort();  // every packet in exactly one write
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  if (data[0] % 2 == 0) read_side(data + 1, size - 1);
  else write_side(data + 1, size - 1);
  return 0;
}
