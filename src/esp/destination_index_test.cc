// Shared tunnels: DestinationIndex picks the SA by destination, and a
// Datapath whose tunnel is shared (a Virtual-Template) sends each packet to
// the session that owns its destination.
#include "esp/destination_index.h"
#include "esp/testing/fixtures.h"

#include <gtest/gtest.h>

#include <deque>

#include "esp/datapath.h"

namespace kg::esp {
namespace {

TrafficSelector ts(const char* p) {
  auto x = *Prefix::parse(p);
  TrafficSelector t;
  t.type = x.addr.is_v4() ? TsType::kIpv4AddrRange : TsType::kIpv6AddrRange;
  t.start = x.first();
  t.end = x.last();
  return t;
}

std::unique_ptr<ChildSa> sa(uint32_t tunnel, std::vector<TrafficSelector> remote,
                            ChildSa::Outbound o = ChildSa::Outbound::kActive) {
  auto s = std::make_unique<ChildSa>();
  s->tunnel = tunnel;
  s->remote_ts = std::move(remote);
  s->outbound = o;
  return s;
}

IpAddress ip(const char* s) { return *IpAddress::parse(s); }

TEST(DestinationIndex, HostsRangesAndRekeyPreference) {
  std::vector<std::unique_ptr<ChildSa>> all;
  all.push_back(sa(1, {ts("198.18.1.10/32")}));                         // client 1
  all.push_back(sa(1, {ts("198.18.1.11/32"), ts("192.0.2.0/25")}));     // spoke with a LAN
  all.push_back(sa(1, {ts("0.0.0.0/0")}));                              // a peer that narrowed nothing
  all.push_back(sa(2, {ts("198.18.1.12/32")}));                         // another tunnel
  all.push_back(sa(1, {ts("198.18.1.10/32")}, ChildSa::Outbound::kPending));  // client 1 rekeying
  all.push_back(sa(1, {ts("2001:db8:1::/64")}));
  DestinationIndex idx;
  idx.rebuild(all, 1);
  EXPECT_EQ(idx.find(ip("198.18.1.10")), all[0].get());  // active beats the newer pending one
  EXPECT_EQ(idx.find(ip("198.18.1.11")), all[1].get());
  EXPECT_EQ(idx.find(ip("192.0.2.77")), all[1].get());   // /25 beats /0
  EXPECT_EQ(idx.find(ip("203.0.113.5")), all[2].get());
  EXPECT_EQ(idx.find(ip("198.18.1.12")), all[2].get());  // tunnel 2's SA is not ours
  EXPECT_EQ(idx.find(ip("2001:db8:1::5")), all[5].get());
  EXPECT_EQ(idx.find(ip("2001:db8:2::5")), nullptr);     // no v6 default
  all[0]->outbound = ChildSa::Outbound::kRetired;        // the old SA is being deleted
  EXPECT_EQ(idx.find(ip("198.18.1.10")), all[4].get());
  all.erase(all.begin() + 2);
  idx.rebuild(all, 1);
  EXPECT_EQ(idx.find(ip("203.0.113.5")), nullptr);
}

// add/remove one SA at a time (what the data path does) gives the same
// answers as a rebuild from the table.
TEST(DestinationIndex, AddAndRemoveMatchRebuild) {
  std::vector<std::unique_ptr<ChildSa>> all;
  all.push_back(sa(1, {ts("0.0.0.0/0")}));
  all.push_back(sa(1, {ts("198.18.1.10/32")}));
  all.push_back(sa(1, {ts("198.18.1.11/32"), ts("192.0.2.0/25")}));
  all.push_back(sa(1, {ts("192.0.2.0/24")}));
  all.push_back(sa(1, {ts("198.18.1.10/32")}, ChildSa::Outbound::kPending));
  DestinationIndex inc, full;
  for (auto& p : all) inc.add(p.get());
  full.rebuild(all, 1);
  for (auto* a : {"198.18.1.10", "198.18.1.11", "192.0.2.5", "192.0.2.200", "203.0.113.1"})
    EXPECT_EQ(inc.find(ip(a)), full.find(ip(a))) << a;
  EXPECT_EQ(inc.find(ip("192.0.2.5")), all[2].get());    // /25 before /24 before /0
  EXPECT_EQ(inc.find(ip("192.0.2.200")), all[3].get());
  inc.remove(all[2].get());
  inc.remove(all[1].get());
  EXPECT_EQ(inc.find(ip("192.0.2.5")), all[3].get());
  EXPECT_EQ(inc.find(ip("198.18.1.11")), all[0].get());
  EXPECT_EQ(inc.find(ip("198.18.1.10")), all[4].get());  // the pending one is all that is left
  inc.remove(all[0].get());
  EXPECT_EQ(inc.find(ip("203.0.113.1")), nullptr);
}

TEST(DestinationIndex, ReadsTheDestinationOfIpPackets) {
  std::vector<std::unique_ptr<ChildSa>> all;
  all.push_back(sa(0, {ts("198.18.1.10/32")}));
  all.push_back(sa(0, {ts("2001:db8::10/128")}));
  DestinationIndex idx;
  idx.rebuild(all, 0);
  Bytes v4(20, 0);
  v4[0] = 0x45;
  for (int i = 0; i < 4; ++i) v4[size_t(16 + i)] = ip("198.18.1.10").b[size_t(i)];
  EXPECT_EQ(idx.find(ByteView(v4)), all[0].get());
  Bytes v6(40, 0);
  v6[0] = 0x60;
  for (int i = 0; i < 16; ++i) v6[size_t(24 + i)] = ip("2001:db8::10").b[size_t(i)];
  EXPECT_EQ(idx.find(ByteView(v6)), all[1].get());
  EXPECT_EQ(idx.find(ByteView(v4).first(19)), nullptr);  // truncated
  v4[0] = 0x75;
  EXPECT_EQ(idx.find(ByteView(v4)), nullptr);  // not IP
}

// A selector narrowed to a protocol and port range ("192.0.2.128/25[tcp/5001]").
TrafficSelector ts(const char* p, uint8_t proto, uint16_t lo = 0, uint16_t hi = 65535) {
  TrafficSelector t = ts(p);
  t.ip_protocol = proto;
  t.start_port = lo;
  t.end_port = hi;
  return t;
}

// An SA of a crypto map ACL line: local (source) and remote (destination) selectors.
std::unique_ptr<ChildSa> line_sa(TrafficSelector local, TrafficSelector remote) {
  auto s = sa(0, {remote});
  s->local_ts = {local};
  s->out_selectors = PacketSelectors(addr_ranges(s->local_ts), addr_ranges(s->remote_ts));
  return s;
}

// IPv4 from `src` to `dst` with protocol `proto` and, for TCP/UDP, ports.
Bytes ipv4(const char* src, const char* dst, uint8_t proto, uint16_t sport = 0, uint16_t dport = 0) {
  Bytes p(60, 0);
  p[0] = 0x45;
  p[3] = 60;
  p[9] = proto;
  for (int i = 0; i < 4; ++i) {
    p[size_t(12 + i)] = ip(src).b[size_t(i)];
    p[size_t(16 + i)] = ip(dst).b[size_t(i)];
  }
  p[20] = uint8_t(sport >> 8), p[21] = uint8_t(sport);
  p[22] = uint8_t(dport >> 8), p[23] = uint8_t(dport);
  return p;
}

// Two ACL lines to one network, TCP port 5001 and 5002 (IOS: an SA pair
// each): each packet leaves on its own line's SA, whichever came up last;
// a packet no line holds has no SA. A host line's SA does not take what
// only a wider line holds.
TEST(DestinationIndex, LinesToOneDestinationAreChosenByProtocolAndPort) {
  std::vector<std::unique_ptr<ChildSa>> all;
  all.push_back(line_sa(ts("203.0.113.0/24", 6), ts("192.0.2.128/25", 6, 5001, 5001)));
  all.push_back(line_sa(ts("203.0.113.0/24", 6), ts("192.0.2.128/25", 6, 5002, 5002)));
  all.push_back(line_sa(ts("203.0.113.0/24", 17), ts("192.0.2.129/32", 17, 53, 53)));
  DestinationIndex idx;
  for (auto& p : all) idx.add(p.get());
  auto find = [&](const Bytes& b) { return idx.find(ByteView(b)); };
  EXPECT_EQ(find(ipv4("203.0.113.10", "192.0.2.129", 6, 40000, 5001)), all[0].get());
  EXPECT_EQ(find(ipv4("203.0.113.10", "192.0.2.129", 6, 40000, 5002)), all[1].get());
  EXPECT_EQ(find(ipv4("203.0.113.10", "192.0.2.130", 6, 40000, 5001)), all[0].get());
  EXPECT_EQ(find(ipv4("203.0.113.10", "192.0.2.129", 17, 40000, 53)), all[2].get());
  EXPECT_EQ(find(ipv4("203.0.113.10", "192.0.2.129", 1)), nullptr);  // ICMP: no line's
  EXPECT_EQ(find(ipv4("198.51.100.7", "192.0.2.129", 6, 40000, 5001)), nullptr);  // not from the lines' sources
  EXPECT_EQ(idx.find(ip("192.0.2.129")), all[2].get());  // by address alone: the destination's preference
  // A rekey of line 1: its new SA, the old one retired.
  all.push_back(line_sa(ts("203.0.113.0/24", 6), ts("192.0.2.128/25", 6, 5001, 5001)));
  idx.add(all[3].get());
  all[0]->outbound = ChildSa::Outbound::kRetired;
  EXPECT_EQ(find(ipv4("203.0.113.10", "192.0.2.129", 6, 40000, 5001)), all[3].get());
  EXPECT_EQ(find(ipv4("203.0.113.10", "192.0.2.129", 6, 40000, 5002)), all[1].get());
  idx.remove(all[1].get());
  EXPECT_EQ(find(ipv4("203.0.113.10", "192.0.2.129", 6, 40000, 5002)), nullptr);  // line 2's SA gone
  EXPECT_EQ(find(ipv4("203.0.113.10", "192.0.2.129", 6, 40000, 5001)), all[3].get());
}

using testing::MemTun;

class MemUdp final : public DatagramSocket {
 public:
  size_t recv_batch(std::span<io::RecvSlot>) override { return 0; }
  size_t send_batch(std::span<const io::SendSlot> s) override {
    for (auto& x : s) sent_to.push_back(x.remote);
    return s.size();
  }
  [[nodiscard]] int fd() const override { return -1; }
  std::vector<Endpoint> sent_to;
};

esp::InstallChildSa session(uint32_t spi, const char* peer, const char* assigned) {
  esp::InstallChildSa p;
  p.interface = "Virtual-Template1";
  p.suite = {crypto::Cipher::kAesGcm16, 128, crypto::Mac::kNone};
  p.spi_in = spi;
  p.spi_out = spi + 1;
  p.encr_in = p.encr_out = Secret(Bytes(20, uint8_t(spi)));
  p.local = {ip("198.51.100.1"), 4500};
  p.remote = {ip(peer), 4500};
  p.local_ts = {ts("0.0.0.0/0")};
  p.remote_ts = {ts(assigned)};
  return p;
}

Bytes ipv4_to(const char* dst) {
  Bytes p(60, 0);
  p[0] = 0x45;
  p[3] = 60;
  for (int i = 0; i < 4; ++i) p[size_t(16 + i)] = ip(dst).b[size_t(i)];
  return p;
}

TEST(SharedTunnel, EachPacketGoesToTheSessionOfItsDestination) {
  auto udp = std::make_unique<MemUdp>();
  auto* out = udp.get();
  Datapath dp(nullptr, std::move(udp), nullptr);
  auto tun = std::make_unique<MemTun>();
  auto* t = tun.get();
  ASSERT_TRUE(dp.add_tunnel("Virtual-Template1", std::move(tun)));
  dp.select_by_destination("Virtual-Template1");
  ASSERT_TRUE(dp.install_sa(session(0x1000, "198.51.100.2", "198.18.1.10/32")));
  ASSERT_TRUE(dp.install_sa(session(0x2000, "198.51.100.3", "198.18.1.11/32")));
  for (const char* d : {"198.18.1.11", "198.18.1.10", "198.18.1.99", "198.18.1.11"}) t->rx.push_back(ipv4_to(d));
  dp.process_tun("Virtual-Template1");
  ASSERT_EQ(out->sent_to.size(), 3u);
  EXPECT_EQ(out->sent_to[0].addr.str(), "198.51.100.3");
  EXPECT_EQ(out->sent_to[1].addr.str(), "198.51.100.2");
  EXPECT_EQ(out->sent_to[2].addr.str(), "198.51.100.3");
  EXPECT_EQ(dp.no_sa_drops("Virtual-Template1"), 1u);  // 198.18.1.99 has no session
  for (auto& s : dp.sa_stats()) {
    EXPECT_TRUE(s.current_outbound);  // every session's SA carries its own traffic
    EXPECT_EQ(s.pkts_encaps, s.spi_in == 0x1000 ? 1u : 2u);
  }
  // A session leaves: its destination has no SA any more.
  EXPECT_TRUE(dp.remove_sa(0x2000, 0));
  t->rx.push_back(ipv4_to("198.18.1.11"));
  dp.process_tun("Virtual-Template1");
  EXPECT_EQ(out->sent_to.size(), 3u);
  EXPECT_EQ(dp.no_sa_drops("Virtual-Template1"), 2u);
}

// A crypto map with two ACL lines to one network, TCP port 5001 and 5002:
// its device takes each packet to its own line's SA (the peer drops what
// arrives on the other line's SA).
TEST(SharedTunnel, CryptoMapLinesKeepTheirOwnSas) {
  auto udp = std::make_unique<MemUdp>();
  Datapath dp(nullptr, std::move(udp), nullptr);
  auto tun = std::make_unique<MemTun>();
  auto* t = tun.get();
  ASSERT_TRUE(dp.add_tunnel("cm-CMAP-10", std::move(tun)));
  dp.select_by_destination("cm-CMAP-10");
  for (uint16_t port : {5001, 5002}) {
    auto p = session(port * 16u, "198.51.100.2", "192.0.2.128/25");
    p.interface = "cm-CMAP-10";
    p.local_ts = {ts("203.0.113.0/24", 6)};
    p.remote_ts = {ts("192.0.2.128/25", 6, port, port)};
    ASSERT_TRUE(dp.install_sa(p));
  }
  std::vector<std::string> no_sa;
  dp.on_no_sa([&](const std::string& name) { no_sa.push_back(name); });
  for (uint16_t port : {5001, 5002, 5001, 5001}) t->rx.push_back(ipv4("203.0.113.10", "192.0.2.129", 6, 40000, port));
  dp.process_tun("cm-CMAP-10");
  for (auto& s : dp.sa_stats()) EXPECT_EQ(s.pkts_encaps, s.spi_in == 5001 * 16u ? 3u : 1u) << s.spi_in;
  EXPECT_TRUE(no_sa.empty());
  // Line 2's SA is lost: its packets have none (not line 1's), and the
  // daemon hears of it once per event, so that it negotiates it again.
  EXPECT_TRUE(dp.remove_sa(5002 * 16u, 0));
  for (uint16_t port : {5002, 5001, 5002}) t->rx.push_back(ipv4("203.0.113.10", "192.0.2.129", 6, 40000, port));
  dp.process_tun("cm-CMAP-10");
  EXPECT_EQ(no_sa, std::vector<std::string>{"cm-CMAP-10"});
  EXPECT_EQ(dp.no_sa_drops("cm-CMAP-10"), 2u);
  ASSERT_EQ(dp.sa_stats().size(), 1u);
  EXPECT_EQ(dp.sa_stats()[0].pkts_encaps, 4u);
}

}  // namespace
}  // namespace kg::esp
