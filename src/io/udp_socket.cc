#include "io/udp_socket.h"

#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kg::io {

inline constexpr size_t kMaxBatch = 64;    // messages per recvmmsg/sendmmsg
inline constexpr size_t kMaxIov = 256;     // datagrams per sendmmsg
// Per GSO message: UDP_MAX_SEGMENTS is 64 on older kernels (128 since 5.x),
// and the whole must fit one IPv4 datagram.
inline constexpr size_t kMaxGsoSegments = 64;
inline constexpr size_t kMaxGsoBytes = 65535 - 20 - 8;
inline constexpr size_t kCtrlSize = 128;   // IP(V6)_PKTINFO + UDP_GRO / UDP_SEGMENT

Result<UdpSocket> UdpSocket::bind(const Endpoint& local) {
  int fam = local.addr.is_v4() ? AF_INET : AF_INET6;
  int fd = socket(fam, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fail(Errc::kIo, std::string("socket: ") + std::strerror(errno));
  // No SO_REUSEADDR: on Linux it lets a second UDP socket bind the same
  // address and port and steal its datagrams (two daemons, or two tests).
  int one = 1;
  if (fam == AF_INET) {
    setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
  } else {
    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one);
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  }
  int bufsz = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof bufsz);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof bufsz);
  sockaddr_storage ss;
  size_t sl = local.to_sockaddr(ss);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), socklen_t(sl)) < 0) {
    int e = errno;
    close(fd);
    return fail(Errc::kIo, "bind " + local.str() + ": " + std::strerror(e));
  }
  // The bound endpoint, so that port 0 reports the port the kernel chose.
  Endpoint bound = local;
  sl = sizeof ss;
  socklen_t len = socklen_t(sl);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) == 0)
    if (auto e = Endpoint::from_sockaddr(reinterpret_cast<const sockaddr*>(&ss)); e) bound = *e;
  return UdpSocket(fd, bound);
}

UdpSocket& UdpSocket::operator=(UdpSocket&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) close(fd_);
    fd_ = o.fd_;
    local_ = o.local_;
    o.fd_ = -1;
  }
  return *this;
}

UdpSocket::~UdpSocket() {
  if (fd_ >= 0) close(fd_);
}

size_t UdpSocket::recv_batch(std::span<RecvSlot> slots) {
  size_t n = std::min(slots.size(), kMaxBatch);
  mmsghdr msgs[kMaxBatch];
  iovec iov[kMaxBatch];
  sockaddr_storage from[kMaxBatch];
  alignas(cmsghdr) uint8_t ctrl[kMaxBatch][kCtrlSize];
  for (size_t i = 0; i < n; ++i) {
    iov[i] = {slots[i].buf.data(), slots[i].buf.size()};
    msgs[i] = {};
    msgs[i].msg_hdr.msg_name = &from[i];
    msgs[i].msg_hdr.msg_namelen = sizeof from[i];
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
    msgs[i].msg_hdr.msg_control = ctrl[i];
    msgs[i].msg_hdr.msg_controllen = sizeof ctrl[i];
  }
  int got = recvmmsg(fd_, msgs, unsigned(n), MSG_DONTWAIT, nullptr);
  if (got <= 0) return 0;
  for (int i = 0; i < got; ++i) {
    auto& s = slots[size_t(i)];
    s.len = msgs[i].msg_len;
    if (auto e = Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&from[i]))) s.remote = *e;
    s.local = local_;
    s.segment = 0;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c; c = CMSG_NXTHDR(&msgs[i].msg_hdr, c)) {
      if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
        in_pktinfo pi;
        std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
        s.local.addr = *IpAddress::from_bytes({reinterpret_cast<uint8_t*>(&pi.ipi_addr), 4});
      } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
        in6_pktinfo pi;
        std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
        s.local.addr = *IpAddress::from_bytes({reinterpret_cast<uint8_t*>(&pi.ipi6_addr), 16});
      } else if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
        int seg = 0;
        std::memcpy(&seg, CMSG_DATA(c), sizeof seg);
        if (seg > 0 && size_t(seg) < s.len) s.segment = size_t(seg);
      }
    }
  }
  return size_t(got);
}

namespace {

// Control messages of one outgoing message: the source address when `local`
// is set and matches the socket's family, and the GSO segment size if any.
void set_control(msghdr& h, uint8_t* ctrl, const IpAddress& local, bool v4_socket, size_t segment) {
  std::memset(ctrl, 0, kCtrlSize);
  h.msg_control = ctrl;
  size_t used = 0;
  auto* c = reinterpret_cast<cmsghdr*>(ctrl);
  if (!local.is_unspecified() && local.is_v4() == v4_socket) {
    if (v4_socket) {
      in_pktinfo pi{};
      std::memcpy(&pi.ipi_spec_dst, local.b.data(), 4);
      c->cmsg_level = IPPROTO_IP;
      c->cmsg_type = IP_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof pi);
      std::memcpy(CMSG_DATA(c), &pi, sizeof pi);
      used += CMSG_SPACE(sizeof pi);
    } else {
      in6_pktinfo pi{};
      std::memcpy(&pi.ipi6_addr, local.b.data(), 16);
      c->cmsg_level = IPPROTO_IPV6;
      c->cmsg_type = IPV6_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof pi);
      std::memcpy(CMSG_DATA(c), &pi, sizeof pi);
      used += CMSG_SPACE(sizeof pi);
    }
    c = reinterpret_cast<cmsghdr*>(ctrl + used);  // CMSG_SPACE keeps the alignment
  }
  if (segment) {
    uint16_t seg = uint16_t(segment);
    c->cmsg_level = SOL_UDP;
    c->cmsg_type = UDP_SEGMENT;
    c->cmsg_len = CMSG_LEN(sizeof seg);
    std::memcpy(CMSG_DATA(c), &seg, sizeof seg);
    used += CMSG_SPACE(sizeof seg);
  }
  h.msg_controllen = used;
  if (used == 0) h.msg_control = nullptr;
}

}  // namespace

bool UdpSocket::force_receive_buffer(int bytes) {
  return setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) == 0;
}

bool UdpSocket::enable_gro() {
  int one = 1;
  return setsockopt(fd_, SOL_UDP, UDP_GRO, &one, sizeof one) == 0;
}

size_t UdpSocket::send_plain(std::span<const SendSlot> slots) {
  size_t done = 0;
  bool v4 = local_.addr.is_v4();
  while (done < slots.size()) {
    size_t n = std::min(slots.size() - done, kMaxBatch);
    mmsghdr msgs[kMaxBatch];
    iovec iov[kMaxBatch];
    sockaddr_storage to[kMaxBatch];
    alignas(cmsghdr) uint8_t ctrl[kMaxBatch][kCtrlSize];
    for (size_t i = 0; i < n; ++i) {
      auto& s = slots[done + i];
      iov[i] = {const_cast<uint8_t*>(s.data.data()), s.data.size()};
      msgs[i] = {};
      msgs[i].msg_hdr.msg_name = &to[i];
      msgs[i].msg_hdr.msg_namelen = socklen_t(s.remote.to_sockaddr(to[i]));
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      set_control(msgs[i].msg_hdr, ctrl[i], s.local, v4, 0);
    }
    int sent = sendmmsg(fd_, msgs, unsigned(n), MSG_DONTWAIT);
    if (sent <= 0) break;
    done += size_t(sent);
  }
  return done;
}

size_t UdpSocket::send_batch(std::span<const SendSlot> slots) {
  if (!gso_) return send_plain(slots);
  size_t done = 0;
  bool v4 = local_.addr.is_v4();
  mmsghdr msgs[kMaxBatch];
  iovec iov[kMaxIov];
  size_t count[kMaxBatch];
  sockaddr_storage to[kMaxBatch];
  alignas(cmsghdr) uint8_t ctrl[kMaxBatch][kCtrlSize];
  while (done < slots.size()) {
    size_t nmsg = 0, niov = 0, i = done;
    while (i < slots.size() && nmsg < kMaxBatch && niov < kMaxIov) {
      // A run: same destination and source, every datagram as long as the
      // first except the last, which may be shorter.
      const SendSlot& s = slots[i];
      size_t seg = s.data.size(), run = 1, bytes = seg;
      while (seg > 0 && s.gso && i + run < slots.size() && run < kMaxGsoSegments && niov + run < kMaxIov) {
        const SendSlot& x = slots[i + run];
        if (!x.gso || x.remote != s.remote || x.local != s.local || x.data.empty() || x.data.size() > seg ||
            bytes + x.data.size() > kMaxGsoBytes)
          break;
        bytes += x.data.size();
        ++run;
        if (x.data.size() < seg) break;
      }
      mmsghdr& m = msgs[nmsg];
      m = {};
      for (size_t k = 0; k < run; ++k)
        iov[niov + k] = {const_cast<uint8_t*>(slots[i + k].data.data()), slots[i + k].data.size()};
      m.msg_hdr.msg_name = &to[nmsg];
      m.msg_hdr.msg_namelen = socklen_t(s.remote.to_sockaddr(to[nmsg]));
      m.msg_hdr.msg_iov = &iov[niov];
      m.msg_hdr.msg_iovlen = run;
      set_control(m.msg_hdr, ctrl[nmsg], s.local, v4, run > 1 ? seg : 0);
      count[nmsg++] = run;
      niov += run;
      i += run;
    }
    int sent = sendmmsg(fd_, msgs, unsigned(nmsg), MSG_DONTWAIT);
    if (sent < 0) {
      // The first message failed. If it was a GSO run the path may not take
      // GSO (EIO: no checksum offload on the device; EINVAL/EMSGSIZE: a
      // segment above the path MTU): send that run datagram by datagram.
      int e = errno;
      if (count[0] == 1 || (e != EIO && e != EINVAL && e != EMSGSIZE)) break;
      if (e == EIO) gso_ = false;
      size_t p = send_plain(slots.subspan(done, count[0]));
      done += p;
      if (p < count[0]) break;
      continue;
    }
    for (int k = 0; k < sent; ++k) done += count[k];
    if (sent == 0) break;
    // sent < nmsg: the next call starts at the message that failed and
    // reports its error.
  }
  return done;
}

Result<void> UdpSocket::send(ByteView data, const Endpoint& remote) {
  sockaddr_storage ss;
  size_t sl = remote.to_sockaddr(ss);
  if (sendto(fd_, data.data(), data.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&ss),
             socklen_t(sl)) < 0)
    return fail(Errc::kIo, std::string("sendto ") + remote.str() + ": " + std::strerror(errno));
  return {};
}

}  // namespace kg::io
