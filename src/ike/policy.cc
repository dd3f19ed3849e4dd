#include "ike/policy.h"

#include <cstdio>

namespace kg::ike {

// How IOS shows an identity: the address, the name, or hex for key IDs and DNs.
std::string Identity::str() const {
  switch (type) {
    case IdType::kIpv4Addr:
    case IdType::kIpv6Addr:
      if (auto a = IpAddress::from_bytes(data)) return a->str();
      break;
    case IdType::kFqdn:
    case IdType::kRfc822Addr:
      return std::string(data.begin(), data.end());
    default:
      break;
  }
  std::string s;
  for (auto b : data) {
    char h[3];
    std::snprintf(h, sizeof h, "%02x", b);
    s += h;
  }
  return s.empty() ? "(none)" : s;
}

}  // namespace kg::ike
