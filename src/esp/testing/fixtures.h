// Test-only helpers shared by the data path tests: an in-memory TUN, traffic
// selectors, IPv4 packets and the mirrored CHILD_SA parameters of two sites.
#pragma once
#include <algorithm>
#include <deque>
#include <vector>

#include "esp/datapath.h"

namespace kg::esp::testing {

// A TUN device in memory: tests push packets to `rx` (what the kernel would
// hand us) and find what the data path wrote in `tx`.
class MemTun final : public PacketDevice {
 public:
  size_t read_batch(std::span<std::span<uint8_t>> bufs, std::span<size_t> lens) override {
    size_t n = 0;
    for (; n < bufs.size() && !rx.empty(); ++n, rx.pop_front()) {
      std::copy(rx.front().begin(), rx.front().end(), bufs[n].begin());
      lens[n] = rx.front().size();
    }
    return n;
  }
  size_t write_batch(std::span<const ByteView> packets) override {
    for (auto p : packets) tx.emplace_back(p.begin(), p.end());
    return packets.size();
  }
  [[nodiscard]] int fd() const override { return -1; }
  std::deque<Bytes> rx;
  std::vector<Bytes> tx;
};

inline TrafficSelector ts(const char* lo, const char* hi) {
  TrafficSelector t;
  t.start = *IpAddress::parse(lo);
  t.end = *IpAddress::parse(hi);
  return t;
}

// An IPv4 packet of `len` bytes (header fields the data path reads only).
inline Bytes ipv4(const char* src, const char* dst, size_t len, uint8_t fill = 0xab) {
  Bytes p(len, fill);
  p[0] = 0x45;
  p[2] = uint8_t(len >> 8);
  p[3] = uint8_t(len);
  auto s = *IpAddress::parse(src), d = *IpAddress::parse(dst);
  std::copy_n(s.b.begin(), 4, p.begin() + 12);
  std::copy_n(d.b.begin(), 4, p.begin() + 16);
  return p;
}

// One side of a CHILD_SA between site A (endpoint `a`, network `net_a`) and
// site B: the two sides' parameters mirror each other (fixed test keys).
struct SitePair {
  Endpoint a, b;
  TrafficSelector net_a, net_b;
  uint32_t spi_a = 0, spi_b = 0;  // inbound SPI on A, on B
};
inline esp::InstallChildSa child_of(bool a_side, const crypto::CipherSuite& s, const SitePair& x) {
  const size_t ek = s.encr_key_size(), ik = s.integ_key_size();
  Secret k_ab(Bytes(ek, 0x41)), k_ba(Bytes(ek, 0x42)), i_ab(Bytes(ik, 0x43)), i_ba(Bytes(ik, 0x44));
  esp::InstallChildSa p;
  p.interface = "Tunnel0";
  p.suite = s;
  p.spi_in = a_side ? x.spi_a : x.spi_b;
  p.spi_out = a_side ? x.spi_b : x.spi_a;
  p.encr_out = a_side ? k_ab : k_ba;
  p.integ_out = a_side ? i_ab : i_ba;
  p.encr_in = a_side ? k_ba : k_ab;
  p.integ_in = a_side ? i_ba : i_ab;
  p.local = a_side ? x.a : x.b;
  p.remote = a_side ? x.b : x.a;
  p.local_ts = {a_side ? x.net_a : x.net_b};
  p.remote_ts = {a_side ? x.net_b : x.net_a};
  return p;
}

}  // namespace kg::esp::testing
