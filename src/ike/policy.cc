#include "ike/policy.h"

#include <cstdio>

#include "crypto/x509.h"

namespace kg::ike {

// How IOS shows an identity: the address, the name, the text of a DN, or hex
// for key IDs.
std::string Identity::str() const {
  switch (type) {
    case IdType::kIpv4Addr:
    case IdType::kIpv6Addr:
      if (auto a = IpAddress::from_bytes(data)) return a->str();
      break;
    case IdType::kFqdn:
    case IdType::kRfc822Addr:
      return std::string(data.begin(), data.end());
    case IdType::kDerAsn1Dn:
      if (auto t = crypto::dn_text(data)) return *t;  // "o=example,cn=r1" as IOS shows a DN
      break;
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
