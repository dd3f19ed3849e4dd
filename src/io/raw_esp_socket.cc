#include "io/raw_esp_socket.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kg::io {
namespace {

constexpr size_t kMaxBatch = 64;
constexpr size_t kIpv4Header = 20;  // read apart; options (rare) are moved out

}  // namespace

Result<RawEspSocket> RawEspSocket::open(IpAddress::Family family, bool own_header) {
  bool v4 = family == IpAddress::Family::kV4;
  int fd = socket(v4 ? AF_INET : AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ESP);
  if (fd < 0) return fail(Errc::kIo, std::string("raw ESP socket: ") + std::strerror(errno));
  int one = 1;
  // IPv6 raw sockets deliver no IP header: the destination comes as pktinfo.
  if (!v4) setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one);
  // IPv4: we write the IP header (send_batch), which spares the kernel its
  // append-and-checksum path per packet.
  bool hdrincl = v4 && own_header && setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof one) == 0;
  int bufsz = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof bufsz);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof bufsz);
  return RawEspSocket(fd, family, hdrincl);
}

RawEspSocket& RawEspSocket::operator=(RawEspSocket&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) close(fd_);
    fd_ = o.fd_;
    family_ = o.family_;
    hdrincl_ = o.hdrincl_;
    o.fd_ = -1;
  }
  return *this;
}

RawEspSocket::~RawEspSocket() {
  if (fd_ >= 0) close(fd_);
}

size_t RawEspSocket::recv_batch(std::span<RecvSlot> slots) {
  bool v4 = family_ == IpAddress::Family::kV4;
  size_t n = std::min(slots.size(), kMaxBatch);
  mmsghdr msgs[kMaxBatch];
  iovec iov[kMaxBatch][2];
  uint8_t hdr[kMaxBatch][kIpv4Header];
  sockaddr_storage from[kMaxBatch];
  alignas(cmsghdr) uint8_t ctrl[kMaxBatch][64];
  for (size_t i = 0; i < n; ++i) {
    msgs[i] = {};
    int k = 0;
    if (v4) iov[i][k++] = {hdr[i], kIpv4Header};
    iov[i][k++] = {slots[i].buf.data(), slots[i].buf.size()};
    msgs[i].msg_hdr.msg_iov = iov[i];
    msgs[i].msg_hdr.msg_iovlen = size_t(k);
    msgs[i].msg_hdr.msg_name = &from[i];
    msgs[i].msg_hdr.msg_namelen = sizeof from[i];
    msgs[i].msg_hdr.msg_control = ctrl[i];
    msgs[i].msg_hdr.msg_controllen = sizeof ctrl[i];
  }
  int got = recvmmsg(fd_, msgs, unsigned(n), MSG_DONTWAIT, nullptr);
  if (got <= 0) return 0;
  size_t out = 0;
  for (int i = 0; i < got; ++i) {
    RecvSlot s = slots[size_t(i)];
    size_t len = msgs[i].msg_len;
    if (v4) {
      // RFC 791 header: IHL, then source (12..15) and destination (16..19).
      const uint8_t* h = hdr[i];
      size_t ihl = size_t(h[0] & 0x0f) * 4;
      if (len < kIpv4Header || (h[0] >> 4) != 4 || ihl < kIpv4Header || len < ihl) continue;
      size_t opts = ihl - kIpv4Header;
      len -= kIpv4Header;
      if (opts) {  // options spilled into the slot: move the ESP packet down
        std::memmove(s.buf.data(), s.buf.data() + opts, len - opts);
        len -= opts;
      }
      s.remote = {*IpAddress::from_bytes({h + 12, 4}), 0};
      s.local = {*IpAddress::from_bytes({h + 16, 4}), 0};
    } else {
      auto e = Endpoint::from_sockaddr(reinterpret_cast<sockaddr*>(&from[i]));
      if (!e) continue;
      s.remote = {e->addr, 0};
      for (cmsghdr* c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c; c = CMSG_NXTHDR(&msgs[i].msg_hdr, c))
        if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
          in6_pktinfo pi;
          std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
          s.local = {*IpAddress::from_bytes({reinterpret_cast<uint8_t*>(&pi.ipi6_addr), 16}), 0};
        }
    }
    s.len = len;
    slots[out++] = s;
  }
  return out;
}

namespace {

// One message as the kernel builds its IP header: the destination as the
// address, the source (if set) as pktinfo, since the socket is bound to
// nothing.
void fill_plain(const SendSlot& s, bool v4, mmsghdr& m, iovec& iov, sockaddr_storage& to,
                uint8_t (&ctrl)[CMSG_SPACE(sizeof(in6_pktinfo))]) {
  iov = {const_cast<uint8_t*>(s.data.data()), s.data.size()};
  m = {};
  Endpoint dst{s.remote.addr, 0};  // a raw socket's "port" must be 0 (or the protocol)
  m.msg_hdr.msg_name = &to;
  m.msg_hdr.msg_namelen = socklen_t(dst.to_sockaddr(to));
  m.msg_hdr.msg_iov = &iov;
  m.msg_hdr.msg_iovlen = 1;
  if (s.local.is_unspecified() || s.local.is_v4() != v4) return;
  std::memset(ctrl, 0, sizeof ctrl);
  m.msg_hdr.msg_control = ctrl;
  m.msg_hdr.msg_controllen = sizeof ctrl;
  cmsghdr* c = CMSG_FIRSTHDR(&m.msg_hdr);
  if (v4) {
    in_pktinfo pi{};
    std::memcpy(&pi.ipi_spec_dst, s.local.b.data(), 4);
    c->cmsg_level = IPPROTO_IP;
    c->cmsg_type = IP_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof pi);
    std::memcpy(CMSG_DATA(c), &pi, sizeof pi);
    m.msg_hdr.msg_controllen = CMSG_SPACE(sizeof pi);
  } else {
    in6_pktinfo pi{};
    std::memcpy(&pi.ipi6_addr, s.local.b.data(), 16);
    c->cmsg_level = IPPROTO_IPV6;
    c->cmsg_type = IPV6_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof pi);
    std::memcpy(CMSG_DATA(c), &pi, sizeof pi);
    m.msg_hdr.msg_controllen = CMSG_SPACE(sizeof pi);
  }
}

// The IPv4 header we write with IP_HDRINCL (RFC 791), as the kernel would:
// DF set (path MTU discovery, the kernel's default), TTL 64, protocol 50.
// The kernel fills in the total length, the identification (left 0), the
// checksum, and the source when we leave it 0.
void fill_ipv4_header(const SendSlot& s, uint8_t (&h)[kIpv4Header]) {
  std::memset(h, 0, sizeof h);
  h[0] = 0x45;
  h[6] = 0x40;  // DF
  h[8] = 64;
  h[9] = IPPROTO_ESP;
  if (!s.local.is_unspecified() && s.local.is_v4()) std::memcpy(h + 12, s.local.b.data(), 4);
  std::memcpy(h + 16, s.remote.addr.b.data(), 4);
}

}  // namespace

size_t RawEspSocket::send_batch(std::span<const SendSlot> slots) {
  bool v4 = family_ == IpAddress::Family::kV4;
  size_t done = 0;
  while (done < slots.size()) {
    size_t n = std::min(slots.size() - done, kMaxBatch);
    mmsghdr msgs[kMaxBatch];
    iovec iov[kMaxBatch][2];
    sockaddr_storage to[kMaxBatch];
    uint8_t hdr[kMaxBatch][kIpv4Header];
    alignas(cmsghdr) uint8_t ctrl[kMaxBatch][CMSG_SPACE(sizeof(in6_pktinfo))];
    for (size_t i = 0; i < n; ++i) {
      const SendSlot& s = slots[done + i];
      fill_plain(s, v4, msgs[i], iov[i][1], to[i], ctrl[i]);
      if (!hdrincl_ || !s.remote.addr.is_v4()) {
        msgs[i].msg_hdr.msg_iov = &iov[i][1];
        continue;
      }
      fill_ipv4_header(s, hdr[i]);
      iov[i][0] = {hdr[i], kIpv4Header};
      msgs[i].msg_hdr.msg_iov = iov[i];
      msgs[i].msg_hdr.msg_iovlen = 2;  // the pktinfo stays: the route is looked up from our source
    }
    int sent = sendmmsg(fd_, msgs, unsigned(n), MSG_DONTWAIT);
    if (sent > 0) {
      done += size_t(sent);
      continue;
    }
    // With our own header the kernel refuses a packet over the route's MTU
    // (it would have fragmented it): that one goes with the kernel's header.
    if (!hdrincl_ || errno != EMSGSIZE || !send_without_header(slots[done])) break;
    ++done;
  }
  return done;
}

bool RawEspSocket::send_without_header(const SendSlot& s) {
  int zero = 0, one = 1;
  if (setsockopt(fd_, IPPROTO_IP, IP_HDRINCL, &zero, sizeof zero) != 0) return false;
  mmsghdr m;
  iovec iov;
  sockaddr_storage to;
  alignas(cmsghdr) uint8_t ctrl[CMSG_SPACE(sizeof(in6_pktinfo))];
  fill_plain(s, true, m, iov, to, ctrl);
  bool ok = sendmsg(fd_, &m.msg_hdr, MSG_DONTWAIT) >= 0;
  int e = errno;
  setsockopt(fd_, IPPROTO_IP, IP_HDRINCL, &one, sizeof one);
  errno = e;
  return ok;
}

}  // namespace kg::io
