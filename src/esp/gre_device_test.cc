// GreDevice: TUN packets leave as GRE delivery packets in the data path's
// buffers (no copy), delivery packets come back as inner packets, bad ones
// are dropped and counted without being reported as TUN write errors.
#include "esp/gre_device.h"

#include <gtest/gtest.h>

#include <deque>

namespace kg::esp {
namespace {

struct FakeTun final : PacketDevice {
  size_t read_batch(std::span<std::span<uint8_t>> bufs, std::span<size_t> lens) override {
    size_t n = 0;
    while (n < bufs.size() && !rx.empty()) {
      std::copy(rx.front().begin(), rx.front().end(), bufs[n].begin());
      lens[n++] = rx.front().size();
      rx.pop_front();
    }
    return n;
  }
  size_t write_batch(std::span<const ByteView> p) override {
    for (auto& x : p) tx.emplace_back(x.begin(), x.end());
    return p.size();
  }
  [[nodiscard]] int fd() const override { return -1; }
  std::deque<Bytes> rx;
  std::vector<Bytes> tx;
};

Bytes ipv4(uint8_t tag) {
  Bytes p(40, tag);
  p[0] = 0x45;
  return p;
}

TEST(GreDevice, EncapsulatesReadsAndDecapsulatesWrites) {
  auto tun = std::make_unique<FakeTun>();
  FakeTun* t = tun.get();
  auto counters = std::make_shared<GreCounters>();
  GreDevice a(std::move(tun), counters);
  GreTunnel ta{*IpAddress::parse("198.51.100.1"), *IpAddress::parse("198.51.100.2"), true};
  // Before the endpoints are known, reads are dropped.
  t->rx = {ipv4(1)};
  std::vector<uint8_t> store(2 * 2048);
  std::array<std::span<uint8_t>, 2> bufs{std::span(store).first(2048), std::span(store).subspan(2048)};
  std::array<size_t, 2> lens{};
  EXPECT_EQ(a.read_batch(bufs, lens), 0u);
  EXPECT_EQ(counters->no_endpoints, 1u);
  a.set_tunnel(ta);
  t->rx = {ipv4(1), ipv4(2)};
  ASSERT_EQ(a.read_batch(bufs, lens), 2u);
  EXPECT_EQ(lens[0], 20u + 4 + 40);
  EXPECT_EQ(bufs[1][9], kIpProtoGre);
  EXPECT_EQ(bufs[1][24 + 1], 2);  // the inner packet follows the headers
  EXPECT_EQ(counters->encaps, 2u);

  // The far side takes them back, plus one that is not from its peer.
  auto tun_b = std::make_unique<FakeTun>();
  FakeTun* tb = tun_b.get();
  GreDevice b(std::move(tun_b), nullptr);
  b.set_tunnel({ta.destination, ta.source, true});
  Bytes stranger(bufs[0].begin(), bufs[0].begin() + long(lens[0]));
  stranger[12] = 203;  // source 203.51.100.1 (the header checksum breaks too)
  std::vector<ByteView> in{ByteView(bufs[0].data(), lens[0]), stranger, ByteView(bufs[1].data(), lens[1])};
  EXPECT_EQ(b.write_batch(in), 3u);  // the drop is GRE's, not a TUN write error
  ASSERT_EQ(tb->tx.size(), 2u);
  EXPECT_EQ(tb->tx[0], ipv4(1));
  EXPECT_EQ(tb->tx[1], ipv4(2));
}

}  // namespace
}  // namespace kg::esp
