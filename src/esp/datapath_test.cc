// Data path tests: two Datapath instances over real UDP sockets on 127.0.0.1
// with in-memory TUN devices, and a misbehaving peer that feeds crafted
// datagrams (bad ICV, wrong SPI, replay, truncation) through a fake socket.
#include "esp/datapath.h"
#include "esp/testing/fixtures.h"

#include "common/log.h"

#include "io/netlink.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>

namespace kg::esp {
namespace {

using FakeTun = testing::MemTun;
using testing::ipv4;
using testing::ts;

class FakeUdp final : public DatagramSocket {
 public:
  explicit FakeUdp(Endpoint l) : local(l) {}
  size_t recv_batch(std::span<io::RecvSlot> slots) override {
    size_t n = 0;
    while (n < slots.size() && !rx.empty()) {
      auto& [data, from] = rx.front();
      std::copy(data.begin(), data.end(), slots[n].buf.begin());
      slots[n].len = data.size();
      slots[n].remote = from;
      slots[n].local = local;
      ++n;
      rx.pop_front();
    }
    return n;
  }
  size_t send_batch(std::span<const io::SendSlot> slots) override {
    for (auto& s : slots) tx.push_back({Bytes(s.data.begin(), s.data.end()), s.remote});
    return slots.size();
  }
  [[nodiscard]] int fd() const override { return -1; }
  Endpoint local;
  std::deque<std::pair<Bytes, Endpoint>> rx;
  std::vector<std::pair<Bytes, Endpoint>> tx;
};

Endpoint ep(const char* a, uint16_t p) { return {*IpAddress::parse(a), p}; }

// Site A: 198.51.100.0/24 behind it; site B: 203.0.113.0/24.
esp::InstallChildSa child(bool a_side, const crypto::CipherSuite& s, uint32_t spi_a, uint32_t spi_b,
                          Endpoint a, Endpoint b) {
  return testing::child_of(a_side, s,
                           {a, b, ts("198.51.100.0", "198.51.100.255"), ts("203.0.113.0", "203.0.113.255"), spi_a, spi_b});
}

const crypto::CipherSuite kGcm128{crypto::Cipher::kAesGcm16, 128, crypto::Mac::kNone};
const crypto::CipherSuite kCbcSha256{crypto::Cipher::kAesCbc, 256, crypto::Mac::kHmacSha2_256_128};

struct Site {
  std::unique_ptr<Datapath> dp;
  FakeTun* tun = nullptr;
  Endpoint natt;  // where the peer sends ESP
};

// Port 0: the kernel picks free ports, so parallel test processes never share one.
Site make_site() {
  Site s;
  auto lo = *IpAddress::parse("127.0.0.1");
  auto s500 = io::UdpSocket::bind({lo, 0});
  auto s4500 = io::UdpSocket::bind({lo, 0});
  EXPECT_TRUE(s500 && s4500);
  s.natt = s4500->local();
  EXPECT_NE(s.natt.port, 0);
  s.dp = std::make_unique<Datapath>(wrap(std::move(*s500)), wrap(std::move(*s4500)), nullptr);
  auto tun = std::make_unique<FakeTun>();
  s.tun = tun.get();
  EXPECT_TRUE(s.dp->add_tunnel("Tunnel0", std::move(tun)));
  return s;
}

// Real sockets are asynchronous even on loopback: poll a little.
void pump(Datapath& dp, FakeTun& tun, size_t want) {
  for (int i = 0; i < 200 && tun.tx.size() < want; ++i) {
    dp.process_udp(true);
    if (tun.tx.size() < want) usleep(1000);
  }
}

class TwoSites : public ::testing::TestWithParam<crypto::CipherSuite> {};

TEST_P(TwoSites, PacketsCrossInBothDirectionsOverLoopbackUdp) {
  Site a = make_site(), b = make_site();
  auto ea = a.natt, eb = b.natt;
  ASSERT_TRUE(a.dp->install_sa(child(true, GetParam(), 0xa0000001, 0xb0000001, ea, eb)));
  ASSERT_TRUE(b.dp->install_sa(child(false, GetParam(), 0xa0000001, 0xb0000001, ea, eb)));
  std::vector<Bytes> sent;
  for (size_t len : {20u, 61u, 1400u, 9000u}) sent.push_back(ipv4("198.51.100.7", "203.0.113.9", len));
  for (auto& p : sent) a.tun->rx.push_back(p);
  a.dp->process_tun("Tunnel0");
  pump(*b.dp, *b.tun, sent.size());
  ASSERT_EQ(b.tun->tx, sent);
  auto back = ipv4("203.0.113.9", "198.51.100.7", 100, 0x5a);
  b.tun->rx.push_back(back);
  b.dp->process_tun("Tunnel0");
  pump(*a.dp, *a.tun, 1);
  ASSERT_EQ(a.tun->tx.size(), 1u);
  EXPECT_EQ(a.tun->tx[0], back);
  auto st = a.dp->sa_stats();
  ASSERT_EQ(st.size(), 1u);
  EXPECT_EQ(st[0].pkts_encaps, 4u);
  EXPECT_EQ(st[0].pkts_decaps, 1u);
  EXPECT_EQ(st[0].recv_errors, 0u);
  EXPECT_TRUE(st[0].current_outbound);
}

INSTANTIATE_TEST_SUITE_P(Suites, TwoSites,
                         ::testing::Values(kGcm128, crypto::CipherSuite{crypto::Cipher::kAesGcm16, 256},
                                           kCbcSha256,
                                           crypto::CipherSuite{crypto::Cipher::kAesCbc, 128,
                                                               crypto::Mac::kHmacSha1_96}));

// A misbehaving peer: B's data path behind a fake socket, fed crafted datagrams.
struct Harness {
  FakeUdp* udp = nullptr;
  FakeTun* tun = nullptr;
  std::unique_ptr<Datapath> dp;
  std::vector<std::pair<Endpoint, Bytes>> ike;
  std::function<void()> during_ike;  // runs inside the IKE handler
  std::unique_ptr<OutboundSa> peer;  // the peer's sending half
  Endpoint a = ep("192.0.2.1", 4500), b = ep("192.0.2.2", 4500);

  explicit Harness(const crypto::CipherSuite& s = kGcm128) {
    auto u = std::make_unique<FakeUdp>(b);
    udp = u.get();
    dp = std::make_unique<Datapath>(nullptr, std::move(u), [this](const Endpoint&, const Endpoint& r, ByteView m) {
      ike.push_back({r, Bytes(m.begin(), m.end())});
      if (during_ike) during_ike();
    });
    auto t = std::make_unique<FakeTun>();
    tun = t.get();
    EXPECT_TRUE(dp->add_tunnel("Tunnel0", std::move(t)));
    auto pa = child(true, s, 0xa0000001, 0xb0000001, a, b);
    EXPECT_TRUE(dp->install_sa(child(false, s, 0xa0000001, 0xb0000001, a, b)));
    peer = std::move(*OutboundSa::create(pa.spi_out, s, pa.encr_out, pa.integ_out));
  }
  Bytes esp(const Bytes& inner) {
    Bytes buf(kHeadroom + inner.size() + kTailroom);
    std::copy(inner.begin(), inner.end(), buf.begin() + kHeadroom);
    auto e = peer->seal(buf, inner.size());
    EXPECT_TRUE(e);
    return Bytes(e->begin(), e->end());
  }
  void deliver(const Bytes& d) {
    udp->rx.push_back({d, a});
    dp->process_udp(true);
  }
  SaStats stats() { return dp->sa_stats().at(0); }
};

// KEYGATE_DATAPATH's words (DatapathOptions::from_env): tun-queue=N sets the
// TUNs' txqueuelen, 0 leaves the kernel's, and without it kTunTxQueueLen;
// udp-rcvbuf=N the port-4500 socket's forced receive buffer (32 MiB).
TEST(DatapathOptionsEnv, TunQueueWordSetsTheLengthAndLeavesTheOthers) {
  const char* old = std::getenv("KEYGATE_DATAPATH");
  std::string saved = old ? old : "";
  unsetenv("KEYGATE_DATAPATH");
  EXPECT_EQ(DatapathOptions::from_env().tun_queue_len, io::kTunTxQueueLen);
  EXPECT_EQ(DatapathOptions::from_env().udp_rcvbuf, 32 << 20);
  setenv("KEYGATE_DATAPATH", "no-gso tun-queue=500 udp-rcvbuf=0", 1);
  auto o = DatapathOptions::from_env();
  EXPECT_EQ(o.tun_queue_len, 500u);
  EXPECT_EQ(o.udp_rcvbuf, 0);
  EXPECT_FALSE(o.udp_gso);
  EXPECT_TRUE(o.udp_gro);
  setenv("KEYGATE_DATAPATH", "tun-queue=0", 1);
  EXPECT_EQ(DatapathOptions::from_env().tun_queue_len, 0u);
  if (old) setenv("KEYGATE_DATAPATH", saved.c_str(), 1);
  else unsetenv("KEYGATE_DATAPATH");
}

// ESP with an SPI no SA has is reported after the batch (IKEv1 invalid-SPI
// recovery), at most kMaxUnknownSpi per batch, with the sender.
TEST(Misbehaving, UnknownSpiIsReportedAfterTheBatch) {
  Harness h;
  std::vector<uint32_t> spis;
  std::vector<Endpoint> from;
  h.dp->on_unknown_spi([&](uint32_t spi, const Endpoint&, const Endpoint& r) {
    spis.push_back(spi);
    from.push_back(r);
  });
  auto p = h.esp(ipv4("198.51.100.7", "203.0.113.9", 80));
  p[3] ^= 0x55;
  uint32_t spi = uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
  for (int i = 0; i < 10; ++i) h.udp->rx.push_back({p, h.a});
  h.dp->process_udp(true);
  EXPECT_EQ(h.dp->counters().no_sa, 10u);
  ASSERT_EQ(spis.size(), Datapath::kMaxUnknownSpi);
  EXPECT_EQ(spis[0], spi);
  EXPECT_EQ(from[0], h.a);
  h.deliver(h.esp(ipv4("198.51.100.7", "203.0.113.9", 80)));  // a known SPI: nothing more
  EXPECT_EQ(spis.size(), Datapath::kMaxUnknownSpi);
}

TEST(Misbehaving, EachBadDatagramIsDroppedAndCounted) {
  Harness h;
  auto good = h.esp(ipv4("198.51.100.7", "203.0.113.9", 80));
  h.deliver(good);
  ASSERT_EQ(h.tun->tx.size(), 1u);
  h.deliver(good);  // replayed
  EXPECT_EQ(h.stats().replay_failures, 1u);
  auto bad_icv = h.esp(ipv4("198.51.100.7", "203.0.113.9", 80));
  bad_icv.back() ^= 0x01;
  h.deliver(bad_icv);
  EXPECT_EQ(h.stats().auth_failures, 1u);
  auto wrong_spi = h.esp(ipv4("198.51.100.7", "203.0.113.9", 80));
  wrong_spi[3] ^= 0x55;
  h.deliver(wrong_spi);
  EXPECT_EQ(h.dp->counters().no_sa, 1u);
  auto truncated = h.esp(ipv4("198.51.100.7", "203.0.113.9", 80));
  truncated.resize(20);
  h.deliver(truncated);
  EXPECT_EQ(h.stats().malformed, 1u);
  h.deliver(Bytes{0xc0, 0xff});  // shorter than an ESP header
  EXPECT_EQ(h.dp->counters().malformed, 1u);
  auto spoofed = h.esp(ipv4("192.0.2.77", "203.0.113.9", 80));  // source outside the peer's TS
  h.deliver(spoofed);
  EXPECT_EQ(h.stats().policy_drops, 1u);
  EXPECT_EQ(h.stats().recv_errors, 4u);
  EXPECT_EQ(h.tun->tx.size(), 1u);
  EXPECT_EQ(h.stats().pkts_decaps, 1u);
}

TEST(Misbehaving, KeepaliveIsDroppedAndIkeIsHandedOverWithoutMarker) {
  Harness h;
  h.deliver(Bytes{0xff});
  EXPECT_EQ(h.dp->counters().keepalives_in, 1u);
  h.deliver(Bytes{0, 0, 0, 0, 0x11, 0x22, 0x33, 0x44, 0x55});
  ASSERT_EQ(h.ike.size(), 1u);
  EXPECT_EQ(h.ike[0].second, (Bytes{0x11, 0x22, 0x33, 0x44, 0x55}));
  EXPECT_EQ(h.ike[0].first, h.a);
  EXPECT_TRUE(h.tun->tx.empty());
}

TEST(Datapath, SendIkeOnNattPortAddsNonEspMarker) {
  Harness h;
  const Bytes msg{1, 2, 3};
  ASSERT_TRUE(h.dp->send_ike(h.b, h.a, msg));
  ASSERT_EQ(h.udp->tx.size(), 1u);
  EXPECT_EQ(h.udp->tx[0].first, (Bytes{0, 0, 0, 0, 1, 2, 3}));
  EXPECT_EQ(h.udp->tx[0].second, h.a);
}

// Answers sent while a receive batch is handled leave together after it; a
// datagram the socket refuses is counted and logged, and the rest still go.
TEST(Datapath, QueuedIkeAnswersSurviveARefusedDatagram) {
  struct Refusing final : DatagramSocket {
    FakeUdp inner{ep("192.0.2.2", 4500)};
    size_t refuse_at = 1;  // the position (in all datagrams sent) refused once
    size_t seen = 0;
    size_t recv_batch(std::span<io::RecvSlot> s) override { return inner.recv_batch(s); }
    size_t send_batch(std::span<const io::SendSlot> slots) override {
      for (size_t k = 0; k < slots.size(); ++k, ++seen) {
        if (seen == refuse_at) {
          ++seen;
          errno = ENOBUFS;  // as sendmmsg leaves it
          return k;
        }
        inner.send_batch(slots.subspan(k, 1));
      }
      return slots.size();
    }
    [[nodiscard]] int fd() const override { return -1; }
  };
  auto u = std::make_unique<Refusing>();
  Refusing* sock = u.get();
  Datapath* self = nullptr;
  Datapath dp(nullptr, std::move(u), [&self](const Endpoint& l, const Endpoint& r, ByteView m) {
    for (uint8_t k = 0; k < 3; ++k) {
      Bytes answer(m.begin(), m.end());
      answer.push_back(k);
      EXPECT_TRUE(self->send_ike(l, r, answer));
    }
  });
  self = &dp;
  std::string logs;
  log::set_sink([&logs](log::Level, std::string_view line) { logs += std::string(line) + "\n"; });
  sock->inner.rx.push_back({Bytes{0, 0, 0, 0, 7, 7, 7, 7}, ep("192.0.2.1", 4500)});
  dp.process_udp(true);
  log::set_sink(nullptr);
  ASSERT_EQ(sock->inner.tx.size(), 2u);
  EXPECT_EQ(sock->inner.tx[0].first, (Bytes{0, 0, 0, 0, 7, 7, 7, 7, 0}));
  EXPECT_EQ(sock->inner.tx[1].first, (Bytes{0, 0, 0, 0, 7, 7, 7, 7, 2}));
  EXPECT_EQ(dp.counters().udp_send_errors, 1u);
  // Where to and why (the errno), not the destination twice.
  EXPECT_NE(logs.find("IKE send to 192.0.2.1:4500: sendmsg: " + std::string(std::strerror(ENOBUFS))), std::string::npos)
      << logs;
}

TEST(Datapath, NoSaDropsAndReports) {
  auto u = std::make_unique<FakeUdp>(ep("192.0.2.2", 4500));
  Datapath dp(nullptr, std::move(u), nullptr);
  auto t = std::make_unique<FakeTun>();
  FakeTun* tun = t.get();
  ASSERT_TRUE(dp.add_tunnel("Tunnel1", std::move(t)));
  std::vector<std::string> asked;
  dp.on_no_sa([&](const std::string& n) { asked.push_back(n); });
  tun->rx.push_back(ipv4("203.0.113.9", "198.51.100.7", 60));
  dp.process_tun("Tunnel1");
  EXPECT_EQ(dp.no_sa_drops("Tunnel1"), 1u);
  EXPECT_EQ(asked, std::vector<std::string>{"Tunnel1"});
  EXPECT_FALSE(dp.install_sa(child(false, kGcm128, 1000, 2000, {}, {})));  // no Tunnel0
}

// Packets flow one way: a batch's IKE datagrams reach the handler once the
// batch is done (the ESP behind them already decrypted and written), so the
// handler may change the SA table.
TEST(Datapath, IkeIsHandedOverAfterTheBatch) {
  Harness h;
  size_t written_before_ike = 99;
  h.during_ike = [&h, &written_before_ike] {
    written_before_ike = h.tun->tx.size();
    EXPECT_TRUE(h.dp->remove_sa(0xb0000001, 0));
  };
  h.udp->rx.push_back({Bytes{0, 0, 0, 0, 1, 2, 3, 4}, h.a});
  h.udp->rx.push_back({h.esp(ipv4("198.51.100.7", "203.0.113.9", 80)), h.a});
  h.dp->process_udp(true);
  ASSERT_EQ(h.ike.size(), 1u);
  EXPECT_EQ(h.ike[0].second, (Bytes{1, 2, 3, 4}));
  EXPECT_EQ(written_before_ike, 1u);
  EXPECT_TRUE(h.dp->sa_stats().empty());
}

// "No SA for this packet" is reported after the batch, with a name of its
// own: the handler may even remove the tunnel.
TEST(Datapath, NoSaIsReportedAfterTheBatch) {
  Datapath dp(nullptr, std::make_unique<FakeUdp>(ep("192.0.2.2", 4500)), nullptr);
  auto t = std::make_unique<FakeTun>();
  FakeTun* tun = t.get();
  ASSERT_TRUE(dp.add_tunnel("Tunnel1", std::move(t)));
  std::vector<std::string> asked;
  dp.on_no_sa([&](const std::string& n) {
    asked.push_back(n);
    dp.remove_tunnel(n);
  });
  for (int i = 0; i < 3; ++i) tun->rx.push_back(ipv4("203.0.113.9", "198.51.100.7", 60));
  dp.process_tun("Tunnel1");
  EXPECT_EQ(asked, std::vector<std::string>{"Tunnel1"});
  EXPECT_FALSE(dp.has_tunnel("Tunnel1"));
  EXPECT_EQ(dp.counters().no_outbound_sa, 3u);
}

// Batch times (DPD's activity) and install times come from the Clock the
// data path is given.
TEST(Datapath, TimeComesFromTheInjectedClock) {
  FakeClock clock;
  Harness h;
  h.dp->set_clock(clock);
  clock.advance(Millis(5'000));
  h.deliver(h.esp(ipv4("198.51.100.7", "203.0.113.9", 80)));
  auto act = h.dp->activity(0xb0000001);
  ASSERT_TRUE(act);
  EXPECT_EQ(act->last_in, clock.now());
  clock.advance(Millis(7'000));
  h.tun->rx.push_back(ipv4("203.0.113.9", "198.51.100.7", 60));
  h.dp->process_tun("Tunnel0");
  EXPECT_EQ(h.dp->activity(0xb0000001)->last_out, clock.now());
  ASSERT_TRUE(h.dp->install_sa(child(false, kGcm128, 0xa0000002, 0xb0000002, h.a, h.b)));
  for (auto& st : h.dp->sa_stats())
    if (st.spi_in == 0xb0000002) {
      EXPECT_EQ(st.installed, clock.now());
    }
}

// Rekey: the new SA carries outbound traffic at once; the old inbound SA
// still accepts the peer's packets until it is removed.
TEST(Datapath, RekeySwitchesOutboundAndKeepsOldInbound) {
  Harness h;
  auto old_pkt = h.esp(ipv4("198.51.100.7", "203.0.113.9", 60));
  ASSERT_TRUE(h.dp->install_sa(child(false, kCbcSha256, 0xa0000002, 0xb0000002, h.a, h.b)));
  h.tun->rx.push_back(ipv4("203.0.113.9", "198.51.100.7", 60));
  h.dp->process_tun("Tunnel0");
  ASSERT_EQ(h.udp->tx.size(), 1u);
  EXPECT_EQ(peek_spi(h.udp->tx[0].first), 0xa0000002u);  // the new outbound SPI
  h.deliver(old_pkt);
  EXPECT_EQ(h.tun->tx.size(), 1u);
  EXPECT_TRUE(h.dp->remove_sa(0xb0000001, 0xa0000001));
  EXPECT_FALSE(h.dp->remove_sa(0xb0000001, 0xa0000001));
  auto late = h.esp(ipv4("198.51.100.7", "203.0.113.9", 60));
  h.deliver(late);
  EXPECT_EQ(h.dp->counters().no_sa, 1u);
  ASSERT_EQ(h.dp->sa_stats().size(), 1u);
  EXPECT_TRUE(h.dp->sa_stats()[0].current_outbound);
  EXPECT_TRUE(h.dp->remove_sa(0xb0000002, 0));
  h.tun->rx.push_back(ipv4("203.0.113.9", "198.51.100.7", 60));
  h.dp->process_tun("Tunnel0");
  EXPECT_EQ(h.dp->no_sa_drops("Tunnel0"), 1u);
}

// Rekey responder (RFC 7296 §2.8): the new SA waits ("pending") until the
// peer sends on it, then carries outbound traffic; a retired SA gives way.
TEST(Datapath, PendingSaTakesOverOnFirstInboundPacket) {
  Harness h;
  auto p = child(false, kGcm128, 0xa0000002, 0xb0000002, h.a, h.b);
  p.defer_outbound = true;
  ASSERT_TRUE(h.dp->install_sa(p));
  auto send_one = [&] {
    h.udp->tx.clear();
    h.tun->rx.push_back(ipv4("203.0.113.9", "198.51.100.7", 60));
    h.dp->process_tun("Tunnel0");
    EXPECT_EQ(h.udp->tx.size(), 1u);
    return h.udp->tx.empty() ? 0u : peek_spi(h.udp->tx[0].first);
  };
  EXPECT_EQ(send_one(), 0xa0000001u);  // still the old SA
  auto pa = child(true, kGcm128, 0xa0000002, 0xb0000002, h.a, h.b);
  auto peer_new = std::move(*OutboundSa::create(pa.spi_out, kGcm128, pa.encr_out, pa.integ_out));
  auto inner = ipv4("198.51.100.7", "203.0.113.9", 60);
  Bytes buf(kHeadroom + inner.size() + kTailroom);
  std::copy(inner.begin(), inner.end(), buf.begin() + kHeadroom);
  auto e = peer_new->seal(buf, inner.size());
  ASSERT_TRUE(e);
  h.deliver(Bytes(e->begin(), e->end()));
  EXPECT_EQ(send_one(), 0xa0000002u);  // the peer uses it: so do we
  ASSERT_TRUE(h.dp->retire_sa(0xb0000002));
  EXPECT_EQ(send_one(), 0xa0000001u);  // retired: back to the other one
  EXPECT_FALSE(h.dp->retire_sa(0x12345678));
}

// Volume lifetime: soft and hard marks are reported once each, after the
// batch, and the activity times move with the traffic.
TEST(Datapath, ByteLimitsReportedOnceEach) {
  Harness h;
  auto p = child(false, kGcm128, 0xa0000002, 0xb0000002, h.a, h.b);
  p.lifetime_kb = 4;
  p.soft_kb = 2;
  ASSERT_TRUE(h.dp->install_sa(p));
  std::vector<std::pair<uint32_t, bool>> got;
  h.dp->on_sa_limit([&](uint32_t spi, bool hard) { got.push_back({spi, hard}); });
  EXPECT_EQ(h.dp->activity(0xb0000002)->last_out, TimePoint{});
  auto send = [&](size_t len) {
    h.tun->rx.push_back(ipv4("203.0.113.9", "198.51.100.7", len));
    h.dp->process_tun("Tunnel0");
  };
  send(1000);
  EXPECT_TRUE(got.empty());
  EXPECT_NE(h.dp->activity(0xb0000002)->last_out, TimePoint{});
  EXPECT_EQ(h.dp->activity(0xb0000002)->last_in, TimePoint{});
  send(1100);  // 2100 bytes > 2 KiB
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], std::make_pair(0xb0000002u, false));
  send(1000);
  EXPECT_EQ(got.size(), 1u);
  send(1100);  // 4200 bytes > 4 KiB
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1], std::make_pair(0xb0000002u, true));
  send(1000);
  EXPECT_EQ(got.size(), 2u);
  EXPECT_EQ(h.dp->sa_stats().back().lifetime_kb, 4u);
  EXPECT_FALSE(h.dp->activity(0x1));
}

// RFC 4303 §3.3.3: the sequence number must not cycle. The SA is reported
// for rekeying at kSeqSoftLimit and as used up at 2^32-1, after which it
// sends nothing more.
TEST(Datapath, SequenceNumberMarksReported) {
  Harness h;
  std::vector<std::pair<uint32_t, bool>> got;
  h.dp->on_sa_limit([&](uint32_t spi, bool hard) { got.push_back({spi, hard}); });
  auto send = [&] {
    h.tun->rx.push_back(ipv4("203.0.113.9", "198.51.100.7", 60));
    h.dp->process_tun("Tunnel0");
  };
  send();
  EXPECT_TRUE(got.empty());
  h.dp->outbound_for_testing(0xb0000001)->skip_to_seq_for_testing(Datapath::kSeqSoftLimit - 1);
  send();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], std::make_pair(0xb0000001u, false));
  send();
  EXPECT_EQ(got.size(), 1u);
  h.dp->outbound_for_testing(0xb0000001)->skip_to_seq_for_testing(UINT32_MAX - 1);
  send();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[1], std::make_pair(0xb0000001u, true));
  size_t sent = h.udp->tx.size();
  send();  // nothing left to number it with
  EXPECT_EQ(h.udp->tx.size(), sent);
  EXPECT_EQ(got.size(), 2u);
  EXPECT_EQ(h.dp->outbound_for_testing(0x12345678), nullptr);
}

// Cross-check: a packet built by the data path, opened by a straightforward
// one-shot EVP implementation of RFC 4303/4106/4868 written here.
Bytes open_independently(const Bytes& esp, const crypto::CipherSuite& s, const Bytes& ek, const Bytes& ik) {
  Bytes plain;
  int l = 0, l2 = 0;
  EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
  if (s.encr == crypto::Cipher::kAesGcm16) {
    Bytes nonce(ek.end() - 4, ek.end());
    nonce.insert(nonce.end(), esp.begin() + 8, esp.begin() + 16);
    Bytes ct(esp.begin() + 16, esp.end() - 16), tag(esp.end() - 16, esp.end());
    plain.resize(ct.size());
    EVP_DecryptInit_ex2(c, EVP_aes_128_gcm(), ek.data(), nonce.data(), nullptr);
    EVP_DecryptUpdate(c, nullptr, &l, esp.data(), 8);
    EVP_DecryptUpdate(c, plain.data(), &l, ct.data(), int(ct.size()));
    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, tag.data());
    if (EVP_DecryptFinal_ex(c, plain.data() + l, &l2) != 1) plain.clear();
  } else {
    uint8_t mac[64];
    size_t ml = 0;
    EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, ik.data(), ik.size(), esp.data(), esp.size() - 16, mac,
              sizeof mac, &ml);
    if (!std::equal(mac, mac + 16, esp.end() - 16)) return {};
    Bytes ct(esp.begin() + 24, esp.end() - 16);
    plain.resize(ct.size() + 16);
    EVP_DecryptInit_ex2(c, EVP_aes_256_cbc(), ek.data(), esp.data() + 8, nullptr);
    EVP_CIPHER_CTX_set_padding(c, 0);
    EVP_DecryptUpdate(c, plain.data(), &l, ct.data(), int(ct.size()));
    plain.resize(size_t(l));
  }
  EVP_CIPHER_CTX_free(c);
  if (plain.size() < 2) return {};
  size_t pad = plain[plain.size() - 2];
  EXPECT_EQ(plain.back(), 4);  // next header: IPv4
  plain.resize(plain.size() - 2 - pad);
  return plain;
}

TEST(Datapath, PacketsOpenWithIndependentOneShotImplementation) {
  for (auto s : {kGcm128, kCbcSha256}) {
    auto u = std::make_unique<FakeUdp>(ep("192.0.2.2", 4500));
    FakeUdp* udp = u.get();
    Datapath dp(nullptr, std::move(u), nullptr);
    auto t = std::make_unique<FakeTun>();
    FakeTun* tun = t.get();
    ASSERT_TRUE(dp.add_tunnel("Tunnel0", std::move(t)));
    auto p = child(true, s, 0xa0000001, 0xb0000001, ep("192.0.2.1", 4500), ep("192.0.2.2", 4500));
    Bytes ek(p.encr_out.view().begin(), p.encr_out.view().end());
    Bytes ik(p.integ_out.view().begin(), p.integ_out.view().end());
    ASSERT_TRUE(dp.install_sa(p));
    auto inner = ipv4("198.51.100.7", "203.0.113.9", 333);
    tun->rx.push_back(inner);
    tun->rx.push_back(inner);
    dp.process_tun("Tunnel0");
    ASSERT_EQ(udp->tx.size(), 2u);
    for (auto& [pkt, to] : udp->tx) {
      EXPECT_EQ(to, ep("192.0.2.2", 4500));
      EXPECT_EQ(peek_spi(pkt), 0xb0000001u);
      EXPECT_EQ(open_independently(pkt, s, ek, ik), inner);
    }
    // Sequence numbers 1 and 2 (RFC 4303 §3.3.3).
    EXPECT_EQ(udp->tx[0].first[7], 1);
    EXPECT_EQ(udp->tx[1].first[7], 2);
  }
}

// IPv4 | UDP (checksum 0, allowed for IPv4) carrying `payload`.
Bytes ipv4_udp(const char* src, uint16_t sport, const char* dst, uint16_t dport, std::string_view payload) {
  size_t len = 28 + payload.size();
  Bytes p = ipv4(src, dst, len, 0);
  p[8] = 64;   // TTL
  p[9] = 17;   // UDP
  uint32_t sum = 0;
  for (size_t i = 0; i < 20; i += 2) sum += uint32_t(p[i] << 8 | p[i + 1]);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  p[10] = uint8_t(~sum >> 8);
  p[11] = uint8_t(~sum);
  p[20] = uint8_t(sport >> 8);
  p[21] = uint8_t(sport);
  p[22] = uint8_t(dport >> 8);
  p[23] = uint8_t(dport);
  p[24] = uint8_t((len - 20) >> 8);
  p[25] = uint8_t(len - 20);
  std::copy(payload.begin(), payload.end(), p.begin() + 28);
  return p;
}

// The whole path with a real TUN named Tunnel0, in a private network
// namespace created by a forked child (the host is never touched): a local
// application's UDP packet routed into Tunnel0 leaves as ESP in UDP to the
// peer, and the peer's ESP comes out of Tunnel0 to the application.
int tun_child() {
  if (unshare(CLONE_NEWNET) != 0) return 10;
  auto nl = io::Netlink::open();
  if (!nl || !(*nl)->set_link_up("lo", true)) return 11;
  auto dp = Datapath::open(*IpAddress::parse("127.0.0.1"), nullptr);
  if (!dp) return 12;
  if (!(*dp)->add_tunnel("Tunnel0")) return 13;
  if (!(*nl)->add_address("Tunnel0", *Prefix::parse("198.51.100.1/24"))) return 14;
  if (!(*nl)->set_link_up("Tunnel0", true)) return 15;
  if (!(*nl)->add_route(*Prefix::parse("203.0.113.0/24"), "Tunnel0", std::nullopt)) return 16;
  auto us = ep("127.0.0.1", 4500), peer_ep = ep("127.0.0.1", 4501);
  auto p = child(true, kGcm128, 0xa0000001, 0xb0000001, us, peer_ep);
  if (!(*dp)->install_sa(p)) return 17;
  auto peer = io::UdpSocket::bind(peer_ep);
  auto app = io::UdpSocket::bind(ep("0.0.0.0", 40000));
  if (!peer || !app) return 18;
  auto peer_in = InboundSa::create(p.spi_out, kGcm128, p.encr_out, p.integ_out, 64);
  auto peer_out = OutboundSa::create(p.spi_in, kGcm128, p.encr_in, p.integ_in);
  if (!peer_in || !peer_out) return 19;
  // Outbound: the application's datagram to 203.0.113.9 is routed into Tunnel0.
  const std::string_view ping = "ping";
  if (!app->send(as_bytes(ping), ep("203.0.113.9", 9))) return 20;
  Bytes buf(kPacketBufferSize);
  bool seen = false;
  for (int i = 0; i < 300 && !seen; ++i) {
    (*dp)->process_tun("Tunnel0");
    io::RecvSlot r[1] = {{buf}};
    if (peer->recv_batch(r) == 1) {
      auto inner = (*peer_in)->open(std::span(buf).first(r[0].len));
      // Skip the kernel's own IPv6 traffic into the TUN; look for the datagram.
      if (inner && inner->size() == 32 && (*inner)[0] == 0x45 && (*inner)[19] == 9 &&
          std::equal(ping.begin(), ping.end(), inner->begin() + 28))
        seen = true;
      if (inner && !seen && (*inner)[0] == 0x45) return 21;
    } else {
      usleep(1000);
    }
  }
  if (!seen) return 22;
  // Inbound: the peer's reply comes out of Tunnel0 to the application.
  Bytes reply = ipv4_udp("203.0.113.9", 9, "198.51.100.1", 40000, "pong");
  Bytes sealbuf(kHeadroom + reply.size() + kTailroom);
  std::copy(reply.begin(), reply.end(), sealbuf.begin() + kHeadroom);
  auto esp = (*peer_out)->seal(sealbuf, reply.size());
  if (!esp || !peer->send(*esp, us)) return 23;
  for (int i = 0; i < 300; ++i) {
    (*dp)->process_udp(true);
    io::RecvSlot r[1] = {{buf}};
    if (app->recv_batch(r) == 1)
      return r[0].len == 4 && std::equal(buf.begin(), buf.begin() + 4, "pong") &&
                     r[0].remote.addr.str() == "203.0.113.9"
                 ? 0
                 : 24;
    usleep(1000);
  }
  return 25;
}

TEST(DatapathTun, ApplicationTrafficThroughRealTunInPrivateNamespace) {
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) _exit(tun_child());
  int st = 0;
  waitpid(pid, &st, 0);
  ASSERT_TRUE(WIFEXITED(st));
  EXPECT_EQ(WEXITSTATUS(st), 0);
}

}  // namespace
}  // namespace kg::esp
