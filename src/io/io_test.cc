#include <gtest/gtest.h>
#include <linux/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "io/event_loop.h"
#include "io/netlink.h"
#include "io/tun_device.h"
#include "io/udp_socket.h"

namespace kg::io {
namespace {

Endpoint ep(const char* a, uint16_t p) { return {*IpAddress::parse(a), p}; }

TEST(UdpSocket, BatchRoundTripReportsLocalAddress) {
  // Port 0: the kernel picks free ports and local() reports them.
  auto rx = UdpSocket::bind(ep("127.0.0.1", 0));
  auto tx = UdpSocket::bind(ep("127.0.0.1", 0));
  ASSERT_TRUE(rx && tx);
  ASSERT_NE(rx->local().port, 0);
  ASSERT_NE(tx->local().port, 0);
  const uint8_t m1[] = {1, 2, 3}, m2[] = {4, 5};
  SendSlot s[] = {{m1, rx->local()}, {m2, rx->local()}};
  EXPECT_EQ(tx->send_batch(s), 2u);
  uint8_t b1[64], b2[64];
  RecvSlot r[2] = {{b1}, {b2}};
  size_t got = 0;
  for (int i = 0; i < 100 && got < 2; ++i) {
    got += rx->recv_batch(std::span(r).subspan(got));
    if (got < 2) usleep(1000);
  }
  ASSERT_EQ(got, 2u);
  EXPECT_EQ(r[0].len, 3u);
  EXPECT_EQ(r[1].len, 2u);
  EXPECT_EQ(r[0].remote.port, tx->local().port);
  EXPECT_EQ(r[0].local.addr.str(), "127.0.0.1");
}

// A wildcard-bound socket answers from the address the caller names.
// Past net.core.rmem_max with CAP_NET_ADMIN (the kernel doubles what is set).
TEST(UdpSocket, ForcedReceiveBufferGoesPastTheSysctlLimit) {
  auto s = UdpSocket::bind(ep("127.0.0.1", 0));
  ASSERT_TRUE(s);
  if (geteuid() != 0) GTEST_SKIP() << "needs CAP_NET_ADMIN";
  ASSERT_TRUE(s->force_receive_buffer(32 << 20));
  int v = 0;
  socklen_t l = sizeof v;
  ASSERT_EQ(getsockopt(s->fd(), SOL_SOCKET, SO_RCVBUF, &v, &l), 0);
  EXPECT_EQ(v, 64 << 20);
}

TEST(UdpSocket, SecondBindOfTheSamePortFails) {
  auto a = UdpSocket::bind(ep("127.0.0.1", 0));
  ASSERT_TRUE(a);
  auto b = UdpSocket::bind(a->local());
  EXPECT_FALSE(b) << "a second socket on the same port would steal datagrams";
}

TEST(UdpSocket, SendsFromGivenSourceAddressWhenBoundToWildcard) {
  auto any = UdpSocket::bind(ep("0.0.0.0", 0));
  auto rx = UdpSocket::bind(ep("127.0.0.1", 0));
  ASSERT_TRUE(any && rx);
  const uint8_t m[] = {9};
  SendSlot s[] = {{m, rx->local(), *IpAddress::parse("127.0.0.2")}};
  ASSERT_EQ(any->send_batch(s), 1u);
  uint8_t b[16];
  RecvSlot r[1] = {{b}};
  size_t got = 0;
  for (int i = 0; i < 100 && !got; ++i) {
    got = rx->recv_batch(r);
    if (!got) usleep(1000);
  }
  ASSERT_EQ(got, 1u);
  EXPECT_EQ(r[0].remote.addr.str(), "127.0.0.2");
  EXPECT_EQ(r[0].remote.port, any->local().port);
}

// Receives `want` datagrams, cutting GRO batches into their datagrams;
// counts the batches that held more than one.
std::vector<Bytes> recv_datagrams(UdpSocket& s, size_t want, size_t* coalesced) {
  std::vector<Bytes> got;
  std::vector<uint8_t> b1(65536), b2(65536);
  for (int i = 0; i < 200 && got.size() < want; ++i) {
    RecvSlot r[2] = {{b1}, {b2}};
    size_t n = s.recv_batch(r);
    if (n == 0) usleep(1000);
    for (size_t k = 0; k < n; ++k) {
      size_t seg = r[k].segment ? r[k].segment : r[k].len;
      if (r[k].segment) ++*coalesced;
      for (size_t off = 0; off < r[k].len; off += seg)
        got.emplace_back(r[k].buf.begin() + long(off), r[k].buf.begin() + long(std::min(off + seg, r[k].len)));
    }
  }
  return got;
}

// A run of equal-sized datagrams (the last shorter) leaves as one GSO
// message; a receiver with GRO gets it back as one batch of the same
// datagrams, a receiver without GRO as the datagrams one by one.
TEST(UdpSocket, GsoRunsArriveAsTheSameDatagrams) {
  std::vector<Bytes> msgs;
  for (size_t i = 0; i < 5; ++i) msgs.emplace_back(1000, uint8_t(i));
  msgs.emplace_back(300, 0x55);
  msgs.emplace_back(50, 0x66);  // a new run: longer than the 300 before it
  msgs.emplace_back(50, 0x77);
  for (bool gro : {true, false}) {
    auto rx = UdpSocket::bind(ep("127.0.0.1", 0));
    auto tx = UdpSocket::bind(ep("127.0.0.1", 0));
    ASSERT_TRUE(rx && tx);
    if (gro) {
      ASSERT_TRUE(rx->enable_gro());
    }
    std::vector<SendSlot> s;
    for (auto& m : msgs) s.push_back({m, rx->local()});
    ASSERT_EQ(tx->send_batch(s), msgs.size());
    EXPECT_TRUE(tx->gso());
    size_t coalesced = 0;
    EXPECT_EQ(recv_datagrams(*rx, msgs.size(), &coalesced), msgs);
    if (gro) EXPECT_GE(coalesced, 1u) << "GSO and GRO kept the run together on loopback";
    else EXPECT_EQ(coalesced, 0u);
  }
}

TEST(EventLoop, FiresFdAndDeadline) {
  auto loop = EventLoop::create();
  ASSERT_TRUE(loop);
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  bool fd_fired = false, deadline_fired = false;
  ASSERT_TRUE((*loop)->add_fd(p[0], EPOLLIN, [&](uint32_t) {
    char c;
    (void)read(p[0], &c, 1);
    fd_fired = true;
  }));
  (*loop)->on_deadline([&] {
    deadline_fired = true;
    (*loop)->stop();
  });
  (*loop)->set_deadline(SteadyClock().now() + Millis(20));
  ASSERT_EQ(write(p[1], "x", 1), 1);
  (*loop)->run();
  EXPECT_TRUE(fd_fired);
  EXPECT_TRUE(deadline_fired);
  close(p[0]);
  close(p[1]);
}

// The txqueuelen of a device in this namespace (SIOCGIFTXQLEN), -1 on error.
int tx_queue_len(const char* name) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ifreq ifr{};
  std::strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
  int r = s >= 0 && ioctl(s, SIOCGIFTXQLEN, &ifr) == 0 ? ifr.ifr_qlen : -1;
  if (s >= 0) close(s);
  return r;
}

// TUN and netlink run in a child process inside a private network namespace,
// so the host's network is never touched.
int tun_child() {
  if (unshare(CLONE_NEWNET) != 0) return 10;
  auto nl = Netlink::open();
  if (!nl) return 11;
  if (!(*nl)->set_link_up("lo", true)) return 12;
  auto tun = TunDevice::open("kgtest0");
  if (!tun) return 13;
  if (!(*nl)->add_address("kgtest0", *Prefix::parse("198.18.0.1/30"))) return 14;
  if (!(*nl)->add_address("kgtest0", *Prefix::parse("198.18.0.1/30"))) return 15;  // idempotent
  if (!(*nl)->set_link_up("kgtest0", true)) return 16;
  if (!(*nl)->add_route(*Prefix::parse("198.18.1.0/24"), "kgtest0", std::nullopt)) return 17;
  auto addr = (*nl)->first_address("kgtest0", IpAddress::Family::kV4);
  if (!addr || addr->str() != "198.18.0.1") return 18;
  auto s = UdpSocket::bind(ep("0.0.0.0", 0));
  if (!s) return 19;
  const uint8_t msg[] = {'h', 'i'};
  if (!s->send(msg, ep("198.18.1.5", 9))) return 20;
  uint8_t buf[2048];
  std::span<uint8_t> bufs[] = {buf};
  size_t lens[1] = {0};
  // The kernel may also send IPv6 neighbour discovery into the TUN: skip it.
  for (int i = 0; i < 200; ++i) {
    if (tun->read_batch(bufs, lens) == 1 && (buf[0] >> 4) == 4) break;
    lens[0] = 0;
    usleep(1000);
  }
  // An IPv4 header (version 4) carrying UDP (17) to 198.18.1.5.
  if (lens[0] < 30 || (buf[0] >> 4) != 4 || buf[9] != 17 || buf[16] != 198 || buf[19] != 5) return 21;
  if (!(*nl)->del_route(*Prefix::parse("198.18.1.0/24"), "kgtest0")) return 22;
  // IPv6 address and route, MTU, and removal.
  if (!(*nl)->add_address("kgtest0", *Prefix::parse("2001:db8::1/64"))) return 23;
  if (!(*nl)->add_route(*Prefix::parse("2001:db8:1::/48"), "kgtest0", std::nullopt)) return 24;
  if (!(*nl)->del_route(*Prefix::parse("2001:db8:1::/48"), "kgtest0")) return 25;
  if (!(*nl)->del_address("kgtest0", *Prefix::parse("2001:db8::1/64"))) return 26;
  if (!(*nl)->set_mtu("kgtest0", 1400)) return 27;
  if (!(*nl)->ifindex("kgtest0")) return 28;
  if ((*nl)->ifindex("nosuchlink0")) return 29;
  if (!(*nl)->set_link_up("kgtest0", false)) return 30;
  // The ring for packets routed into the TUN: kTunTxQueueLen, or the
  // kernel's 500 when asked to leave it.
  if (tx_queue_len("kgtest0") != int(kTunTxQueueLen)) return 31;
  auto kernel_default = TunDevice::open("kgtest1", true, 0);
  if (!kernel_default || tx_queue_len("kgtest1") != 500) return 32;
  return 0;
}

TEST(TunNetlink, TunReceivesRoutedPacketInPrivateNamespace) {
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) _exit(tun_child());
  int st = 0;
  waitpid(pid, &st, 0);
  ASSERT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 0);
}

}  // namespace
}  // namespace kg::io
