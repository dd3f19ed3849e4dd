// keygate-bench udp-send --local ADDR --remote ADDR --port P [--size B] [--seconds T]
//   sends B-byte datagrams (default 64) for T seconds (default 5), 64 per
//   sendmmsg; prints {"sent":N,"seconds":S,"pps":R}.
// keygate-bench udp-recv --bind ADDR --port P [--seconds T]
//   counts datagrams for T seconds from the first one (or until 1 s without
//   any), 64 per recvmmsg; prints {"packets":N,"seconds":S,"pps":R}. Exits 1
//   if nothing came within T + 20 s.
#include "udp_packets.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

namespace kg::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr unsigned kBatch = 64;

double since(Clock::time_point t0, Clock::time_point t1) { return std::chrono::duration<double>(t1 - t0).count(); }

bool parse_addr(const std::string& s, int port, sockaddr_in& out) {
  out = {};
  out.sin_family = AF_INET;
  out.sin_port = htons(static_cast<uint16_t>(port));
  return inet_pton(AF_INET, s.c_str(), &out.sin_addr) == 1;
}

// Socket buffers as large as root may set them, so that a burst is queued
// rather than dropped at the sender's or receiver's own socket.
void big_buffer(int fd, int opt_force, int opt) {
  int size = 8 << 20;
  if (setsockopt(fd, SOL_SOCKET, opt_force, &size, sizeof size) != 0) setsockopt(fd, SOL_SOCKET, opt, &size, sizeof size);
}

struct Args {
  std::string local, remote, bind;
  int port = 0, size = 64;
  double seconds = 5;
};

bool parse_args(int argc, char** argv, Args& a) {
  for (int i = 0; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--local") a.local = v;
    else if (k == "--remote") a.remote = v;
    else if (k == "--bind") a.bind = v;
    else if (k == "--port") a.port = std::stoi(v);
    else if (k == "--size") a.size = std::stoi(v);
    else if (k == "--seconds") a.seconds = std::stod(v);
    else return false;
  }
  return argc % 2 == 0 && a.port > 0 && a.port < 65536 && a.size > 0 && a.size <= 1472 && a.seconds > 0;
}

}  // namespace

int udp_send_main(int argc, char** argv) {
  Args a;
  sockaddr_in local{}, remote{};
  if (!parse_args(argc, argv, a) || !parse_addr(a.local, 0, local) || !parse_addr(a.remote, a.port, remote)) {
    std::fprintf(stderr, "usage: keygate-bench udp-send --local ADDR --remote ADDR --port P [--size B] [--seconds T]\n");
    return 2;
  }
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
      connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0) {
    std::fprintf(stderr, "udp-send: %s\n", std::strerror(errno));
    return 1;
  }
  big_buffer(fd, SO_SNDBUFFORCE, SO_SNDBUF);
  std::array<char, 1472> payload{};
  std::array<iovec, kBatch> iov{};
  std::array<mmsghdr, kBatch> msgs{};
  for (unsigned i = 0; i < kBatch; ++i) {
    iov[i] = {payload.data(), static_cast<size_t>(a.size)};
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  unsigned long long sent = 0;
  auto t0 = Clock::now(), now = t0;
  auto end = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(a.seconds));
  while ((now = Clock::now()) < end) {
    int n = sendmmsg(fd, msgs.data(), kBatch, 0);
    if (n > 0) sent += static_cast<unsigned>(n);
    // ENOBUFS: a full queue below the socket; ECONNREFUSED: an ICMP port
    // unreachable from before the receiver was up. Both: keep sending.
    else if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR && errno != ECONNREFUSED) {
      std::fprintf(stderr, "udp-send: sendmmsg: %s\n", std::strerror(errno));
      return 1;
    }
  }
  double s = since(t0, now);
  std::printf("{\"sent\":%llu,\"seconds\":%.3f,\"pps\":%.0f}\n", sent, s, static_cast<double>(sent) / s);
  close(fd);
  return 0;
}

int udp_recv_main(int argc, char** argv) {
  Args a;
  sockaddr_in addr{};
  if (!parse_args(argc, argv, a) || !parse_addr(a.bind, a.port, addr)) {
    std::fprintf(stderr, "usage: keygate-bench udp-recv --bind ADDR --port P [--seconds T]\n");
    return 2;
  }
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return 1;
  big_buffer(fd, SO_RCVBUFFORCE, SO_RCVBUF);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    std::fprintf(stderr, "udp-recv: bind: %s\n", std::strerror(errno));
    return 1;
  }
  static std::array<std::array<char, 2048>, kBatch> bufs;
  std::array<iovec, kBatch> iov{};
  std::array<mmsghdr, kBatch> msgs{};
  for (unsigned i = 0; i < kBatch; ++i) {
    iov[i] = {bufs[i].data(), bufs[i].size()};
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  unsigned long long packets = 0;
  auto window = std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(a.seconds));
  auto start = Clock::now(), first = start, last = start;
  for (;;) {
    auto now = Clock::now();
    if (packets == 0 && now - start > window + std::chrono::seconds(20)) break;
    if (packets > 0 && (now - first >= window || now - last > std::chrono::seconds(1))) break;
    int n = recvmmsg(fd, msgs.data(), kBatch, MSG_DONTWAIT, nullptr);
    if (n <= 0) {
      pollfd p{fd, POLLIN, 0};
      poll(&p, 1, 100);
      continue;
    }
    last = Clock::now();
    if (packets == 0) first = last;
    packets += static_cast<unsigned>(n);
  }
  close(fd);
  if (packets == 0) {
    std::fprintf(stderr, "udp-recv: no datagram\n");
    return 1;
  }
  double s = since(first, last);
  std::printf("{\"packets\":%llu,\"seconds\":%.3f,\"pps\":%.0f}\n", packets, s, s > 0 ? static_cast<double>(packets) / s : 0.0);
  return 0;
}

}  // namespace kg::bench
