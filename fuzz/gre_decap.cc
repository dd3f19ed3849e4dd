// Fuzz target: arbitrary decrypted ESP payloads into the GRE decapsulation
// (wire/gre/gre_packet.h) of an IPv4 and an IPv6 tunnel, in ESP tunnel mode
// (outer IP header) and transport mode (GRE alone), and through a GreDevice.
// Must never crash or read out of bounds; an accepted inner packet lies
// inside the input. The corpus holds valid packets of each kind.
#include <cstdint>
#include <cstdlib>

#include "esp/gre_device.h"

namespace {

using namespace kg;

struct NullTun final : esp::PacketDevice {
  size_t read_batch(std::span<std::span<uint8_t>>, std::span<size_t>) override { return 0; }
  size_t write_batch(std::span<const ByteView> p) override { return p.size(); }
  [[nodiscard]] int fd() const override { return -1; }
};

esp::GreTunnel tunnel(const char* s, const char* d, bool outer) {
  return {*IpAddress::parse(s), *IpAddress::parse(d), outer};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const esp::GreTunnel tunnels[] = {
      tunnel("198.51.100.2", "198.51.100.1", true), tunnel("198.51.100.2", "198.51.100.1", false),
      tunnel("2001:db8:100::2", "2001:db8:100::1", true), tunnel("2001:db8:100::2", "2001:db8:100::1", false)};
  ByteView in(data, size);
  for (auto& t : tunnels) {
    auto r = esp::gre_decap(in, t);
    if (r && (r->data() < data || r->data() + r->size() > data + size)) std::abort();
  }
  static esp::GreDevice dev(std::make_unique<NullTun>(), nullptr);
  dev.set_tunnel(tunnels[0]);
  ByteView one[] = {in};
  if (dev.write_batch(one) != 1) std::abort();
  return 0;
}
