// Fuzz target: arbitrary datagrams into the inbound side of the data path on
// the ESP-in-UDP port, with two SAs installed (AES-GCM-128, SPI c0ffee01 and
// AES-CBC-128/HMAC-SHA2-256-128, SPI c0ffee02). Classification (keepalive,
// non-ESP marker, ESP), SPI lookup, replay window, ICV, trailer and selector
// checks all run. Must never crash; everything invalid is dropped and counted.
// The corpus holds valid packets of both SAs (seq 1..3), IKE and a keepalive.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "esp/datapath.h"

namespace {

using namespace kg;

class OneDatagram final : public esp::DatagramSocket {
 public:
  size_t recv_batch(std::span<io::RecvSlot> slots) override {
    if (!pending || slots.empty()) return 0;
    pending = false;
    size_t n = std::min(data.size(), slots[0].buf.size());
    std::copy_n(data.begin(), n, slots[0].buf.begin());
    slots[0].len = n;
    return 1;
  }
  size_t send_batch(std::span<const io::SendSlot> s) override { return s.size(); }
  [[nodiscard]] int fd() const override { return -1; }
  std::vector<uint8_t> data;
  bool pending = false;
};

class NullTun final : public esp::PacketDevice {
 public:
  size_t read_batch(std::span<std::span<uint8_t>>, std::span<size_t>) override { return 0; }
  size_t write_batch(std::span<const ByteView> p) override { return p.size(); }
  [[nodiscard]] int fd() const override { return -1; }
};

esp::InstallChildSa sa(uint32_t spi, crypto::CipherSuite s, size_t ek, size_t ik) {
  esp::InstallChildSa p;
  p.interface = "Tunnel0";
  p.spi_in = spi;
  p.spi_out = spi + 0x100;
  p.suite = s;
  p.encr_in = p.encr_out = Secret(std::vector<uint8_t>(ek, 0x11));
  p.integ_in = p.integ_out = Secret(std::vector<uint8_t>(ik, 0x22));
  TrafficSelector any4;
  any4.start = *IpAddress::parse("0.0.0.0");
  any4.end = *IpAddress::parse("255.255.255.255");
  p.local_ts = p.remote_ts = {any4};
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static OneDatagram* sock = nullptr;
  static esp::Datapath* dp = [] {
    auto s = std::make_unique<OneDatagram>();
    sock = s.get();
    auto* d = new esp::Datapath(nullptr, std::move(s), [](const Endpoint&, const Endpoint&, ByteView) {});
    (void)d->add_tunnel("Tunnel0", std::make_unique<NullTun>());
    (void)d->install_sa(sa(0xc0ffee01, {crypto::Cipher::kAesGcm16, 128, crypto::Mac::kNone}, 20, 0));
    (void)d->install_sa(sa(0xc0ffee02, {crypto::Cipher::kAesCbc, 128, crypto::Mac::kHmacSha2_256_128}, 16, 32));
    return d;
  }();
  sock->data.assign(data, data + size);
  sock->pending = true;
  dp->process_udp(true);
  return 0;
}
