// A traffic selector (RFC 7296 §3.13.1): the range of addresses, ports and
// protocol a CHILD_SA carries. IKE negotiates it and the ESP data path
// enforces it, so it lives here rather than in either; the IKEv2 TS payload
// (wire/ike/payloads.h) encodes it.
#pragma once
#include <cstdint>

#include "common/ip.h"

namespace kg {

// The selector's address family; the values are RFC 7296's TS Types.
enum class TsType : uint8_t { kIpv4AddrRange = 7, kIpv6AddrRange = 8 };

struct TrafficSelector {
  TsType type = TsType::kIpv4AddrRange;
  uint8_t ip_protocol = 0;  // 0 = any
  uint16_t start_port = 0;
  uint16_t end_port = 65535;
  IpAddress start;
  IpAddress end;
  auto operator<=>(const TrafficSelector&) const = default;
};

}  // namespace kg
