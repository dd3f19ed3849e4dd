#include "io/icmp_ping.h"

#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "io/checksum.h"

namespace kg::io {
namespace {

uint16_t rd16(const uint8_t* p) { return uint16_t(p[0] << 8 | p[1]); }

// Who an ICMP message (no IP header) is for: a reply to our echo, or an
// error quoting one of our requests ('U').
struct Heard {
  char mark;
  uint16_t seq;
};
std::optional<Heard> classify(const uint8_t* p, size_t n, bool v6, bool raw, uint16_t id) {
  if (n < 8) return std::nullopt;
  uint8_t reply = v6 ? ICMP6_ECHO_REPLY : ICMP_ECHOREPLY;
  uint8_t unreach = v6 ? ICMP6_DST_UNREACH : ICMP_DEST_UNREACH;
  // A datagram socket only delivers its own replies (the kernel matched the id).
  if (p[0] == reply && (!raw || rd16(p + 4) == id)) return Heard{'!', rd16(p + 6)};
  if (p[0] != unreach || !raw) return std::nullopt;
  // The error quotes our request: its IP header, then the echo header.
  const uint8_t* q = p + 8;
  size_t qn = n - 8, ihl = 40;
  if (!v6) {
    if (qn < 20) return std::nullopt;
    ihl = size_t(q[0] & 0x0f) * 4;
  }
  if (qn < ihl + 8) return std::nullopt;
  const uint8_t* echo = q + ihl;
  uint8_t request = v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
  if (echo[0] != request || rd16(echo + 4) != id) return std::nullopt;
  return Heard{'U', rd16(echo + 6)};
}

}  // namespace

Result<std::unique_ptr<PingSession>> PingSession::open(const PingRequest& req) {
  std::unique_ptr<PingSession> s(new PingSession(req));
  bool v6 = !req.dst.is_v4();
  int fam = v6 ? AF_INET6 : AF_INET, proto = v6 ? int(IPPROTO_ICMPV6) : int(IPPROTO_ICMP);
  // Raw when we may (keygated runs as root; a raw socket also sees the
  // unreachables), else an ICMP datagram socket, which needs the group in
  // net.ipv4.ping_group_range (in a new namespace it admits nobody). The
  // kernel fills in a datagram socket's identifier and checksum.
  s->fd_ = ::socket(fam, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
  s->raw_ = s->fd_ >= 0;
  if (s->fd_ < 0) s->fd_ = ::socket(fam, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
  if (s->fd_ < 0) return fail(Errc::kIo, std::string("ICMP socket: ") + std::strerror(errno));
  if (req.source) {
    sockaddr_storage ss{};
    size_t n = Endpoint{*req.source, 0}.to_sockaddr(ss);
    if (::bind(s->fd_, reinterpret_cast<sockaddr*>(&ss), socklen_t(n)) != 0)
      return fail(Errc::kInvalidArgument, "cannot use source " + req.source->str() + ": " + std::strerror(errno));
  }
  static uint16_t counter = 0;
  s->id_ = uint16_t(::getpid() ^ (++counter << 10));
  size_t header = v6 ? 40 : 20;
  size_t payload = size_t(req.size) > header + 8 ? size_t(req.size) - header - 8 : 0;
  s->pkt_.assign(8 + payload, 0);
  for (size_t i = 8; i < s->pkt_.size(); ++i) s->pkt_[i] = (i % 2) ? 0xcd : 0xab;  // IOS's 0xABCD pattern
  s->buf_.resize(65536);
  return s;
}

PingSession::~PingSession() {
  if (fd_ >= 0) ::close(fd_);
}

std::optional<PingSession::Clock::time_point> PingSession::send_next() {
  bool v6 = !req_.dst.is_v4();
  sockaddr_storage to{};
  size_t tolen = Endpoint{req_.dst, 0}.to_sockaddr(to);
  while (echoes_.size() < size_t(req_.repeat)) {
    auto seq = uint16_t(echoes_.size());
    auto& p = pkt_;
    p[0] = v6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
    p[1] = 0;
    p[2] = p[3] = 0;
    p[4] = uint8_t(id_ >> 8), p[5] = uint8_t(id_);
    p[6] = uint8_t(seq >> 8), p[7] = uint8_t(seq);
    if (!v6) {  // ICMPv6's checksum covers a pseudo-header: the kernel computes it
      auto c = uint16_t(~csum_fold(csum_add({p.data(), p.size()})));
      p[2] = uint8_t(c >> 8), p[3] = uint8_t(c);
    }
    sent_ = Clock::now();
    echoes_.push_back({});
    if (::sendto(fd_, p.data(), p.size(), 0, reinterpret_cast<sockaddr*>(&to), socklen_t(tolen)) >= 0) {
      in_flight_ = true;
      return sent_ + req_.timeout;
    }
    // It never left (no route): '.' without waiting.
  }
  return std::nullopt;
}

bool PingSession::on_readable() {
  bool v6 = !req_.dst.is_v4();
  while (true) {
    ssize_t n = ::recv(fd_, buf_.data(), buf_.size(), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      // EAGAIN, or an asynchronous error (neighbour unreachable): the
      // timeout decides.
      return false;
    }
    const uint8_t* icmp = buf_.data();
    size_t len = size_t(n);
    if (raw_ && !v6) {  // a raw IPv4 socket reads the IP header too
      size_t ihl = len ? size_t(buf_[0] & 0x0f) * 4 : 0;
      if (len < ihl) continue;
      icmp += ihl, len -= ihl;
    }
    auto h = classify(icmp, len, v6, raw_, id_);
    if (!in_flight_ || !h || h->seq != uint16_t(echoes_.size() - 1)) continue;  // someone else's, or late
    echoes_.back().mark = h->mark;
    echoes_.back().rtt_us =
        uint32_t(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - sent_).count());
    in_flight_ = false;
    return true;
  }
}

void PingSession::on_timeout() { in_flight_ = false; }

Result<std::vector<PingEcho>> ping_blocking(const PingRequest& req) {
  auto s = PingSession::open(req);
  if (!s) return std::unexpected(s.error());
  auto& p = **s;
  while (auto deadline = p.send_next()) {
    while (true) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - PingSession::Clock::now());
      if (left.count() < 0) { p.on_timeout(); break; }
      pollfd pf{p.fd(), POLLIN, 0};
      if (::poll(&pf, 1, int(left.count()) + 1) > 0 && p.on_readable()) break;
    }
  }
  return p.echoes();
}

}  // namespace kg::io
