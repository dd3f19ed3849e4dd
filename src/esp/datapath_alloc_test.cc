// No heap allocation per packet on the data path. This binary replaces the
// global operator new and OpenSSL's allocator with counting ones, warms two
// data paths up, then moves packets both ways (and every kind of bad packet)
// with counting on: the count must stay zero. Part two does the same with
// real offloading TUN devices in a private network namespace.
#include <gtest/gtest.h>
#include <openssl/crypto.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>
#include <tuple>

#include "crypto/crypto_engine.h"
#include "esp/datapath.h"
#include "esp/testing/fixtures.h"
#include "io/netlink.h"
#include "io/offload.h"
#include "io/tso_scatter.h"
#include "io/xdp_esp_socket.h"

namespace {

std::atomic<bool> g_counting{false};
std::atomic<uint64_t> g_allocs{0};

void* counted(size_t n) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocs.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n ? n : 1);
}
void* ossl_malloc(size_t n, const char*, int) { return counted(n); }
void* ossl_realloc(void* p, size_t n, const char*, int) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocs.fetch_add(1, std::memory_order_relaxed);
  return std::realloc(p, n);
}
void ossl_free(void* p, const char*, int) { std::free(p); }
// Before main: OpenSSL refuses new functions once it has allocated.
const int g_ossl_hooked = CRYPTO_set_mem_functions(ossl_malloc, ossl_realloc, ossl_free);

}  // namespace

void* operator new(size_t n) {
  if (void* p = counted(n)) return p;
  throw std::bad_alloc();
}
void* operator new[](size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }

namespace kg::esp {
namespace {

// Counts allocations made by `f`.
template <class F>
uint64_t allocations(F&& f) {
  g_allocs = 0;
  g_counting = true;
  f();
  g_counting = false;
  return g_allocs.load();
}

// A packet device over packets prepared in advance; nothing allocates.
class RingTun final : public PacketDevice {
 public:
  size_t read_batch(std::span<std::span<uint8_t>> bufs, std::span<size_t> lens) override {
    size_t n = 0;
    while (n < bufs.size() && next < ready) {
      const Bytes& p = packets[next++ % packets.size()];
      std::memcpy(bufs[n].data(), p.data(), p.size());
      lens[n++] = p.size();
    }
    return n;
  }
  size_t write_batch(std::span<const ByteView> p) override {
    written += p.size();
    return p.size();
  }
  [[nodiscard]] int fd() const override { return -1; }
  std::vector<Bytes> packets;
  size_t next = 0, ready = 0, written = 0;
};

Endpoint ep(const char* a, uint16_t p) { return {*IpAddress::parse(a), p}; }

using testing::ipv4;
using testing::ts;

// Site A is 198.18.0.0/24, site B 198.18.1.0/24; SPIs 0xa000000N and 0xb000000N.
esp::InstallChildSa child(bool a_side, const crypto::CipherSuite& s, Endpoint a, Endpoint b, uint32_t n = 1) {
  return testing::child_of(a_side, s,
                           {a, b, ts("198.18.0.0", "198.18.0.255"), ts("198.18.1.0", "198.18.1.255"),
                            0xa0000000 + n, 0xb0000000 + n});
}

struct Site {
  std::unique_ptr<Datapath> dp;
  RingTun* tun = nullptr;
  Endpoint natt;
};

Site make_site() {
  Site s;
  auto lo = *IpAddress::parse("127.0.0.1");
  auto s500 = io::UdpSocket::bind({lo, 0});
  auto s4500 = io::UdpSocket::bind({lo, 0});
  EXPECT_TRUE(s500 && s4500);
  EXPECT_TRUE(s4500->enable_gro());  // as Datapath::open does
  s.natt = s4500->local();
  s.dp = std::make_unique<Datapath>(wrap(std::move(*s500)), wrap(std::move(*s4500)),
                                    [](const Endpoint&, const Endpoint&, ByteView) {});
  auto tun = std::make_unique<RingTun>();
  s.tun = tun.get();
  EXPECT_TRUE(s.dp->add_tunnel("Tunnel0", std::move(tun)));
  return s;
}

// Moves `n` prepared packets from `from`'s TUN to `to`'s TUN.
void push(Site& from, Site& to, size_t n) {
  size_t want = to.tun->written + n;
  from.tun->ready += n;
  from.dp->process_tun("Tunnel0");
  for (int i = 0; i < 5000 && to.tun->written < want; ++i) {
    to.dp->process_udp(true);
    if (to.tun->written < want) usleep(1000);
  }
}

// A cipher suite on a crypto engine (AES-GCM and AES-CBC have two, crypto_engine.h).
class NoAlloc : public ::testing::TestWithParam<std::tuple<crypto::CipherSuite, crypto::CryptoEngine>> {
 protected:
  void SetUp() override {
    if (!crypto::select_esp_engine(std::get<1>(GetParam()))) GTEST_SKIP() << "engine not available here";
  }
  void TearDown() override { (void)crypto::select_esp_engine(engine_at_start_); }
  const crypto::CipherSuite& suite() const { return std::get<0>(GetParam()); }
  crypto::CryptoEngine engine_at_start_ = crypto::esp_engine();
};

TEST_P(NoAlloc, GoodAndBadPacketsBothWays) {
  ASSERT_EQ(g_ossl_hooked, 1) << "OpenSSL allocated before main";
  Site a = make_site(), b = make_site();
  ASSERT_TRUE(a.dp->install_sa(child(true, suite(), a.natt, b.natt)));
  ASSERT_TRUE(b.dp->install_sa(child(false, suite(), a.natt, b.natt)));
  // Full-sized packets (GSO/GRO runs) and small ones, each way.
  for (int i = 0; i < 96; ++i) a.tun->packets.push_back(ipv4("198.18.0.7", "198.18.1.9", i % 3 ? 1400 : 60));
  for (int i = 0; i < 8; ++i) b.tun->packets.push_back(ipv4("198.18.1.9", "198.18.0.7", 52));
  // Bad datagrams from a third socket: a replay, a bad ICV, an unknown SPI,
  // a short one, a keepalive, IKE behind the non-ESP marker, and a packet
  // whose inner source is outside the selectors. The authentic ones use an
  // SA of their own (on a second tunnel), so they do not move the replay
  // window of the traffic above.
  auto evil_sa = child(false, suite(), a.natt, b.natt, 2);
  evil_sa.interface = "Tunnel1";
  ASSERT_TRUE(b.dp->add_tunnel("Tunnel1", std::make_unique<RingTun>()));
  ASSERT_TRUE(b.dp->install_sa(evil_sa));
  auto peer = OutboundSa::create(0xb0000002, suite(), evil_sa.encr_in, evil_sa.integ_in);
  ASSERT_TRUE(peer);
  auto seal = [&](const Bytes& inner) {
    Bytes buf(kHeadroom + inner.size() + kTailroom);
    std::copy(inner.begin(), inner.end(), buf.begin() + kHeadroom);
    (*peer)->skip_to_seq_for_testing(100000 + uint32_t(inner.size()));
    auto e = (*peer)->seal(buf, inner.size());
    return Bytes(e->begin(), e->end());
  };
  std::vector<Bytes> bad = {seal(ipv4("198.18.0.7", "198.18.1.9", 100)), seal(ipv4("198.18.0.7", "198.18.1.9", 101)),
                            seal(ipv4("198.18.0.7", "198.18.1.9", 102)), Bytes{1, 2, 3},
                            Bytes{0xff},                                    Bytes{0, 0, 0, 0, 1, 2, 3, 4},
                            seal(ipv4("203.0.113.1", "198.18.1.9", 103))};
  bad.push_back(bad[0]);  // replay
  bad[1].back() ^= 1;     // ICV
  bad[2][0] ^= 0x40;      // SPI
  // A fresh out-of-selector packet for every round (a resent one would be a replay).
  std::vector<Bytes> spoofed;
  for (size_t r = 0; r < 6; ++r) spoofed.push_back(seal(ipv4("203.0.113.1", "198.18.1.9", 110 + r)));
  auto evil = io::UdpSocket::bind(ep("127.0.0.1", 0));
  ASSERT_TRUE(evil);
  std::vector<std::vector<io::SendSlot>> bad_slots(6);
  for (size_t r = 0; r < 6; ++r) {
    for (auto& d : bad) bad_slots[r].push_back({d, b.natt});
    bad_slots[r].push_back({spoofed[r], b.natt});
  }

  size_t r = 0;
  auto round = [&] {
    push(a, b, 96);
    push(b, a, 8);
    (void)evil->send_batch(bad_slots[r++]);
    for (int i = 0; i < 20; ++i) {
      b.dp->process_udp(true);
      usleep(500);
    }
  };
  round();  // warm-up: sockets, OpenSSL contexts, scratch space
  uint64_t before = b.dp->sa_stats()[0].pkts_decaps;
  EXPECT_EQ(allocations([&] {
              for (int i = 0; i < 5; ++i) round();
            }),
            0u);
  EXPECT_GE(b.dp->sa_stats()[0].pkts_decaps - before, 5u * 96) << "the packets did go through";
  auto st = b.dp->sa_stats()[1];
  EXPECT_GE(st.replay_failures, 5u);
  EXPECT_GE(st.auth_failures, 5u);
  EXPECT_GE(st.policy_drops, 5u);
  EXPECT_GE(b.dp->counters().no_sa, 5u);
  EXPECT_GE(b.dp->counters().keepalives_in, 5u);
}

INSTANTIATE_TEST_SUITE_P(
    Suites, NoAlloc,
    ::testing::Values(std::tuple(crypto::CipherSuite{crypto::Cipher::kAesGcm16, 128, crypto::Mac::kNone},
                                 crypto::CryptoEngine::kOpenSsl),
                      std::tuple(crypto::CipherSuite{crypto::Cipher::kAesGcm16, 128, crypto::Mac::kNone},
                                 crypto::CryptoEngine::kIpsecMb),
                      std::tuple(crypto::CipherSuite{crypto::Cipher::kAesGcm16, 256, crypto::Mac::kNone},
                                 crypto::CryptoEngine::kIpsecMb),
                      std::tuple(crypto::CipherSuite{crypto::Cipher::kAesCbc, 256, crypto::Mac::kHmacSha2_256_128},
                                 crypto::CryptoEngine::kOpenSsl),
                      std::tuple(crypto::CipherSuite{crypto::Cipher::kAesCbc, 256, crypto::Mac::kHmacSha2_256_128},
                                 crypto::CryptoEngine::kIpsecMb),
                      std::tuple(crypto::CipherSuite{crypto::Cipher::kAesCbc, 128, crypto::Mac::kHmacSha1_96},
                                 crypto::CryptoEngine::kIpsecMb)));

// The TUN offloads' packet work: cutting a TSO packet and merging segments.
TEST(NoAlloc, TunOffloadCutAndMerge) {
  // IPv4 | TCP (20 bytes) | 8000 bytes, cut at 1400; checksums are not
  // checked by the cut, and the merge verifies them (they fail here: never
  // merged, which is also a path).
  Bytes big = ipv4("198.18.0.7", "198.18.1.9", 20 + 20 + 8000);
  big[9] = 6;
  big[32] = 5 << 4;
  big[33] = 0x10;
  io::VnetHdr h;
  h.flags = io::VnetHdr::kNeedsCsum;
  h.gso_type = io::VnetHdr::kGsoTcpV4;
  h.gso_size = 1400;
  h.csum_start = 20;
  h.csum_offset = 16;
  std::vector<Bytes> segs(8, Bytes(1500));
  std::vector<ByteView> views;
  io::TunCoalescer c(true);
  // The scatter read's layout and in-place cut (io/tso_scatter.h), with the
  // kernel's readv done here by hand.
  const io::GsoShape shape = io::shape_of(h, big);
  std::vector<Bytes> sbufs(shape.buffers(), Bytes(1500));
  std::vector<std::span<uint8_t>> sviews(sbufs.begin(), sbufs.end());
  std::vector<size_t> slens(sbufs.size());
  std::vector<iovec> iov(sbufs.size() + 2);
  Bytes stage(io::VnetHdr::kSize + io::kMaxTunPacket + 16384);
  size_t scut = 0;
  auto work = [&] {
    auto n = io::gso_count(h, big);
    views.clear();
    for (size_t i = 0; i < *n; ++i) {
      size_t l = io::gso_segment(h, big, i, segs[i]);
      views.push_back(ByteView(segs[i]).first(l));
    }
    c.plan(views);
    size_t k = io::scatter_layout(shape, sviews, stage, iov);
    h.write(stage.data());
    for (size_t i = 1, off = 0; i < k && off < big.size(); ++i) {
      size_t m = std::min(iov[i].iov_len, big.size() - off);
      std::memcpy(iov[i].iov_base, big.data() + off, m);
      off += m;
    }
    scut = io::scatter_cut(shape, h, big.size(), sviews, slens).value_or(0);
  };
  work();
  EXPECT_EQ(allocations([&] {
              for (int i = 0; i < 10; ++i) work();
            }),
            0u);
  EXPECT_EQ(views.size(), 6u);
  EXPECT_EQ(scut, 6u);
}

// Real offloading TUN devices in a private network namespace: an
// application's UDP datagrams routed into TUN kga leave data path A as ESP
// to data path B, which writes them into TUN kgb (merged where it can). The
// namespace is private, so fixed ports are free.
int tun_child() {
  if (unshare(CLONE_NEWNET) != 0) return 10;
  auto nl = io::Netlink::open();
  if (!nl || !(*nl)->set_link_up("lo", true)) return 11;
  auto lo = *IpAddress::parse("127.0.0.1");
  auto mk = [&](const char* tun, const char* addr, uint16_t port) -> std::unique_ptr<Datapath> {
    auto dp = Datapath::open(lo, [](const Endpoint&, const Endpoint&, ByteView) {}, uint16_t(port - 4000), port);
    if (!dp || !(*dp)->add_tunnel(tun)) return nullptr;
    if (!(*nl)->add_address(tun, *Prefix::parse(addr)) || !(*nl)->set_link_up(tun, true)) return nullptr;
    return std::move(*dp);
  };
  auto a = mk("kga", "198.18.0.1/24", 4500);
  auto b = mk("kgb", "198.18.1.1/24", 4501);
  if (!a || !b) return 12;
  if (!(*nl)->add_route(*Prefix::parse("198.18.1.0/24"), "kga", std::nullopt)) return 13;
  const crypto::CipherSuite gcm{crypto::Cipher::kAesGcm16, 128, crypto::Mac::kNone};
  auto pa = child(true, gcm, ep("127.0.0.1", 4500), ep("127.0.0.1", 4501));
  auto pb = child(false, gcm, ep("127.0.0.1", 4500), ep("127.0.0.1", 4501));
  pa.interface = "kga";
  pb.interface = "kgb";
  if (!a->install_sa(pa) || !b->install_sa(pb)) return 14;
  auto app = io::UdpSocket::bind(ep("198.18.0.1", 0));
  if (!app) return 15;
  Bytes msg(1000, 0x5a);
  auto round = [&] {
    for (int i = 0; i < 64; ++i) (void)app->send(msg, ep("198.18.1.5", 9));
    for (int i = 0; i < 20; ++i) {
      a->process_tun("kga");
      b->process_udp(true);
      usleep(500);
    }
  };
  round();
  round();
  uint64_t n = allocations([&] {
    for (int i = 0; i < 5; ++i) round();
  });
  if (n != 0) return 20;
  for (int i = 0; i < 2000; ++i) {  // a loaded machine may still hold some
    a->process_tun("kga");
    b->process_udp(true);
    if (b->sa_stats()[0].pkts_decaps >= 7 * 64) break;
    usleep(1000);
  }
  auto st = b->sa_stats();
  if (st.empty() || st[0].pkts_decaps < 5 * 64) return 21;
  return 0;
}

TEST(NoAlloc, RealOffloadingTunsInPrivateNamespace) {
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) _exit(tun_child());
  int st = 0;
  waitpid(pid, &st, 0);
  ASSERT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 0) << "20: allocations while packets flowed; 21: packets did not arrive";
}

// The raw ESP socket (io/raw_esp_socket.h), the default for plain ESP: IPv4
// with the header keygated writes (IP_HDRINCL) and IPv6 with the kernel's,
// sent and received on a private namespace's loopback with counting on.
int raw_child() {
  if (unshare(CLONE_NEWNET) != 0) return 10;
  auto nl = io::Netlink::open();
  if (!nl || !(*nl)->set_link_up("lo", true)) return 11;
  constexpr size_t kN = 32;
  Bytes esp(1400, 0x5a);
  std::vector<Bytes> bufs(kN, Bytes(2048));
  std::vector<io::RecvSlot> slots(kN);
  for (const char* addr : {"127.0.0.1", "::1"}) {
    const IpAddress a = *IpAddress::parse(addr);
    auto s = io::RawEspSocket::open(a.family);
    if (!s) return 12;
    std::vector<io::SendSlot> out(kN, io::SendSlot{esp, {a, 0}, a});
    uint64_t sent = 0, got = 0;
    auto round = [&] {
      sent += s->send_batch(out);
      for (int i = 0; i < 50 && got < sent; ++i) {
        for (size_t k = 0; k < kN; ++k) slots[k] = io::RecvSlot{bufs[k]};
        got += s->recv_batch(slots);
      }
    };
    round();
    if (allocations([&] {
          for (int i = 0; i < 10; ++i) round();
        }) != 0)
      return 20;
    if (sent != 11 * kN || got < 10 * kN) return 21;
  }
  return 0;
}

TEST(NoAlloc, PlainEspThroughRawSocket) {
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) _exit(raw_child());
  int st = 0;
  waitpid(pid, &st, 0);
  ASSERT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 0) << "20: allocations while packets flowed; 21: packets did not arrive";
}

// Plain ESP through AF_XDP (io/xdp_esp_socket.h) between two namespaces
// joined by a veth: ESP leaves namespace A through AF_XDP to B's raw socket,
// and B's raw socket sends ESP back to A's AF_XDP socket, with counting on.
// A's neighbour entry for B is static, so every packet goes through AF_XDP.
int xdp_child(const std::string& na, const std::string& nb) {
  auto sh = [](const std::string& c) { return std::system(c.c_str()) == 0; };
  if (!sh("ip netns add " + na) || !sh("ip netns add " + nb)) return 10;
  if (!sh("ip -n " + na + " link add kgx type veth peer name kgx netns " + nb) ||
      !sh("ip -n " + na + " addr add 198.51.100.1/24 dev kgx") || !sh("ip -n " + nb + " addr add 198.51.100.2/24 dev kgx") ||
      !sh("ip -n " + na + " link set kgx up") || !sh("ip -n " + nb + " link set kgx up") ||
      !sh("ip -n " + na + " neigh replace 198.51.100.2 dev kgx nud permanent lladdr $(ip -n " + nb +
          " -br link show kgx | awk '{print $3}')") ||
      !sh("ip -n " + nb + " neigh replace 198.51.100.1 dev kgx nud permanent lladdr $(ip -n " + na +
          " -br link show kgx | awk '{print $3}')"))
    return 11;
  int fa = open(("/run/netns/" + na).c_str(), O_RDONLY | O_CLOEXEC);
  int fb = open(("/run/netns/" + nb).c_str(), O_RDONLY | O_CLOEXEC);
  if (fa < 0 || fb < 0 || setns(fb, CLONE_NEWNET) != 0) return 12;
  auto raw = io::RawEspSocket::open(IpAddress::Family::kV4);
  if (!raw || setns(fa, CLONE_NEWNET) != 0) return 13;
  auto xdp = io::XdpEspSocket::open();
  if (!xdp) return 77;  // no native XDP here: skipped
  (*xdp)->attach();
  const IpAddress a = *IpAddress::parse("198.51.100.1"), b = *IpAddress::parse("198.51.100.2");
  constexpr size_t kN = 32;
  Bytes esp(200, 0x5a);
  std::vector<io::SendSlot> to_b(kN, io::SendSlot{esp, {b, 0}, a}), to_a(kN, io::SendSlot{esp, {a, 0}, b});
  std::vector<Bytes> bufs(kN, Bytes(2048));
  std::vector<io::RecvSlot> slots(kN);
  std::array<bool, kN> taken{};
  uint64_t got_a = 0, got_b = 0, sent = 0;
  auto round = [&] {
    sent += (*xdp)->send_batch(to_b, taken);
    (void)raw->send_batch(to_a);
    for (int i = 0; i < 20; ++i) {
      for (size_t k = 0; k < kN; ++k) slots[k] = io::RecvSlot{bufs[k]};
      got_b += raw->recv_batch(slots);
      for (size_t k = 0; k < kN; ++k) slots[k] = io::RecvSlot{bufs[k]};
      got_a += (*xdp)->recv_batch(slots);
      usleep(200);
    }
  };
  round();
  round();
  if (allocations([&] {
        for (int i = 0; i < 10; ++i) round();
      }) != 0)
    return 20;
  if (sent != 12 * kN || got_b < 10 * kN || got_a < 10 * kN || (*xdp)->counters().rx < 10 * kN) return 21;
  return 0;
}

TEST(NoAlloc, PlainEspThroughAfXdp) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (namespaces, XDP)";
  const std::string na = "kgxdp-a-" + std::to_string(getpid()), nb = "kgxdp-b-" + std::to_string(getpid());
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) _exit(xdp_child(na, nb));
  int st = 0;
  waitpid(pid, &st, 0);
  (void)std::system(("ip netns del " + na + " 2>/dev/null; ip netns del " + nb + " 2>/dev/null").c_str());
  ASSERT_TRUE(WIFEXITED(st));
  if (WEXITSTATUS(st) == 77) GTEST_SKIP() << "no native XDP here";
  EXPECT_EQ(WEXITSTATUS(st), 0) << "20: allocations while packets flowed; 21: packets did not arrive";
}

}  // namespace
}  // namespace kg::esp
