// Fuzz target: the inbound side of the data path on the ESP-in-UDP port.
// Must never crash; everything invalid is dropped and counted. Two modes,
// chosen by the input's first four bytes:
//
// Raw mode (any other input): the input is one datagram, fed to three SAs
// installed once (below). Classification (keepalive, non-ESP marker, ESP),
// SPI lookup, the replay window's early check and the ICV check run, but a
// mutated packet almost never passes the ICV, so nothing after it is reached.
// The corpus holds valid packets of the first two SAs (seq 1..3), IKE and a
// keepalive.
//
// Seal mode ("seal" + records): the mutated bytes are plaintext, sealed with
// the test SA's own keys before they enter the data path, so the code after
// ICV verification runs on fuzzed data: replay window update, padding and
// trailer, next header, inner IP version, traffic selectors, transport mode
// and the TUN write. The SAs are installed afresh for every input, so the
// replay window's state comes from the input alone. Each record is
//   flags(1) seq(4, big endian) len(2, big endian) bytes(len)
// flags bits 0-1: the SA (0 GCM tunnel, any selectors; 1 CBC/HMAC tunnel,
// 192.0.2.0/24 -> 198.51.100.0/24; 2 GCM transport, GRE; 3 = 0);
// bit 2: the bytes are the whole padded payload, trailer included (padding,
// pad length and next header as the fuzzer made them, zero-extended to the
// cipher's block), else they are the inner packet and padding and next header
// are correct (4 or 41 from the IP version, 47 in transport mode);
// bit 3: flip one bit of the sealed packet (position from seq), so the ICV
// failure after a valid packet is covered too.
// Up to kRxBatch records per input go in as one receive batch.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "esp/datapath.h"
#include "esp/esp_cipher.h"
#include "esp/sa.h"

namespace {

using namespace kg;

class Datagrams final : public esp::DatagramSocket {
 public:
  size_t recv_batch(std::span<io::RecvSlot> slots) override {
    size_t n = std::min(queue.size(), slots.size());
    for (size_t i = 0; i < n; ++i) {
      size_t len = std::min(queue[i].size(), slots[i].buf.size());
      std::copy_n(queue[i].begin(), len, slots[i].buf.begin());
      slots[i].len = len;
      slots[i].segment = 0;
    }
    queue.clear();
    return n;
  }
  size_t send_batch(std::span<const io::SendSlot> s) override { return s.size(); }
  [[nodiscard]] int fd() const override { return -1; }
  std::vector<std::vector<uint8_t>> queue;
};

class NullTun final : public esp::PacketDevice {
 public:
  size_t read_batch(std::span<std::span<uint8_t>>, std::span<size_t>) override { return 0; }
  size_t write_batch(std::span<const ByteView> p) override { return p.size(); }
  [[nodiscard]] int fd() const override { return -1; }
};

constexpr size_t kSealRecords = esp::kRxBatch;
const uint8_t kSealMagic[4] = {'s', 'e', 'a', 'l'};

TrafficSelector range(const char* a, const char* b, uint8_t proto = 0) {
  TrafficSelector t;
  t.start = *IpAddress::parse(a);
  t.end = *IpAddress::parse(b);
  t.ip_protocol = proto;
  return t;
}

// The three test SAs; their keys are fixed, so the sealer below can use them.
struct TestSa {
  uint32_t spi;
  crypto::CipherSuite suite;
  size_t encr_len, integ_len;
  bool transport;
};
const TestSa kSas[3] = {
    {0xc0ffee01, {crypto::Cipher::kAesGcm16, 128, crypto::Mac::kNone}, 20, 0, false},
    {0xc0ffee02, {crypto::Cipher::kAesCbc, 128, crypto::Mac::kHmacSha2_256_128}, 16, 32, false},
    {0xc0ffee03, {crypto::Cipher::kAesGcm16, 128, crypto::Mac::kNone}, 20, 0, true},
};

Secret encr_key(const TestSa& t) { return Secret(std::vector<uint8_t>(t.encr_len, 0x11)); }
Secret integ_key(const TestSa& t) { return Secret(std::vector<uint8_t>(t.integ_len, 0x22)); }

esp::InstallChildSa install_params(const TestSa& t, size_t index) {
  esp::InstallChildSa p;
  p.interface = "Tunnel0";
  p.spi_in = t.spi;
  p.spi_out = t.spi + 0x100;
  p.suite = t.suite;
  p.encr_in = p.encr_out = encr_key(t);
  p.integ_in = p.integ_out = integ_key(t);
  if (index == 1) {
    p.remote_ts = {range("192.0.2.0", "192.0.2.255")};
    p.local_ts = {range("198.51.100.0", "198.51.100.255")};
  } else if (t.transport) {
    p.transport = true;
    p.local_ts = p.remote_ts = {range("203.0.113.1", "203.0.113.1", 47)};
  } else {
    p.local_ts = p.remote_ts = {range("0.0.0.0", "255.255.255.255")};
  }
  return p;
}

struct Harness {
  Datagrams* sock = nullptr;
  std::unique_ptr<esp::Datapath> dp;
  std::unique_ptr<esp::OutboundSa> sealer[3];
  std::unique_ptr<esp::EspCipher> raw_sealer[3];

  Harness() {
    auto s = std::make_unique<Datagrams>();
    sock = s.get();
    dp = std::make_unique<esp::Datapath>(nullptr, std::move(s), [](const Endpoint&, const Endpoint&, ByteView) {});
    (void)dp->add_tunnel("Tunnel0", std::make_unique<NullTun>());
    for (size_t i = 0; i < 3; ++i) {
      (void)dp->install_sa(install_params(kSas[i], i));
      sealer[i] = std::move(*esp::OutboundSa::create(kSas[i].spi, kSas[i].suite, encr_key(kSas[i]),
                                                     integ_key(kSas[i])));
      if (kSas[i].transport) sealer[i]->set_transport(47);
      raw_sealer[i] = std::move(*esp::EspCipher::create(kSas[i].suite, encr_key(kSas[i]), integ_key(kSas[i]), true));
    }
  }

  // Fresh SAs: every input starts with empty replay windows.
  void reinstall() {
    for (size_t i = 0; i < 3; ++i) {
      dp->remove_sa(kSas[i].spi, kSas[i].spi + 0x100);
      (void)dp->install_sa(install_params(kSas[i], i));
    }
  }

  // The inner packet sealed by the SA's own encapsulation: correct trailer.
  std::vector<uint8_t> seal_inner(size_t sa, uint32_t seq, ByteView inner) {
    std::vector<uint8_t> buf(esp::kHeadroom + inner.size() + esp::kTailroom);
    std::copy(inner.begin(), inner.end(), buf.begin() + esp::kHeadroom);
    sealer[sa]->skip_to_seq_for_testing(seq - 1);
    auto r = sealer[sa]->seal(buf, inner.size());
    if (!r) return {};
    return {r->begin(), r->end()};
  }

  // The fuzzer's bytes as the whole padded payload: any padding, pad length
  // and next header. SPI | seq | IV | payload | ICV (RFC 4303 §2).
  std::vector<uint8_t> seal_payload(size_t sa, uint32_t seq, ByteView bytes) {
    esp::EspCipher& c = *raw_sealer[sa];
    size_t block = std::max<size_t>(c.block_size(), 4);
    size_t padded = std::max(block, (bytes.size() + block - 1) / block * block);
    std::vector<uint8_t> pkt(8 + c.iv_size() + padded + c.icv_size());
    uint32_t spi = kSas[sa].spi;
    for (int i = 0; i < 4; ++i) {
      pkt[size_t(i)] = uint8_t(spi >> (24 - 8 * i));
      pkt[size_t(4 + i)] = uint8_t(seq >> (24 - 8 * i));
    }
    std::span<uint8_t> all(pkt);
    std::copy(bytes.begin(), bytes.end(), pkt.begin() + long(8 + c.iv_size()));
    auto r = c.seal(all.first(8), all.subspan(8, c.iv_size()), seq, all.subspan(8 + c.iv_size(), padded),
                    all.subspan(8 + c.iv_size() + padded, c.icv_size()));
    if (!r) return {};
    return pkt;
  }
};

Harness& harness() {
  static Harness* h = new Harness();
  return *h;
}

void seal_mode(Harness& h, ByteView in) {
  h.reinstall();
  ByteReader r(in);
  while (h.sock->queue.size() < kSealRecords) {
    auto flags = r.u8();
    auto seq = r.u32();
    auto len = r.u16();
    if (!flags || !seq || !len) break;
    size_t n = std::min<size_t>(*len, r.remaining());
    ByteView bytes = *r.bytes(n);
    size_t sa = (*flags & 3) == 3 ? 0 : (*flags & 3);
    std::vector<uint8_t> pkt;
    // Seq 0 cannot come from the sealer (it counts from 1): raw path.
    if ((*flags & 4) || *seq == 0 || bytes.empty()) pkt = h.seal_payload(sa, *seq, bytes);
    else pkt = h.seal_inner(sa, *seq, bytes);
    if (pkt.empty()) continue;
    if (*flags & 8) {
      size_t bit = *seq % (pkt.size() * 8);
      pkt[bit / 8] ^= uint8_t(1u << (bit % 8));
    }
    h.sock->queue.push_back(std::move(pkt));
  }
  h.dp->process_udp(true);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Harness& h = harness();
  if (size >= 4 && std::memcmp(data, kSealMagic, 4) == 0) {
    seal_mode(h, ByteView(data + 4, size - 4));
    return 0;
  }
  h.sock->queue.emplace_back(data, data + size);
  h.dp->process_udp(true);
  return 0;
}
