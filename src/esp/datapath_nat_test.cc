// The data path's NAT-traversal choices (RFC 3948, RFC 7296 §2.23): plain ESP
// over the raw socket when an SA has no UDP encapsulation, ESP in UDP
// otherwise, NAT keepalives, and following the peer's new NAT mapping only on
// a valid packet that is the newest yet. Two Datapaths over in-memory sockets.
#include <gtest/gtest.h>

#include <deque>

#include "esp/datapath.h"
#include "esp/testing/fixtures.h"

namespace kg::esp {
namespace {

using testing::MemTun;

struct Datagram {
  Bytes data;
  Endpoint from, to;
};

class MemSock final : public DatagramSocket {
 public:
  size_t recv_batch(std::span<io::RecvSlot> slots) override {
    size_t n = 0;
    for (; n < slots.size() && !rx.empty(); ++n, rx.pop_front()) {
      std::copy(rx.front().data.begin(), rx.front().data.end(), slots[n].buf.begin());
      slots[n].len = rx.front().data.size();
      slots[n].remote = rx.front().from;
      slots[n].local = rx.front().to;
    }
    return n;
  }
  size_t send_batch(std::span<const io::SendSlot> slots) override {
    for (auto& s : slots) tx.push_back({Bytes(s.data.begin(), s.data.end()), {s.local, 0}, s.remote});
    return slots.size();
  }
  [[nodiscard]] int fd() const override { return -1; }
  std::deque<Datagram> rx;
  std::vector<Datagram> tx;
};

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

Bytes ipv4(const char* src, const char* dst, size_t len) {
  Bytes p(len, 0xab);
  p[0] = 0x45;
  p[2] = uint8_t(len >> 8);
  p[3] = uint8_t(len);
  std::copy_n(ip(src).b.begin(), 4, p.begin() + 12);
  std::copy_n(ip(dst).b.begin(), 4, p.begin() + 16);
  return p;
}

struct Side {
  std::unique_ptr<Datapath> dp;
  MemSock *natt = nullptr, *esp = nullptr;
  MemTun* tun = nullptr;
  Side() {
    auto n = std::make_unique<MemSock>(), e = std::make_unique<MemSock>();
    natt = n.get();
    esp = e.get();
    dp = std::make_unique<Datapath>(nullptr, std::move(n), nullptr);
    dp->set_esp_socket(std::move(e));
    auto t = std::make_unique<MemTun>();
    tun = t.get();
    EXPECT_TRUE(dp->add_tunnel("Tunnel0", std::move(t)));
  }
};

// A's SA (spi_in 0x1111) or B's (spi_in 0x2222), both directions keyed alike.
esp::InstallChildSa sa(bool a, bool udp, Endpoint local, Endpoint remote, bool may_float = false) {
  esp::InstallChildSa p;
  p.interface = "Tunnel0";
  p.suite = {crypto::Cipher::kAesGcm16, 128, crypto::Mac::kNone};
  p.spi_in = a ? 0x1111 : 0x2222;
  p.spi_out = a ? 0x2222 : 0x1111;
  Secret ab(Bytes(20, 0x41)), ba(Bytes(20, 0x42));
  p.encr_out = a ? ab : ba;
  p.encr_in = a ? ba : ab;
  p.local = local;
  p.remote = remote;
  p.udp_encap = udp;
  p.peer_may_float = may_float;
  TrafficSelector any;
  any.start = ip("0.0.0.0");
  any.end = ip("255.255.255.255");
  p.local_ts = p.remote_ts = {any};
  return p;
}

TEST(DatapathNat, PlainEspGoesOverTheRawSocketBothWays) {
  Side a, b;
  Endpoint ea{ip("198.51.100.1"), 0}, eb{ip("198.51.100.2"), 0};
  ASSERT_TRUE(a.dp->install_sa(sa(true, false, ea, eb)));
  ASSERT_TRUE(b.dp->install_sa(sa(false, false, eb, ea)));
  a.tun->rx.push_back(ipv4("192.0.2.1", "192.0.2.129", 100));
  a.dp->process_tun("Tunnel0");
  ASSERT_EQ(a.esp->tx.size(), 1u);
  EXPECT_TRUE(a.natt->tx.empty());  // nothing in UDP
  EXPECT_EQ(a.esp->tx[0].to, eb);
  EXPECT_EQ(a.esp->tx[0].data[3], 0x22);  // SPI 0x2222 first: bare ESP, no UDP or marker
  b.esp->rx.push_back({a.esp->tx[0].data, ea, eb});
  b.dp->process_esp();
  ASSERT_EQ(b.tun->tx.size(), 1u);
  EXPECT_EQ(b.tun->tx[0], ipv4("192.0.2.1", "192.0.2.129", 100));
  EXPECT_EQ(b.dp->counters().esp_in, 1u);
  EXPECT_FALSE(b.dp->sa_stats()[0].udp_encap);
}

TEST(DatapathNat, UdpEncapsulatedSaUsesThe4500Socket) {
  Side a;
  ASSERT_TRUE(a.dp->install_sa(sa(true, true, {ip("198.51.100.1"), 4500}, {ip("198.18.1.2"), 4500})));
  a.tun->rx.push_back(ipv4("192.0.2.1", "192.0.2.129", 60));
  a.dp->process_tun("Tunnel0");
  EXPECT_TRUE(a.esp->tx.empty());
  ASSERT_EQ(a.natt->tx.size(), 1u);
  EXPECT_EQ(a.natt->tx[0].to, (Endpoint{ip("198.18.1.2"), 4500}));
}

TEST(DatapathNat, KeepaliveIsOneFfByte) {
  Side a;
  ASSERT_TRUE(a.dp->send_keepalive({ip("198.51.100.1"), 4500}, {ip("198.18.1.2"), 4500}));
  ASSERT_EQ(a.natt->tx.size(), 1u);
  EXPECT_EQ(a.natt->tx[0].data, Bytes{0xff});
  EXPECT_EQ(a.dp->counters().keepalives_out, 1u);
}

// B is public, A behind a NAT that maps A's 4500 to 203.0.113.9:31001, later
// to :32000. B follows the newest valid packet only.
TEST(DatapathNat, FollowsNewMappingOnlyOnNewestValidPacket) {
  Side a, b;
  Endpoint a_priv{ip("198.51.100.1"), 4500}, b_pub{ip("198.18.1.2"), 4500};
  Endpoint m1{ip("203.0.113.9"), 31001}, m2{ip("203.0.113.9"), 32000}, m3{ip("203.0.113.9"), 33000};
  ASSERT_TRUE(a.dp->install_sa(sa(true, true, a_priv, b_pub)));
  ASSERT_TRUE(b.dp->install_sa(sa(false, true, b_pub, m1, true)));
  std::vector<std::pair<uint32_t, Endpoint>> moves;
  b.dp->on_peer_moved([&](uint32_t spi, const Endpoint& r) { moves.push_back({spi, r}); });
  for (int i = 0; i < 3; ++i) a.tun->rx.push_back(ipv4("192.0.2.1", "192.0.2.129", 60 + i));
  a.dp->process_tun("Tunnel0");
  ASSERT_EQ(a.natt->tx.size(), 3u);
  auto deliver = [&](size_t i, Endpoint from) {
    b.natt->rx.push_back({a.natt->tx[i].data, from, b_pub});
    b.dp->process_udp(true);
  };
  deliver(0, m1);
  EXPECT_TRUE(moves.empty());
  deliver(2, m2);  // seq 3 from a new mapping: follow
  ASSERT_EQ(moves.size(), 1u);
  EXPECT_EQ(moves[0], (std::pair<uint32_t, Endpoint>{0x2222, m2}));
  deliver(1, m3);  // seq 2 is valid but older: no move
  EXPECT_EQ(moves.size(), 1u);
  b.natt->rx.push_back({a.natt->tx[2].data, m3, b_pub});  // a replay: dropped, no move
  b.dp->process_udp(true);
  EXPECT_EQ(moves.size(), 1u);
  EXPECT_EQ(b.dp->sa_stats()[0].remote, m2);
  EXPECT_EQ(b.tun->tx.size(), 3u);
  // B's traffic now goes to the new mapping.
  b.tun->rx.push_back(ipv4("192.0.2.129", "192.0.2.1", 80));
  b.dp->process_tun("Tunnel0");
  ASSERT_EQ(b.natt->tx.size(), 1u);
  EXPECT_EQ(b.natt->tx[0].to, m2);
}

TEST(DatapathNat, BehindNatNeverFollows) {
  Side a, b;
  Endpoint a_priv{ip("198.51.100.1"), 4500}, b_pub{ip("198.18.1.2"), 4500};
  ASSERT_TRUE(a.dp->install_sa(sa(true, true, a_priv, b_pub)));
  ASSERT_TRUE(b.dp->install_sa(sa(false, true, b_pub, a_priv, false)));
  a.tun->rx.push_back(ipv4("192.0.2.1", "192.0.2.129", 60));
  a.dp->process_tun("Tunnel0");
  b.natt->rx.push_back({a.natt->tx[0].data, {ip("198.18.7.7"), 999}, b_pub});
  b.dp->process_udp(true);
  EXPECT_EQ(b.tun->tx.size(), 1u);
  EXPECT_EQ(b.dp->sa_stats()[0].remote, a_priv);
  EXPECT_EQ(b.dp->counters().peer_moves, 0u);
}

}  // namespace
}  // namespace kg::esp
