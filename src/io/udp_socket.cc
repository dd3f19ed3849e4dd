#include "io/udp_socket.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace kg::io {

inline constexpr size_t kMaxBatch = 64;

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
  alignas(cmsghdr) uint8_t ctrl[kMaxBatch][64];
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
    for (cmsghdr* c = CMSG_FIRSTHDR(&msgs[i].msg_hdr); c; c = CMSG_NXTHDR(&msgs[i].msg_hdr, c)) {
      if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
        in_pktinfo pi;
        std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
        s.local.addr = *IpAddress::from_bytes({reinterpret_cast<uint8_t*>(&pi.ipi_addr), 4});
      } else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
        in6_pktinfo pi;
        std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
        s.local.addr = *IpAddress::from_bytes({reinterpret_cast<uint8_t*>(&pi.ipi6_addr), 16});
      }
    }
  }
  return size_t(got);
}

namespace {

// Adds a source-address cmsg to `h` when `local` is set and matches the
// socket's family.
void set_source(msghdr& h, uint8_t* ctrl, size_t ctrl_len, const IpAddress& local, bool v4_socket) {
  if (local.is_unspecified() || local.is_v4() != v4_socket) return;
  std::memset(ctrl, 0, ctrl_len);
  h.msg_control = ctrl;
  h.msg_controllen = ctrl_len;
  cmsghdr* c = CMSG_FIRSTHDR(&h);
  if (v4_socket) {
    in_pktinfo pi{};
    std::memcpy(&pi.ipi_spec_dst, local.b.data(), 4);
    c->cmsg_level = IPPROTO_IP;
    c->cmsg_type = IP_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof pi);
    std::memcpy(CMSG_DATA(c), &pi, sizeof pi);
    h.msg_controllen = CMSG_SPACE(sizeof pi);
  } else {
    in6_pktinfo pi{};
    std::memcpy(&pi.ipi6_addr, local.b.data(), 16);
    c->cmsg_level = IPPROTO_IPV6;
    c->cmsg_type = IPV6_PKTINFO;
    c->cmsg_len = CMSG_LEN(sizeof pi);
    std::memcpy(CMSG_DATA(c), &pi, sizeof pi);
    h.msg_controllen = CMSG_SPACE(sizeof pi);
  }
}

}  // namespace

size_t UdpSocket::send_batch(std::span<const SendSlot> slots) {
  size_t done = 0;
  bool v4 = local_.addr.is_v4();
  while (done < slots.size()) {
    size_t n = std::min(slots.size() - done, kMaxBatch);
    mmsghdr msgs[kMaxBatch];
    iovec iov[kMaxBatch];
    sockaddr_storage to[kMaxBatch];
    alignas(cmsghdr) uint8_t ctrl[kMaxBatch][CMSG_SPACE(sizeof(in6_pktinfo))];
    for (size_t i = 0; i < n; ++i) {
      auto& s = slots[done + i];
      iov[i] = {const_cast<uint8_t*>(s.data.data()), s.data.size()};
      msgs[i] = {};
      msgs[i].msg_hdr.msg_name = &to[i];
      msgs[i].msg_hdr.msg_namelen = socklen_t(s.remote.to_sockaddr(to[i]));
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
      set_source(msgs[i].msg_hdr, ctrl[i], sizeof ctrl[i], s.local, v4);
    }
    int sent = sendmmsg(fd_, msgs, unsigned(n), MSG_DONTWAIT);
    if (sent <= 0) break;
    done += size_t(sent);
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
