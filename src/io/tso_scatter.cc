#include "io/tso_scatter.h"

#include <algorithm>
#include <cstring>

namespace kg::io {
namespace {

bool is_gso(const VnetHdr& h) {
  uint8_t t = h.gso_type & ~VnetHdr::kGsoEcn;
  return t == VnetHdr::kGsoTcpV4 || t == VnetHdr::kGsoTcpV6 || t == VnetHdr::kGsoUdpL4;
}

}  // namespace

size_t GsoShape::buffers() const {
  if (!known() || hdr_len >= kMaxTunPacket) return SIZE_MAX;
  size_t k = (kMaxTunPacket - hdr_len + gso_size - 1) / gso_size;
  return k <= kMaxBuffers ? k : SIZE_MAX;
}

GsoShape shape_of(const VnetHdr& h, ByteView pkt) {
  if (!is_gso(h) || h.gso_size == 0) return {};
  auto v = gso_headers(h, pkt);
  if (!v) return {};
  return {v->hdr_len(), h.gso_size};
}

size_t scatter_layout(const GsoShape& shape, std::span<const std::span<uint8_t>> bufs, std::span<uint8_t> stage,
                      std::span<iovec> iov) {
  const size_t hl = shape.hdr_len, gso = shape.gso_size;
  if (!shape.known() || bufs.empty() || bufs.size() != shape.buffers() || iov.size() < bufs.size() + 2) return 0;
  const size_t capacity = hl + bufs.size() * gso;
  if (stage.size() < VnetHdr::kSize + capacity) return 0;
  size_t k = 0;
  iov[k++] = {stage.data(), VnetHdr::kSize};
  for (size_t i = 0; i < bufs.size(); ++i) {
    if (bufs[i].size() < hl + gso) return 0;
    iov[k++] = i == 0 ? iovec{bufs[0].data(), hl + gso} : iovec{bufs[i].data() + hl, gso};
  }
  if (size_t rest = stage.size() - VnetHdr::kSize - capacity; rest > 0)
    iov[k++] = {stage.data() + VnetHdr::kSize + capacity, rest};
  return k;
}

std::optional<size_t> scatter_cut(const GsoShape& shape, const VnetHdr& h, size_t len,
                                  std::span<const std::span<uint8_t>> bufs, std::span<size_t> lens) {
  const size_t hl = shape.hdr_len, gso = shape.gso_size;
  if (!shape.known() || bufs.empty() || lens.empty()) return std::nullopt;
  if (!is_gso(h)) {  // a single packet: in place if it stayed in the first buffer
    if ((h.gso_type & ~VnetHdr::kGsoEcn) != VnetHdr::kGsoNone || len > hl + gso) return std::nullopt;
    if (!complete_checksum(h, bufs[0].first(len))) return 0;
    lens[0] = len;
    return 1;
  }
  auto v = gso_headers(h, ByteView(bufs[0].data(), std::min(len, hl + gso)));
  if (!v || v->hdr_len() != hl || h.gso_size != gso || len <= hl) return std::nullopt;
  const size_t n = (len - hl + gso - 1) / gso;
  if (n > bufs.size() || n > lens.size()) return std::nullopt;
  // Last to first: every hole gets the headers as the kernel wrote them,
  // before the first segment's own are changed.
  for (size_t i = n; i-- > 0;) {
    size_t chunk = std::min(gso, len - hl - i * gso);
    if (i > 0) std::memcpy(bufs[i].data(), bufs[0].data(), hl);
    gso_fix_segment(h, *v, bufs[i].first(hl + chunk), i, n);
    lens[i] = hl + chunk;
  }
  return n;
}

void scatter_gather(const GsoShape& shape, size_t len, std::span<const std::span<uint8_t>> bufs,
                    std::span<uint8_t> stage) {
  const size_t hl = shape.hdr_len, gso = shape.gso_size;
  if (bufs.empty() || stage.size() < VnetHdr::kSize) return;
  uint8_t* dst = stage.data() + VnetHdr::kSize;
  len = std::min(len, stage.size() - VnetHdr::kSize);
  std::memcpy(dst, bufs[0].data(), std::min(len, hl + gso));
  for (size_t k = 1; k < bufs.size(); ++k) {
    size_t off = hl + k * gso;
    if (off >= len) break;
    std::memcpy(dst + off, bufs[k].data() + hl, std::min(gso, len - off));
  }
  // Bytes past the buffers' capacity went straight to their place in the stage.
}

}  // namespace kg::io
