#include "wire/ike/cp_attributes.h"

#include <algorithm>

namespace kg::ike {
namespace {

Error bad(const std::string& what) { return Error{Errc::kInvalidSyntax, "CP: " + what}; }

Bytes with_len(const IpAddress& a, uint8_t len) {
  Bytes b(a.bytes().begin(), a.bytes().end());
  b.push_back(len);
  return b;
}

Bytes addr_bytes(const IpAddress& a) { return Bytes(a.bytes().begin(), a.bytes().end()); }

// IPv6 address + prefix length (17 bytes, §3.15.1).
Result<Prefix> v6_prefix(ByteView v, const char* what) {
  if (v.size() != 17) return std::unexpected(bad(std::string(what) + " length " + std::to_string(v.size())));
  if (v[16] > 128) return std::unexpected(bad(std::string(what) + " prefix length " + std::to_string(v[16])));
  return Prefix{*IpAddress::from_bytes(v.first(16)), v[16]};
}

struct Decoder {
  ConfigAttributes out;
  std::optional<IpAddress> ip4, mask;

  Result<void> v4(ByteView v, const char* what, std::optional<IpAddress>& into, bool& want) {
    if (v.empty()) { want = true; return {}; }
    if (v.size() != 4) return std::unexpected(bad(std::string(what) + " length " + std::to_string(v.size())));
    into = *IpAddress::from_bytes(v);
    return {};
  }

  Result<void> attribute(const CpAttribute& a) {
    ByteView v = a.value;
    bool ignored = false;
    switch (static_cast<CpAttr>(a.type)) {
      case CpAttr::kInternalIp4Address: return v4(v, "INTERNAL_IP4_ADDRESS", ip4, out.want_ip4);
      case CpAttr::kInternalIp4Netmask: return v4(v, "INTERNAL_IP4_NETMASK", mask, ignored);
      case CpAttr::kInternalIp4Dns: {
        std::optional<IpAddress> d;
        if (auto r = v4(v, "INTERNAL_IP4_DNS", d, out.want_dns); !r) return r;
        if (d) out.dns.push_back(*d);
        return {};
      }
      case CpAttr::kInternalIp6Address:
        if (v.empty()) { out.want_ip6 = true; return {}; }
        if (auto p = v6_prefix(v, "INTERNAL_IP6_ADDRESS"); p) out.ip6 = *p; else return std::unexpected(p.error());
        return {};
      case CpAttr::kInternalIp6Dns:
        if (v.empty()) { out.want_dns = true; return {}; }
        if (v.size() != 16) return std::unexpected(bad("INTERNAL_IP6_DNS length " + std::to_string(v.size())));
        out.dns.push_back(*IpAddress::from_bytes(v));
        return {};
      case CpAttr::kInternalIp4Subnet: {
        if (v.empty()) return {};
        if (v.size() != 8) return std::unexpected(bad("INTERNAL_IP4_SUBNET length " + std::to_string(v.size())));
        auto p = Prefix::from_mask(*IpAddress::from_bytes(v.first(4)), *IpAddress::from_bytes(v.subspan(4)));
        if (!p) return std::unexpected(bad("INTERNAL_IP4_SUBNET mask not contiguous"));
        out.subnets.push_back(Prefix{p->first(), p->len});
        return {};
      }
      case CpAttr::kInternalIp6Subnet: {
        if (v.empty()) return {};
        auto p = v6_prefix(v, "INTERNAL_IP6_SUBNET");
        if (!p) return std::unexpected(p.error());
        out.subnets.push_back(Prefix{p->first(), p->len});
        return {};
      }
      case CpAttr::kInternalDnsDomain:
      case CpAttr::kUnityDefDomain:
        if (v.empty()) { out.want_domain = true; return {}; }
        if (out.domain.empty()) out.domain.assign(v.begin(), v.end());
        return {};
      case CpAttr::kUnityBanner:
        if (v.empty()) { out.want_banner = true; return {}; }
        for (auto ch : v) out.banner += (ch >= 0x20 && ch != 0x7f) || ch == '\n' || ch == '\t' ? char(ch) : '.';
        return {};
      case CpAttr::kApplicationVersion:
        for (auto ch : v) out.application_version += (ch >= 0x20 && ch < 0x7f) ? char(ch) : '.';
        return {};
      default:
        return {};  // §3.15.1: unknown or unsupported attributes are ignored
    }
  }
};

}  // namespace

Result<ConfigAttributes> decode_config(const CpPayload& cp) {
  Decoder d;
  for (auto& a : cp.attributes)
    if (auto r = d.attribute(a); !r) return std::unexpected(r.error());
  if (d.ip4) {
    uint8_t len = 32;
    if (d.mask) {
      auto l = mask_to_len(*d.mask);
      if (!l) return std::unexpected(bad("INTERNAL_IP4_NETMASK not contiguous"));
      len = *l;
    }
    d.out.ip4 = Prefix{*d.ip4, len};
  }
  return d.out;
}

CpPayload encode_config(CfgType type, const ConfigAttributes& a) {
  CpPayload cp;
  cp.cfg_type = type;
  auto add = [&](CpAttr t, Bytes v = {}) { cp.attributes.push_back({static_cast<uint16_t>(t), std::move(v)}); };
  if (a.ip4) {
    add(CpAttr::kInternalIp4Address, addr_bytes(a.ip4->addr));
    if (a.ip4->len != 32 || type == CfgType::kReply) add(CpAttr::kInternalIp4Netmask, addr_bytes(a.ip4->mask()));
  } else if (a.want_ip4) {
    add(CpAttr::kInternalIp4Address);
  }
  if (a.ip6) add(CpAttr::kInternalIp6Address, with_len(a.ip6->addr, a.ip6->len));
  else if (a.want_ip6) add(CpAttr::kInternalIp6Address);
  for (auto& d : a.dns) add(d.is_v4() ? CpAttr::kInternalIp4Dns : CpAttr::kInternalIp6Dns, addr_bytes(d));
  if (a.dns.empty() && a.want_dns) {
    add(CpAttr::kInternalIp4Dns);
    if (a.want_ip6) add(CpAttr::kInternalIp6Dns);
  }
  for (auto& s : a.subnets) {
    if (s.addr.is_v4()) {
      Bytes v = addr_bytes(s.first());
      auto m = s.mask();
      v.insert(v.end(), m.bytes().begin(), m.bytes().end());
      add(CpAttr::kInternalIp4Subnet, std::move(v));
    } else {
      add(CpAttr::kInternalIp6Subnet, with_len(s.first(), s.len));
    }
  }
  if (!a.domain.empty()) add(CpAttr::kUnityDefDomain, Bytes(a.domain.begin(), a.domain.end()));
  else if (a.want_domain) add(CpAttr::kUnityDefDomain);
  if (!a.banner.empty()) add(CpAttr::kUnityBanner, Bytes(a.banner.begin(), a.banner.end()));
  else if (a.want_banner) add(CpAttr::kUnityBanner);
  if (!a.application_version.empty())
    add(CpAttr::kApplicationVersion, Bytes(a.application_version.begin(), a.application_version.end()));
  return cp;
}

}  // namespace kg::ike
