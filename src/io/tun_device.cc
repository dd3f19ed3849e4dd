#include "io/tun_device.h"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "io/offload.h"
#include "io/tso_scatter.h"

#ifndef TUN_F_USO4
#define TUN_F_USO4 0x20  // Linux 6.2
#define TUN_F_USO6 0x40
#endif

namespace kg::io {

// Receive state of an offloading TUN: the last large packet read (with its
// virtio_net_hdr in front) and how far it has been cut, and the shape the
// next one is expected to have (tso_scatter.h).
struct TunDevice::Offload {
  explicit Offload(bool udp) : coalescer(udp) {}
  // A 64 KiB packet, and room past it for a scatter layout's last buffer.
  static constexpr size_t kStage = VnetHdr::kSize + kMaxTunPacket + 16384;
  std::vector<uint8_t> stage = std::vector<uint8_t>(kStage);
  GsoShape shape;
  std::vector<iovec> iov = std::vector<iovec>(2 + GsoShape::kMaxBuffers);
  bool more = false;     // the last read_batch stopped for room, not at EAGAIN
  VnetHdr hdr;
  size_t len = 0;        // packet bytes in stage after the header
  size_t next_seg = 0;   // next segment to hand out
  size_t segs = 0;       // 0: nothing pending
  TunCoalescer coalescer;
  TunCounters c;
};

TunDevice::TunDevice(int fd, std::string n, std::unique_ptr<Offload> st)
    : fd_(fd), name_(std::move(n)), st_(std::move(st)) {}

TunDevice::TunDevice(TunDevice&& o) noexcept
    : fd_(o.fd_), name_(std::move(o.name_)), st_(std::move(o.st_)), plain_counters_(o.plain_counters_) {
  o.fd_ = -1;
}

namespace {

// SIOCSIFTXQLEN needs any socket; the TUN's ring follows the new length.
void set_tx_queue_len(const char* ifname, unsigned len) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return;
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, ifname, std::min(std::strlen(ifname), sizeof ifr.ifr_name - 1));
  ifr.ifr_qlen = int(len);
  (void)ioctl(s, SIOCSIFTXQLEN, &ifr);
  close(s);
}

}  // namespace

Result<TunDevice> TunDevice::open(const std::string& name, bool offload, unsigned tx_queue_len) {
  if (name.size() >= IFNAMSIZ) return fail(Errc::kInvalidArgument, "interface name too long: " + name);
  int fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return fail(Errc::kIo, std::string("/dev/net/tun: ") + std::strerror(errno));
  ifreq ifr{};
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI | (offload ? IFF_VNET_HDR : 0);
  std::memcpy(ifr.ifr_name, name.c_str(), name.size());
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    int e = errno;
    close(fd);
    return fail(Errc::kIo, "TUNSETIFF " + name + ": " + std::strerror(e));
  }
  std::unique_ptr<Offload> st;
  if (offload) {
    // TSO needs checksum offload; USO (Linux 6.2) is optional.
    unsigned base = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6;
    bool uso = ioctl(fd, TUNSETOFFLOAD, base | TUN_F_USO4 | TUN_F_USO6) == 0;
    if (!uso && ioctl(fd, TUNSETOFFLOAD, base) < 0) (void)ioctl(fd, TUNSETOFFLOAD, 0);
    st = std::make_unique<Offload>(uso);
  }
  if (tx_queue_len != 0) set_tx_queue_len(ifr.ifr_name, tx_queue_len);
  return TunDevice(fd, ifr.ifr_name, std::move(st));
}

TunDevice::~TunDevice() {
  if (fd_ >= 0) close(fd_);
}

const TunCounters& TunDevice::counters() const { return st_ ? st_->c : plain_counters_; }

bool TunDevice::pending() const { return st_ && st_->segs != 0; }

bool TunDevice::more() const { return st_ && st_->more; }

size_t TunDevice::read_plain(std::span<std::span<uint8_t>> bufs, std::span<size_t> lens) {
  size_t n = 0;
  while (n < bufs.size() && n < lens.size()) {
    ssize_t r = read(fd_, bufs[n].data(), bufs[n].size());
    if (r <= 0) break;
    lens[n++] = size_t(r);
  }
  return n;
}

size_t TunDevice::read_batch(std::span<std::span<uint8_t>> bufs, std::span<size_t> lens) {
  if (!st_) return read_plain(bufs, lens);
  Offload& s = *st_;
  size_t n = 0, cap = std::min(bufs.size(), lens.size());
  s.more = false;
  while (n < cap) {
    if (s.segs == 0) {
      // With a known shape the packet is read straight into the buffers;
      // with too few left for it, stop here (more()) rather than copy.
      const size_t need = s.shape.buffers();
      const bool scatter = need <= cap - n;
      if (s.shape.known() && !scatter && n > 0) {
        s.more = true;
        break;
      }
      auto into = bufs.subspan(n, scatter ? need : 0);
      size_t niov = scatter ? scatter_layout(s.shape, into, s.stage, s.iov) : 0;
      ssize_t r = niov ? readv(fd_, s.iov.data(), int(niov))
                       : read(fd_, s.stage.data(), VnetHdr::kSize + kMaxTunPacket);
      if (r <= 0) break;
      if (size_t(r) <= VnetHdr::kSize) {
        ++s.c.malformed_in;
        continue;
      }
      if (niov) {
        VnetHdr h = VnetHdr::parse(s.stage.data());
        auto cut = scatter_cut(s.shape, h, size_t(r) - VnetHdr::kSize, into, lens.subspan(n));
        if (cut && *cut == 0) {
          ++s.c.malformed_in;
          continue;
        }
        if (cut) {
          if (*cut > 1 || (h.gso_type & ~VnetHdr::kGsoEcn) != VnetHdr::kGsoNone) {
            ++s.c.gso_packets_in;
            ++s.c.scattered_in;
            s.c.segments_in += *cut;
          }
          n += *cut;
          continue;
        }
        ++s.c.gathered_in;  // another shape: cut it from the stage as below
        scatter_gather(s.shape, size_t(r) - VnetHdr::kSize, into, s.stage);
      }
      s.hdr = VnetHdr::parse(s.stage.data());
      s.len = size_t(r) - VnetHdr::kSize;
      std::span<uint8_t> pkt(s.stage.data() + VnetHdr::kSize, s.len);
      auto count = gso_count(s.hdr, pkt);
      if (!count) {
        ++s.c.malformed_in;
        continue;
      }
      if (*count == 1 && (s.hdr.gso_type & ~VnetHdr::kGsoEcn) == VnetHdr::kGsoNone) {
        if (!complete_checksum(s.hdr, pkt)) {
          ++s.c.malformed_in;
          continue;
        }
        if (pkt.size() > bufs[n].size()) {
          ++s.c.too_big_in;
          continue;
        }
        std::memcpy(bufs[n].data(), pkt.data(), pkt.size());
        lens[n++] = pkt.size();
        continue;
      }
      ++s.c.gso_packets_in;
      s.shape = shape_of(s.hdr, pkt);
      s.segs = *count;
      s.next_seg = 0;
    }
    ByteView pkt(s.stage.data() + VnetHdr::kSize, s.len);
    while (n < cap && s.next_seg < s.segs) {
      size_t l = gso_segment(s.hdr, pkt, s.next_seg++, bufs[n]);
      if (l == 0) {
        ++s.c.too_big_in;
        continue;
      }
      ++s.c.segments_in;
      lens[n++] = l;
    }
    if (s.next_seg == s.segs) s.segs = 0;
  }
  return n;
}

Result<void> TunDevice::write(ByteView packet) {
  if (write_batch(std::span<const ByteView>(&packet, 1)) != 1)
    return fail(Errc::kIo, "write " + name_ + ": " + std::strerror(errno));
  return {};
}

size_t TunDevice::write_batch(std::span<const ByteView> packets) {
  size_t n = 0;
  if (!st_) {
    for (ByteView p : packets)
      if (::write(fd_, p.data(), p.size()) == ssize_t(p.size())) ++n;
    return n;
  }
  TunCoalescer& co = st_->coalescer;
  co.plan(packets);
  for (size_t w = 0; w < co.writes(); ++w) {
    auto iov = co.iov(w);
    if (writev(fd_, iov.data(), int(iov.size())) > 0) {
      n += co.packets(w);
      continue;
    }
    if (co.packets(w) == 1) continue;
    // The kernel refused the merged packet: its packets one by one, as they came.
    const uint8_t plain[VnetHdr::kSize] = {};
    size_t hl = iov[0].iov_len - VnetHdr::kSize;
    for (size_t i = 1; i < iov.size(); ++i) {
      iovec one[2] = {{const_cast<uint8_t*>(plain), VnetHdr::kSize}, {}};
      // The first packet is whole in iov[1] only with its headers from iov[0]:
      // rebuild each packet's start from its payload iovec.
      auto* payload = static_cast<uint8_t*>(iov[i].iov_base);
      one[1] = {payload - hl, iov[i].iov_len + hl};
      if (writev(fd_, one, 2) > 0) ++n;
    }
  }
  st_->c.merged_writes = co.merged_writes();
  return n;
}

}  // namespace kg::io
