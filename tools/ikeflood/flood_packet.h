// The datagrams of keygate-ikeflood: complete IPv4/UDP packets carrying an
// IKE_SA_INIT request { SA KE Ni N(NATD_S) N(NATD_D) } (RFC 7296 §1.2) from a
// spoofed source, as a raw socket with IP_HDRINCL sends them. The KE value is
// a real public key (made once), so a responder that does Diffie-Hellman for
// such a request pays the full price: what cookies must prevent.
#pragma once
#include <cstdint>

#include "common/bytes.h"
#include "common/ip.h"
#include "common/random.h"
#include "common/result.h"
#include "wire/ike/constants.h"

namespace kg::tools {

class FloodPacketFactory {
 public:
  // One ECP/MODP/X25519 key pair for every packet of the flood.
  static Result<FloodPacketFactory> create(ike::DhGroup group);
  // IPv4 header (checksummed) + UDP (checksummed) + IKE_SA_INIT with a fresh
  // SPIi and nonce from `rng`.
  [[nodiscard]] Bytes build(const Endpoint& src, const Endpoint& dst, Random& rng) const;

 private:
  ike::DhGroup group_ = ike::DhGroup::kEcp256;
  Bytes ke_;
};

// RFC 1071 Internet checksum over `data`, starting from `sum` (for the UDP
// pseudo-header).
uint16_t inet_checksum(ByteView data, uint32_t sum = 0);

}  // namespace kg::tools
