#include "aaa/radius_attributes.h"

#include <sstream>

#include "wire/radius/vendor.h"

namespace kg::aaa {

using kg::radius::AttrType;

namespace {

std::optional<IpAddress> address(const kg::radius::Packet& p, AttrType t) {
  const auto* a = p.find(t);
  if (!a || a->value.size() != 4) return std::nullopt;
  return IpAddress::from_bytes(a->value);
}

}  // namespace

Result<RadiusAuthorization> radius_authorization(const kg::radius::Packet& accept) {
  RadiusAuthorization r;
  if (const auto* a = accept.find(AttrType::kFramedIpAddress)) {
    r.framed_ip = address(accept, AttrType::kFramedIpAddress);
    if (!r.framed_ip) return fail(Errc::kInvalidSyntax, "Framed-IP-Address is not 4 octets");
    (void)a;
  }
  if (accept.find(AttrType::kFramedIpNetmask)) {
    auto m = address(accept, AttrType::kFramedIpNetmask);
    auto len = m ? mask_to_len(*m) : std::nullopt;
    if (!len) return fail(Errc::kInvalidSyntax, "Framed-IP-Netmask is not a mask");
    r.framed_prefix_len = *len;
  }
  if (auto pool = accept.text(AttrType::kFramedPool)) r.pool = std::string(*pool);
  auto pairs = kg::radius::cisco_av_pairs(accept);
  if (!pairs) return std::unexpected(pairs.error());
  for (const auto& av : *pairs) {
    if (av.protocol != "ipsec") {
      if (av.mandatory) r.unsupported.push_back(av.str());
      continue;
    }
    if (av.attribute == "addr-pool") {
      r.pool = av.value;
    } else if (av.attribute == "dns-servers") {
      std::istringstream in(av.value);
      for (std::string w; in >> w;) {
        auto a = IpAddress::parse(w);
        if (!a) return fail(Errc::kInvalidSyntax, "Cisco-AVPair ipsec:dns-servers: bad address " + w);
        r.dns.push_back(*a);
      }
    } else if (av.attribute == "route-set") {
      // "prefix 198.51.100.0/24"; "interface" routes are the hub's own.
      std::istringstream in(av.value);
      std::string kind, what;
      in >> kind >> what;
      if (kind == "prefix") {
        auto p = Prefix::parse(what);
        if (!p) return fail(Errc::kInvalidSyntax, "Cisco-AVPair ipsec:route-set: bad prefix " + what);
        r.routes.push_back(Prefix{p->first(), p->len});
      } else if (av.mandatory) {
        r.unsupported.push_back(av.str());
      }
    } else if (av.attribute == "default-domain") {
      r.domain = av.value;
    } else if (av.mandatory) {
      r.unsupported.push_back(av.str());
    }
  }
  return r;
}

}  // namespace kg::aaa
