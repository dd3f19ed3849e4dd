// Fuzz target: arbitrary datagrams into an inbound ESP SA (AES-GCM-128 and
// AES-CBC/SHA-256). Must never crash; everything invalid is dropped and counted.
#include <cstdint>
#include <vector>

#include "esp/sa.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kg;
  static auto gcm = *esp::InboundSa::create(
      0xc0ffee01, {ike::EncrId::kAesGcm16, 128, ike::IntegId::kNone}, Secret(std::vector<uint8_t>(20, 0x11)),
      Secret(), 64);
  static auto cbc = *esp::InboundSa::create(
      0xc0ffee01, {ike::EncrId::kAesCbc, 128, ike::IntegId::kHmacSha2_256_128},
      Secret(std::vector<uint8_t>(16, 0x11)), Secret(std::vector<uint8_t>(32, 0x22)), 64);
  std::vector<uint8_t> a(data, data + size), b(a);
  (void)gcm->open(a);
  (void)cbc->open(b);
  return 0;
}
